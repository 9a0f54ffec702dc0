"""Chinese terms match whole words of jieba's segmentation, never parts of a word."""

from __future__ import annotations

from plugin.compliance import Decision
from tests.compliance.helpers import found


def test_a_term_is_found_as_a_word_inside_a_sentence_without_spaces(judge):
    text = "我们会给您退款"
    verdict = judge(text)
    assert verdict.decision is Decision.NEEDS_APPROVAL
    assert found(verdict, text) == [("commitment", "退款", "退款")]
    assert verdict.language == "zh"


def test_a_single_character_term_does_not_match_inside_a_longer_word(policy_with):
    judge = policy_with("languages:\n  zh:\n    commitments: [退, 保证]\n")
    assert judge("我们会给您退款").decision is Decision.ALLOW
    assert judge("保证金已经退还").decision is Decision.ALLOW  # deposit, not guarantee
    assert judge("我保证").decision is Decision.NEEDS_APPROVAL
    assert judge("给你退了").decision is Decision.NEEDS_APPROVAL  # "退" as its own word


def test_a_term_that_begins_or_ends_a_set_phrase_of_two_words_matches(policy_with):
    judge = policy_with("languages:\n  zh:\n    commitments: [保证, 赔偿, 退款]\n")
    for text, expected in (("我们保证质量", "保证"),  # jieba: "保证质量" (保证 + 质量)
                           ("我们会赔偿损失", "赔偿"),  # jieba: "赔偿损失"
                           ("全额退款", "退款")):
        verdict = judge(text)
        assert [item[2] for item in found(verdict, text)] == [expected], text
    assert judge("我们会支付赔偿金").decision is Decision.ALLOW  # 赔偿金: its own word


def test_the_default_policy_lists_the_compensation_compounds(judge):
    assert judge("我们会支付赔偿金").decision is Decision.NEEDS_APPROVAL


def test_a_term_before_a_suffix_word_and_between_emoji_and_latin_is_found(judge):
    for text, expected in (("您好，退款单已提交🙂", "退款"), ("🙏退款🙏", "退款"),
                           ("Refund退款ok", "退款"), ("我们将赔偿您的损失", "赔偿"),
                           ("我們會賠償", "賠償")):
        verdict = judge(text)
        assert verdict.decision is Decision.NEEDS_APPROVAL, text
        assert [item[2] for item in found(verdict, text)] == [expected], text


def test_banned_words_block(judge):
    text = "你这个白痴，闭嘴"
    verdict = judge(text)
    assert verdict.decision is Decision.BLOCK
    assert found(verdict, text) == [("banned_term", "白痴", "白痴"),
                                    ("banned_term", "闭嘴", "闭嘴")]


def test_a_term_jieba_splits_matches_as_consecutive_words(policy_with):
    judge = policy_with("languages:\n  zh:\n    commitments: [优惠码]\n")
    text = "送您一个优惠码"
    verdict = judge(text)
    assert verdict.decision is Decision.NEEDS_APPROVAL
    assert found(verdict, text) == [("commitment", "优惠码", "优惠码")]
