"""What a scorer gives back, and the one method a scorer must have.

Kept apart from the scorers so a site's own scorer can depend on these two names and
nothing else of ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

LABELS = ("positive", "neutral", "negative", "mixed")  # the keys of scrm_sentiment_list
UNDETERMINED = "und"  # ISO 639-2 "undetermined": no letters, or none we can place


@dataclass(frozen=True, slots=True)
class Sentiment:
    """The sentiment of one text, in the shape SuiteCRM stores it.

    ``score`` is rounded to 4 decimals because it is written to a DECIMAL(7,4) and must
    read back identical. ``supported`` is False exactly when nothing was scored (empty
    text, or a language without a scorer); then ``score`` and ``label`` are None, so an
    unsupported comment can never pass for a neutral one, while ``language`` still says
    what was detected.
    """

    score: float | None
    label: str | None
    language: str
    supported: bool
    scorer: str

    @classmethod
    def unsupported(cls, language: str, scorer: str) -> Sentiment:
        return cls(score=None, label=None, language=language, supported=False, scorer=scorer)


@runtime_checkable
class Scorer(Protocol):
    """Anything that turns a text into a :class:`Sentiment` (see ``load_scorer``)."""

    def score(self, text: str) -> Sentiment: ...


class SentimentError(Exception):
    """Base of every error this package raises."""


class ScorerLoadError(SentimentError):
    """A configured scorer spec cannot be loaded: fix the setting, retrying won't help."""
