"""How the built-in scorer reads: negation, degree, contrast, emoji, and what it refuses.

Each case names the behaviour it proves and could fail: a scorer that ignored negation
would score "not good" like "good", one that guessed a language would score Spanish.
"""

from __future__ import annotations

import pytest

from plugin.sentiment import UNDETERMINED, Scorer, Sentiment
from tests.sentiment.conftest import labelled


def score(scorer: Scorer, text: str) -> float:
    result = scorer.score(text)
    assert result.score is not None, text
    return result.score


@pytest.mark.parametrize(("plain", "negated", "negated_label"), [
    ("good", "not good", "negative"),
    ("bad", "not bad", "positive"),
    ("The staff were helpful", "The staff weren't helpful", "negative"),
    ("хорошо", "не хорошо", "negative"),
    ("плохо", "не плохо", "positive"),
    ("рекомендую", "не рекомендую", "negative"),
    ("好", "不好", "negative"),
    ("满意", "不满意", "negative"),
    ("推荐", "不推荐", "negative"),
])
def test_negation_turns_a_word_around(scorer: Scorer, plain, negated, negated_label):
    assert score(scorer, plain) * score(scorer, negated) < 0
    assert scorer.score(negated).label == negated_label


@pytest.mark.parametrize("text", ["Never had a problem", "no problem", "без проблем",
                                  "нет проблем", "没问题"])
def test_a_negated_problem_is_good_news(scorer: Scorer, text):
    assert scorer.score(text).label == "positive"


def test_a_negation_stops_at_the_clause_break(scorer: Scorer):
    assert scorer.score("Not bad, great actually").label == "positive"
    assert score(scorer, "не плохо, даже отлично") > score(scorer, "не плохо")


@pytest.mark.parametrize(("stronger", "weaker"), [
    ("very good", "good"), ("great!!!", "great"), ("The WORST", "The worst"),
    ("очень хорошо", "хорошо"), ("非常好", "好"),
])
def test_degree_words_capitals_and_exclamations_strengthen(scorer: Scorer, stronger, weaker):
    assert abs(score(scorer, stronger)) > abs(score(scorer, weaker))


@pytest.mark.parametrize(("damped", "plain"), [("a bit slow", "slow"), ("有点慢", "太慢")])
def test_damping_words_weaken(scorer: Scorer, damped, plain):
    assert score(scorer, plain) < score(scorer, damped) < 0


@pytest.mark.parametrize(("text", "label"), [
    ("The food was great but the service was terrible", "negative"),
    ("The service was terrible but the food was great", "positive"),
    ("Nice design. But it broke after a week, awful", "negative"),
    ("Еда отличная, но обслуживание ужасное", "negative"),
    ("Дорого, зато качественно", "positive"),
    ("东西不错，但是物流太慢了", "negative"),
    ("物流有点慢，不过东西很好", "positive"),
])
def test_after_a_contrast_the_second_part_decides(scorer: Scorer, text, label):
    assert scorer.score(text).label == label


def test_a_contrast_reaches_only_its_own_sentence(scorer: Scorer):
    # "disappointed" stands in a sentence of its own and keeps its full weight.
    assert scorer.score("So disappointed. Nice box but the lid broke").label == "negative"


def test_strong_words_both_ways_in_balance_are_mixed(scorer: Scorer):
    result = scorer.score("Love the phone, hate the battery")
    assert result.label == "mixed"
    assert result.score is not None and abs(result.score) < 0.2


@pytest.mark.parametrize(("text", "label"), [
    ("😡", "negative"), ("😡😡😡", "negative"), ("👍", "positive"), ("🙏", "positive"),
    ("❤️", "positive"), ("👎", "negative"), ("🍕", "neutral"),
])
def test_emoji_alone_are_scored_without_a_language(scorer: Scorer, text, label):
    result = scorer.score(text)
    assert (result.label, result.language, result.supported) == (label, UNDETERMINED, True)


def test_more_of_an_emoji_says_it_louder(scorer: Scorer):
    assert score(scorer, "😡😡😡") < score(scorer, "😡") < 0


def test_skin_tones_and_joined_emoji_mean_their_base(scorer: Scorer):
    assert scorer.score("👍🏽").score == scorer.score("👍").score
    assert scorer.score("🤦‍♀️").label == "negative"


@pytest.mark.parametrize(("text", "language", "label"), [
    ("Delivered today 😡", "en", "negative"),
    ("Доставили сегодня 👍", "ru", "positive"),
    ("Доставили сегодня 😡", "ru", "negative"),
    ("今天到货了🙏", "zh", "positive"),
    ("今天到货了👎", "zh", "negative"),
])
def test_emoji_carry_the_sentiment_of_plain_words(scorer: Scorer, text, language, label):
    result = scorer.score(text)
    assert (result.language, result.label) == (language, label)


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "https://example.com/p/1", "@somebody",
                                  "12345", "!!!"])
def test_nothing_to_read_is_not_scored(scorer: Scorer, text):
    assert scorer.score(text) == Sentiment.unsupported(UNDETERMINED, scorer.score(text).scorer)


def test_other_languages_are_marked_unsupported_never_neutral(scorer: Scorer):
    rows = labelled("unsupported.tsv")
    assert {"es", "de", "fr"} <= {row["language"] for row in rows}
    for row in rows:
        result = scorer.score(row["text"])
        assert (result.language, result.supported) == (row["language"], False), row["text"]
        assert (result.score, result.label) == (None, None)


@pytest.mark.parametrize(("text", "language"), [
    ("Дуже дякую", "uk"), ("ありがとうございます", "ja"), ("감사합니다", "ko"),
    ("شكرا جزيلا", "ar"), ("Pedí hace tres semanas y todavía nada, thanks", "es"),
])
def test_unsupported_languages_keep_their_name(scorer: Scorer, text, language):
    result = scorer.score(text)
    assert (result.language, result.supported, result.label) == (language, False, None)


@pytest.mark.parametrize(("text", "languages", "label"), [
    ("Great service! Спасибо большое", {"en", "ru"}, "positive"),
    ("Отличный сервис, thanks!", {"ru"}, "positive"),
    ("这个app太好用了", {"zh"}, "positive"),
    ("iPhone 15 не работает", {"ru"}, "negative"),
    ("客服态度很差, worst service", {"zh"}, "negative"),
    ("Спасибо! 谢谢！", {"ru", "zh"}, "positive"),
])
def test_mixed_script_comments_are_read_in_each_part(scorer: Scorer, text, languages, label):
    result = scorer.score(text)
    assert result.language in languages
    assert (result.supported, result.label) == (True, label)


def test_both_parts_of_a_mixed_comment_count(scorer: Scorer):
    both = score(scorer, "Great service! Спасибо большое")
    assert both > score(scorer, "Great service!")


@pytest.mark.parametrize("text", ["ok 👍", "thx!!", "so good", "wow"])
def test_short_english_is_english(scorer: Scorer, text):
    result = scorer.score(text)
    assert (result.language, result.label) == ("en", "positive")


@pytest.mark.parametrize(("text", "language"), [("Написала в личку", "ru"),
                                                ("服務很好，謝謝", "zh")])
def test_short_russian_and_traditional_chinese_are_supported(scorer: Scorer, text, language):
    assert scorer.score(text).language == language


def test_slang_that_is_also_a_plain_noun_is_matched_as_written(scorer: Scorer):
    assert scorer.score("Наушники класс!").label == "positive"
    assert scorer.score("Какая норма багажа в эконом классе?").label == "neutral"
