"""What every Sentiment promises its readers: SuiteCRM's shapes and one invariant."""

from __future__ import annotations

import dataclasses
import math
from decimal import Decimal

import pytest

from plugin.sentiment import LABELS, Scorer, Sentiment
from tests.sentiment.conftest import labelled

ALL_FILES = ["unsupported.tsv", *(f"{prefix}{language}.tsv" for prefix in ("", "more_", "heldout_")
                                  for language in ("en", "ru", "zh"))]


def every_result(scorer: Scorer) -> list[Sentiment]:
    texts = [row["text"] for name in ALL_FILES for row in labelled(name)]
    return [scorer.score(text) for text in [*texts, "", "😡", "🍕"]]


def test_supported_exactly_when_there_is_a_score_and_a_label(scorer: Scorer):
    for result in every_result(scorer):
        assert result.supported == (result.score is not None) == (result.label is not None)


def test_labels_are_the_dropdown_keys_and_languages_are_codes(scorer: Scorer):
    for result in every_result(scorer):
        assert result.label is None or result.label in LABELS
        assert result.language.isalpha() and result.language.islower()
        assert len(result.language) in (2, 3)
        assert result.scorer


def test_scores_fit_decimal_7_4_and_read_back_identical(scorer: Scorer):
    scores = [r.score for r in every_result(scorer) if r.score is not None]
    assert len({*scores}) > 50  # not a handful of constants
    for value in scores:
        written = Decimal(str(value))
        assert -1 <= value <= 1
        assert written == written.quantize(Decimal("0.0001"))  # at most 4 decimals
        assert float(written) == value  # what SuiteCRM gives back is the same number
        assert math.copysign(1, value) == 1 or value != 0  # never "-0.0"


def test_the_labels_the_plugin_dropdown_offers():
    from plugin.model import DROPDOWNS

    dropdown = next(d for d in DROPDOWNS if d.name == "scrm_sentiment_list")
    assert set(LABELS) == set(dropdown.keys) - {""}


def test_a_sentiment_cannot_be_changed_after_the_fact():
    result = Sentiment(score=0.5, label="positive", language="en", supported=True, scorer="x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.score = 0.1  # type: ignore[misc]
