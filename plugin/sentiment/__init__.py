"""Sentiment of customers' comments in their own languages: English, Russian, Chinese.

``default_scorer().score(text)`` gives a :class:`Sentiment`: a score from -1 to 1 and a
label from the plugin's ``scrm_sentiment_list`` (positive, neutral, negative, mixed),
the detected language, and whether that language is supported; a comment in any other
language is marked unsupported (score and label None), never neutral by accident.
``load_scorer(spec)`` lets a site plug in its own model. See docs/sentiment.md.
"""

from plugin.sentiment.loading import LazyScorer, default_scorer, load_scorer
from plugin.sentiment.records import (
    LABELS,
    UNDETERMINED,
    Scorer,
    ScorerLoadError,
    Sentiment,
    SentimentError,
)

__all__ = [
    "LABELS",
    "UNDETERMINED",
    "LazyScorer",
    "Scorer",
    "ScorerLoadError",
    "Sentiment",
    "SentimentError",
    "default_scorer",
    "load_scorer",
]
