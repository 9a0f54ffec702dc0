"""Which language rules apply to a reply, and how reasons add up to one verdict."""

from __future__ import annotations

import json

from plugin.compliance import Decision, ReasonCode
from tests.compliance.helpers import found


def test_a_reply_mixing_scripts_is_checked_in_each_of_them(judge):
    text = "Thanks! Мы оформим возврат. 我们会给您退款 🙂"
    verdict = judge(text)
    assert verdict.decision is Decision.NEEDS_APPROVAL
    assert set(verdict.languages) == {"*", "en", "ru", "zh"}
    assert found(verdict, text) == [("commitment", "возврат", "возврат"),
                                    ("commitment", "退款", "退款")]


def test_an_insult_in_another_script_is_caught_in_a_reply_of_any_language(judge):
    text = "Thank you for the feedback, идиот"
    verdict = judge(text, language="en")
    assert verdict.language == "en"
    assert verdict.decision is Decision.BLOCK
    assert found(verdict, text) == [("banned_term", "идиот", "идиот")]


def test_the_callers_language_tag_is_read_as_its_base_language(judge):
    verdict = judge("We will refund you", language="en-US")
    assert verdict.language == "en"
    assert verdict.decision is Decision.NEEDS_APPROVAL


def test_invisible_characters_inside_a_word_do_not_hide_it(judge):
    text = "You are an id\u200biot and a li\u00adar"
    verdict = judge(text)
    assert found(verdict, text) == [("banned_term", "idiot", "id\u200biot"),
                                    ("banned_term", "liar", "li\u00adar")]


def test_emoji_are_matched_as_written_with_any_skin_tone_or_presentation(judge):
    for text in ("🖕", "ok 🖕🏽", "🖕\ufe0f"):
        verdict = judge(text)
        assert verdict.decision is Decision.BLOCK, text
        assert found(verdict, text)[0][2].startswith("🖕")
    assert judge("🙏🙂👍").decision is Decision.ALLOW


def test_a_literal_term_is_a_whole_word_in_spaced_scripts_and_anywhere_in_chinese(
        policy_with):
    judge = policy_with("""
languages:
  "*":
    banned: [Acme Rival, 对手公司]
""")
    assert judge("Try ACME  rival!").decision is Decision.BLOCK
    assert judge("Try AcmeRival or acme rivals").decision is Decision.ALLOW
    assert judge("别去对手公司买").decision is Decision.BLOCK


def test_a_reply_in_its_own_language_is_not_held_to_another_languages_list(policy_with):
    """German "Gift" is poison: an English commitment "gift" must not catch it in a
    German reply, but a reply in a language without a section meets every list of its
    script (the safe side)."""
    judge = policy_with("""
languages:
  en: {commitments: [gift]}
  de: {commitments: [Geschenk]}
""")
    german = "Dieses Produkt enthält kein Gift"
    assert judge(german, language="de-DE").decision is Decision.ALLOW
    assert judge(german, language="es").decision is Decision.NEEDS_APPROVAL
    assert judge("A free gift for you", language="en").decision is Decision.NEEDS_APPROVAL
    assert judge("Ein Geschenk für Sie", language="de").decision is Decision.NEEDS_APPROVAL


def test_without_a_language_the_detector_tells_languages_of_one_script_apart(policy_with):
    """The shared detector (the sentiment package's Lingua) is asked only here, where the
    policy has two languages written in Latin letters."""
    judge = policy_with("""
languages:
  en: {commitments: [gift]}
  de: {commitments: [Geschenk]}
""")
    german = judge("Vielen Dank für Ihre Nachricht, dieses Produkt enthält kein Gift")
    assert german.language == "de"
    assert german.decision is Decision.ALLOW
    english = judge("Thank you for your message, we will send you a small gift")
    assert english.language == "en"
    assert english.decision is Decision.NEEDS_APPROVAL


def test_block_wins_over_needs_approval_and_is_listed_first(judge):
    text = "We will refund you, idiot"
    verdict = judge(text)
    assert verdict.decision is Decision.BLOCK
    assert verdict.codes == (ReasonCode.BANNED_TERM, ReasonCode.COMMITMENT)
    assert [reason.decision for reason in verdict.reasons] == [Decision.BLOCK,
                                                               Decision.NEEDS_APPROVAL]
    assert verdict.blocked and not verdict.needs_approval and not verdict.allowed


def test_every_rule_can_speak_at_once_and_the_verdict_is_plain_json(judge):
    text = "Refund for the idiot at anna@example.com " + "x" * 1300
    verdict = judge(text, network="linkedin", sign=False)
    assert set(verdict.codes) == {ReasonCode.BANNED_TERM, ReasonCode.COMMITMENT,
                                  ReasonCode.PERSONAL_DATA, ReasonCode.TOO_LONG,
                                  ReasonCode.MISSING_SIGNATURE}
    data = json.loads(json.dumps(verdict.to_dict()))
    assert data["decision"] == "block"
    assert {reason["code"] for reason in data["reasons"]} == {code.value
                                                              for code in verdict.codes}
    spans = [tuple(span) for reason in data["reasons"] for span in reason["spans"]]
    assert sorted(spans) == [(span.start, span.end) for span in verdict.spans]
    assert [text[s:e] for s, e in sorted(spans)] == ["Refund", "idiot", "anna@example.com"]


def test_the_same_reply_gets_the_same_verdict(judge):
    text = "Мы гарантируем возврат, call +7 912 345-67-89"
    assert judge(text) == judge(text)


def test_full_case_folding_and_typographic_apostrophes(policy_with):
    judge = policy_with("""
languages:
  "*": {banned: [Straße]}
  en: {banned: ["don't care"]}
""")
    for text in ("Go to STRASSE 1", "straße", "I DON\u2019T CARE", "We don't  care"):
        assert judge(text).decision is Decision.BLOCK, text
    for text in ("Hauptstrasse 1", "I dont care"):
        assert judge(text).decision is Decision.ALLOW, text
