# ruff: noqa: RUF001 - Cyrillic and Chinese text is the test data
"""Discount seekers in English, Russian and Chinese: mostly discount talk, and only
after the minimum number of positive interactions; words matched as words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from plugin.advocates import AdvocatePolicy, Interaction, WordList, score_profile
from plugin.advocates.words import DISCOUNT_WORDS

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
WORDS = WordList(DISCOUNT_WORDS)

SEEKERS = {
    "en": ["Love you! Any promo code?", "Great brand, got a coupon for me?",
           "Is there a discount this week? 😍", "Free shipping please, you are the best"],
    "ru": ["Обожаю вас! Есть промокод?", "Классный магазин, дайте скидку 🙏",
           "А будет распродажа? Очень люблю", "Супер! Подарок за отзыв будет?"],
    "zh": ["太喜欢了！有优惠券吗？", "你们最好了，能打折吗", "求免费送一个，爱你们",
           "有没有红包？好评"],
}
ADVOCATES = {
    "en": ["The new app is brilliant", "Support fixed it in minutes, thank you!",
           "Best phone I ever had", "Recommended it to my whole team"],
    "ru": ["Отличное приложение, спасибо", "Поддержка помогла за пять минут",
           "Лучший телефон из всех", "Посоветовал всей команде"],
    "zh": ["新版本非常好用", "客服五分钟就解决了，谢谢", "这是我用过最好的手机",
           "已经推荐给整个团队了"],
}


def talk(texts: list[str], language: str, *, every_days: float = 1) -> list[Interaction]:
    return [Interaction(f"{language}-{n}", NOW - timedelta(days=n * every_days), "positive",
                        0.8, text, language) for n, text in enumerate(texts)]


@pytest.mark.parametrize("language", ["en", "ru", "zh"])
def test_a_profile_whose_praise_is_mostly_about_discounts_is_flagged(language: str) -> None:
    result = score_profile(talk(SEEKERS[language], language), followers=None, now=NOW)
    assert result.discount_seeker
    assert result.components.discount_share == 1.0
    assert result.discount_terms, "the words that decided are named"
    assert result.score > 0, "the score is kept: flagged profiles are only marked"


@pytest.mark.parametrize("language", ["en", "ru", "zh"])
def test_a_real_fan_is_not_flagged(language: str) -> None:
    result = score_profile(talk(ADVOCATES[language], language), followers=None, now=NOW)
    assert not result.discount_seeker
    assert result.components.discount_share == 0.0 and result.discount_terms == ()


@pytest.mark.parametrize("language", ["en", "ru", "zh"])
def test_no_flag_before_the_minimum_number_of_interactions(language: str) -> None:
    two = talk(SEEKERS[language][:2], language)
    assert not score_profile(two, followers=None, now=NOW).discount_seeker
    three = talk(SEEKERS[language][:3], language)
    assert score_profile(three, followers=None, now=NOW).discount_seeker
    strict = AdvocatePolicy(min_discount_interactions=4)
    assert not score_profile(three, followers=None, now=NOW, policy=strict).discount_seeker


def test_mostly_means_at_least_the_configured_share_by_decayed_weight() -> None:
    half = talk([*SEEKERS["en"][:2], *ADVOCATES["en"][:2]], "en")
    assert score_profile(half, followers=None, now=NOW).discount_seeker  # 0.5 by default
    assert not score_profile(half, followers=None, now=NOW,
                             policy=AdvocatePolicy(discount_share=0.6)).discount_seeker
    # Old discount talk, fresh praise: the praise weighs more now.
    old_deals = talk(SEEKERS["en"][:2], "en", every_days=0)
    old_deals = [Interaction(i.record_id, NOW - timedelta(days=200), i.polarity, i.strength,
                             i.text, i.language) for i in old_deals]
    fresh_praise = talk(ADVOCATES["en"][:2], "en")
    changed = score_profile([*old_deals, *fresh_praise], followers=None, now=NOW)
    assert changed.components.discount_share < 0.1 and not changed.discount_seeker


def test_a_burst_of_coupon_requests_is_one_interaction() -> None:
    burst = [Interaction(f"b{n}", NOW - timedelta(minutes=n), "positive", 0.5,
                         "coupon pls 😍", "en") for n in range(6)]
    result = score_profile(burst, followers=None, now=NOW)
    assert result.components.positive == 1 and not result.discount_seeker


def test_complaints_about_prices_do_not_count_as_positive_talk() -> None:
    praise = talk(ADVOCATES["en"][:3], "en")
    angry = [Interaction(f"n{n}", NOW - timedelta(days=n), "negative", 0.7,
                         "No discount for loyal customers? Shame", "en") for n in range(5)]
    assert not score_profile([*praise, *angry], followers=None, now=NOW).discount_seeker


@pytest.mark.parametrize(("text", "language", "found"), [
    ("Any discounts or coupons left?", "en", ("discount", "coupon")),
    ("Is it FREE?", "en", ("free",)),
    ("Freedom of speech", "en", ()),
    ("promo-code please", "en", ("promo", "promo code")),
    ("Gift with purchase, bitte kostenlos free", "de", ()),  # German: not the English list
    ("Дайте скидочку", "ru", ("скидочка",)),  # a diminutive is a word of its own
    ("Скидку дадите? А промокоды есть?", "ru", ("скидка", "промокод")),
    ("Хочу бесплатную доставку", "ru", ("бесплатный",)),
    ("Ёлки, где купоны?", "ru", ("купон",)),
    ("有没有优惠码", "zh", ("优惠", "优惠码")),
    ("我对产品不满意", "zh", ()),
    ("免费送吗", "", ("免费",)),  # no language given: the script decides
])
def test_discount_words_are_matched_as_words(text: str, language: str,
                                             found: tuple[str, ...]) -> None:
    assert WORDS.find(text, language) == found
