"""Plugging in a scorer: the built-in one by default, a site's own by "module:factory"."""

from __future__ import annotations

import pytest

from plugin.sentiment import (
    Scorer,
    ScorerLoadError,
    SentimentError,
    default_scorer,
    load_scorer,
)
from tests.sentiment.custom_scorer import ExclamationScorer


def test_the_built_in_scorer_is_built_once_per_process():
    assert default_scorer() is default_scorer()


@pytest.mark.parametrize("spec", [None, "", "   "])
def test_no_spec_means_the_built_in_scorer(spec):
    assert load_scorer(spec) is default_scorer()


def test_a_site_plugs_its_own_scorer_by_dotted_path():
    scorer = load_scorer("tests.sentiment.custom_scorer:factory")
    assert isinstance(scorer, ExclamationScorer) and isinstance(scorer, Scorer)
    result = scorer.score("wow!!")
    assert (result.score, result.label, result.scorer) == (0.5, "positive", "exclamations/1")
    assert load_scorer(" tests.sentiment.custom_scorer:factory ") is scorer  # loaded once


@pytest.mark.parametrize(("spec", "says"), [
    ("tests.sentiment.custom_scorer", "expected 'package.module:factory'"),
    (":factory", "expected 'package.module:factory'"),
    ("tests.sentiment.custom_scorer:", "expected 'package.module:factory'"),
    ("tests.sentiment.no_such_module:factory", "cannot import"),
    ("tests.sentiment.custom_scorer:missing", "has no callable 'missing'"),
    ("tests.sentiment.custom_scorer:NOT_CALLABLE", "has no callable"),
    ("tests.sentiment.custom_scorer:not_a_scorer", "no score(text) method"),
])
def test_a_bad_spec_is_refused_with_a_reason(spec, says):
    with pytest.raises(ScorerLoadError, match=r".*") as refused:
        load_scorer(spec)
    assert isinstance(refused.value, SentimentError)
    assert spec.strip() in str(refused.value) and says in str(refused.value)


def test_the_compact_scorer_reads_the_same_languages():
    compact = load_scorer("plugin.sentiment.loading:compact_scorer")
    assert compact is not default_scorer()
    for text, language, label in [("Terrible service, never again", "en", "negative"),
                                  ("Спасибо, всё отлично", "ru", "positive"),
                                  ("服务很好", "zh", "positive")]:
        result = compact.score(text)
        assert (result.language, result.label) == (language, label)
    assert compact.score("Muchas gracias por la ayuda").supported is False
