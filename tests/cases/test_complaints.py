# ruff: noqa: RUF001 - Cyrillic text is the test data
"""What makes an interaction a Case: the score, keywords in three languages, a message."""

from __future__ import annotations

import pytest

from plugin.sync.complaints import ComplaintPolicy, case_trigger
from tests.cases.conftest import Sentiment, negative, neutral

POLICY = ComplaintPolicy()


def test_a_score_under_the_threshold_is_a_complaint_and_says_so() -> None:
    trigger = case_trigger("Not what I expected at all", "comment", negative(score=-0.55),
                           POLICY)
    assert trigger is not None and trigger.rule == "score"
    assert "-0.5500" in trigger.detail and "-0.4000" in trigger.detail


def test_a_score_at_or_above_the_threshold_is_not() -> None:
    at_threshold = Sentiment(score=-0.4, label="negative", language="en", supported=True,
                             scorer="test")
    assert case_trigger("Meh", "comment", at_threshold, POLICY) is None
    assert case_trigger("Meh", "comment", neutral(), POLICY) is None


def test_an_unsupported_language_never_counts_as_negative() -> None:
    unknown = Sentiment(score=-0.9, label=None, language="tlh", supported=False, scorer="test")
    assert case_trigger("Heghlu'meH QaQ jajvam", "comment", unknown, POLICY) is None


def test_the_threshold_is_configurable() -> None:
    strict = ComplaintPolicy(score_below=-0.7)
    assert case_trigger("Not great", "comment", negative(score=-0.6), strict) is None
    assert case_trigger("Awful", "comment", negative(score=-0.8), strict) is not None


@pytest.mark.parametrize(("language", "body", "keyword", "matched"), [
    ("en", "I want a REFUND now", "refund", "refund"),
    ("en", "Refunded? No. Still waiting", "refund", "refunded"),
    ("en", "This is a total scam!!", "scam", "scam"),
    ("en", "The strap arrived broken 😡", "broken", "broken"),
    ("ru", "Верните деньги, это обман!", "обман", "обман"),
    ("ru", "Вас обманули, мошенники", "обман", "обманули"),
    ("ru", "Гитару сломали при доставке", "слома", "сломали"),
    ("ru", "Пришла сломанная дека", "слома", "сломанная"),
    ("ru", "Хочу оформить ВОЗВРАТ", "возврат", "возврат"),
    ("ru", "Когда вернёте деньги?", "верн деньг", "вернете деньги"),
    ("zh", "我要退款！", "退款", "退款"),
    ("zh", "吉他坏了，怎么办", "坏了", "坏了"),
    ("zh", "我要投诉你们的客服", "投诉", "投诉"),
])
def test_a_keyword_of_the_language_fires_on_its_word_forms(language: str, body: str,
                                                           keyword: str, matched: str) -> None:
    trigger = case_trigger(body, "comment", neutral(language), POLICY)
    assert trigger is not None and trigger.rule == "keyword"
    assert f"keyword {keyword!r} ({language})" in trigger.detail
    assert repr(matched) in trigger.detail


@pytest.mark.parametrize("body", [
    "Unbroken record of great service",   # a keyword inside a word, not at its start
    "Scrambled eggs at the launch party",
    "Мы восстановили склад",              # no stem at a word start
    "退一步海阔天空",                       # the characters of 退款 apart
])
def test_text_without_a_keyword_at_a_word_start_is_no_complaint(body: str) -> None:
    assert case_trigger(body, "comment", neutral(), POLICY) is None


def test_keywords_of_other_languages_count_when_detection_got_it_wrong() -> None:
    misdetected = neutral("bg")  # a short Russian line detected as Bulgarian
    trigger = case_trigger("это обман", "comment", misdetected, POLICY)
    assert trigger is not None and "(ru)" in trigger.detail
    only_own = ComplaintPolicy(keywords_in_any_language=False)
    assert case_trigger("это обман", "comment", misdetected, only_own) is None
    assert case_trigger("это обман", "comment", neutral("ru"), only_own) is not None


def test_a_region_subtag_uses_the_language_keywords() -> None:
    only_own = ComplaintPolicy(keywords_in_any_language=False)
    trigger = case_trigger("申请退款", "comment", neutral("zh-Hans"), only_own)
    assert trigger is not None and "(zh)" in trigger.detail


def test_configured_keywords_replace_the_defaults() -> None:
    policy = ComplaintPolicy(keywords={"en": ("chargeback",)})
    assert case_trigger("I will file a chargeback", "comment", neutral(), policy) is not None
    assert case_trigger("I want a refund", "comment", neutral(), policy) is None


def test_a_message_always_opens_a_case_unless_configured_off() -> None:
    trigger = case_trigger("Hi! What are your opening hours?", "message", neutral(), POLICY)
    assert trigger is not None and trigger.rule == "message"
    off = ComplaintPolicy(messages_open_cases=False)
    assert case_trigger("Hi! What are your opening hours?", "message", neutral(), off) is None
    assert case_trigger("I want a refund", "message", neutral(), off) is not None


def test_the_most_telling_rule_is_recorded() -> None:
    trigger = case_trigger("refund!", "message", negative(score=-0.9), POLICY)
    assert trigger is not None and trigger.rule == "score"
    trigger = case_trigger("refund!", "message", neutral(), POLICY)
    assert trigger is not None and trigger.rule == "keyword"


def test_outbound_items_and_other_kinds_never_open_a_case() -> None:
    assert case_trigger("refund", "comment", neutral(), POLICY, direction="outbound") is None
    assert case_trigger("refund", "lead_form", neutral(), POLICY) is None
    assert case_trigger("refund", "reaction_summary", None, POLICY) is None


def test_without_a_sentiment_keywords_of_every_language_apply() -> None:
    trigger = case_trigger("吉他坏了", "comment", None, POLICY)
    assert trigger is not None and trigger.rule == "keyword"
