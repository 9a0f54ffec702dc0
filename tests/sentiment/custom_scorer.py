"""A site's own scorer, as ``load_scorer("tests.sentiment.custom_scorer:factory")`` loads it."""

from __future__ import annotations

from plugin.sentiment import Sentiment


class ExclamationScorer:
    """Scores a comment by its exclamation marks: a stand-in for a site's own model."""

    def score(self, text: str) -> Sentiment:
        score = round(min(text.count("!"), 4) / 4, 4)
        return Sentiment(score=score, label="positive" if score else "neutral", language="en",
                         supported=True, scorer="exclamations/1")


def factory() -> ExclamationScorer:
    return ExclamationScorer()


def not_a_scorer() -> object:
    return object()


NOT_CALLABLE = "a string"
