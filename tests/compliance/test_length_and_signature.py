"""Per-network length limits and the required signature."""

from __future__ import annotations

import pytest

from plugin.compliance import Decision, ReasonCode, UnknownChannelError
from tests.compliance.helpers import SIGNATURE


def reply_of_length(length: int, filler: str = "a") -> str:
    """A signed reply of exactly ``length`` characters."""
    return filler * (length - len(SIGNATURE)) + SIGNATURE


@pytest.mark.parametrize("network, kind, limit", [
    ("facebook", "public", 8000), ("facebook", "private", 2000), ("linkedin", "public", 1250),
])
def test_a_reply_exactly_at_the_limit_passes_and_one_more_character_is_blocked(
        judge, default_policy, network, kind, limit):
    assert default_policy.spec.networks[network][kind].max_length == limit
    at_limit = reply_of_length(limit)
    assert len(at_limit) == limit
    assert judge(at_limit, network=network, kind=kind, sign=False).decision is Decision.ALLOW
    verdict = judge(reply_of_length(limit + 1), network=network, kind=kind, sign=False)
    assert verdict.decision is Decision.BLOCK
    assert verdict.codes == (ReasonCode.TOO_LONG,)
    assert f"at most {limit} characters" in verdict.reasons[0].message
    assert f"this one has {limit + 1}" in verdict.reasons[0].message


def test_emoji_count_as_one_character_or_two_utf16_units_as_the_policy_says(policy_with):
    judge = policy_with("""
languages: {"*": {}}
networks:
  facebook:
    public: {max_length: 20}
    private: {max_length: 20, length_unit: utf16}
""")
    text = "😀" * (20 - len(SIGNATURE)) + SIGNATURE
    assert len(text) == 20
    assert judge(text, sign=False).decision is Decision.ALLOW
    verdict = judge(text, kind="private", sign=False)
    assert verdict.decision is Decision.BLOCK
    assert "this one has 33" in verdict.reasons[0].message  # 13 emoji of 2 units + 7


def test_a_channel_the_policy_does_not_cover_is_an_error_not_a_verdict(judge):
    with pytest.raises(UnknownChannelError, match="twitter"):
        judge("Hello", network="twitter")
    with pytest.raises(UnknownChannelError, match="'private' replies on linkedin"):
        judge("Hello", network="linkedin", kind="private")


def test_an_empty_reply_is_blocked(judge):
    verdict = judge(" \n\t", sign=False)
    assert verdict.decision is Decision.BLOCK
    assert verdict.codes == (ReasonCode.EMPTY,)


@pytest.mark.parametrize("ending", [
    "\n— Anna", "\n- Anna", "\n\u2013 Anna", "\n—Anna", "\n— anna  \n", " — ANNA",
])
def test_the_signature_may_use_any_dash_spacing_and_case(judge, ending):
    verdict = judge("Thanks for your patience." + ending, sign=False,
                    signature_values={"agent_first_name": "Anna"})
    assert verdict.decision is Decision.ALLOW


def test_a_missing_or_wrong_signature_blocks_and_says_what_to_write(judge):
    values = {"agent_first_name": "Anna"}
    for text in ("Thanks for your patience.", "— Anna\nThanks for your patience.",
                 "Thanks!\n— Bob", "Thanks!\n— Annabel"):
        verdict = judge(text, sign=False, signature_values=values)
        assert verdict.decision is Decision.BLOCK, text
        assert verdict.codes == (ReasonCode.MISSING_SIGNATURE,)
        assert verdict.reasons[0].message == "the reply must end with the signature “— Anna”"


def test_without_the_agents_name_any_first_name_in_any_script_is_accepted(judge):
    for name in ("Anna", "Анна", "小明", "Jean-Luc", "O'Neil"):
        assert judge(f"Thanks!\n— {name}", sign=False).decision is Decision.ALLOW, name
    for text in ("Thanks!\n—", "Thanks!\n— 42", "Thanks! — 🙂"):
        verdict = judge(text, sign=False)
        assert verdict.codes == (ReasonCode.MISSING_SIGNATURE,), text
        assert "“— <your first name>”" in verdict.reasons[0].message


def test_a_fixed_signature_required_only_in_public(policy_with):
    judge = policy_with("""
languages: {"*": {}}
signature: {template: "Acme Support Team", required_for: [public]}
""")
    assert judge("Thanks!\nacme  support team", sign=False).decision is Decision.ALLOW
    assert judge("Thanks!", sign=False).decision is Decision.BLOCK
    assert judge("Thanks!", sign=False, kind="private").decision is Decision.ALLOW
    assert judge("Thanks! NotAcme Support Team", sign=False).decision is Decision.BLOCK


def test_a_full_name_signature_with_company(policy_with):
    judge = policy_with("""
languages: {"*": {}}
signature: {template: "— {agent_name}, Acme"}
""")
    values = {"agent_name": "Anna Smith"}
    assert judge("Hi!\n— Anna Smith, Acme", sign=False,
                 signature_values=values).decision is Decision.ALLOW
    assert judge("Hi!\n— Anna, Acme", sign=False,
                 signature_values=values).decision is Decision.BLOCK
    assert judge("Hi!\n— Mary Jane Watson, Acme", sign=False).decision is Decision.ALLOW
