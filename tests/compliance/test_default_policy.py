"""The policy shipped with the plugin loads, validates, and covers what issue 11 asks."""

from __future__ import annotations

import pytest

from plugin.compliance import (
    Decision,
    default_policy_text,
    load_policy,
    validate_policy_file,
)


def test_the_shipped_file_is_valid_and_a_copy_of_it_judges_like_the_default(
        tmp_path, default_policy):
    copy = tmp_path / "policy.yaml"
    copy.write_text(default_policy_text(), encoding="utf-8")
    assert validate_policy_file(copy) == []
    loaded = load_policy(copy)
    assert loaded.spec == default_policy.spec
    text = "Мы гарантируем возврат 🙂\n— Анна"
    assert loaded.evaluate(text, network="facebook", kind="public") == default_policy.evaluate(
        text, network="facebook", kind="public")


def test_it_covers_english_russian_chinese_and_every_language(default_policy):
    assert {"*", "en", "ru", "zh"} <= set(default_policy.spec.languages)
    assert default_policy.networks == {"facebook": ("public", "private"),
                                       "linkedin": ("public",)}


@pytest.mark.parametrize("text", [
    "We can refund it", "A guarantee applies", "We offer compensation",
    "Оформим возврат", "Даём гарантию", "Положена компенсация",
    "可以退款", "我们保证", "我们会赔偿",
])
def test_refund_guarantee_and_compensation_need_approval_in_each_language(judge, text):
    assert judge(text).decision is Decision.NEEDS_APPROVAL


def test_a_signed_plain_reply_is_allowed_everywhere(judge, default_policy):
    for network, kinds in default_policy.networks.items():
        for kind in kinds:
            verdict = judge("Thanks for reaching out, we are on it! 🙂", network=network,
                            kind=kind)
            assert verdict.decision is Decision.ALLOW, (network, kind)
            assert verdict.reasons == ()
