"""The knobs of the advocate score and the discount-seeker flag, with checked defaults.

A site may set them in its rules (an ``[advocates]`` table, read with ``from_dict``);
every key is optional, an unknown key or a value out of range is refused with its name,
so a typo never silently changes the ranking.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from functools import cache
from typing import Any

from plugin.advocates.lexicon import WordList
from plugin.advocates.words import DISCOUNT_WORDS

_RANGES: Mapping[str, tuple[float, float]] = {
    "half_life_days": (1, 3650), "burst_minutes": (0, 1440), "frequency_scale": (0.1, 1000),
    "followers_full": (1, 10**9), "engagement_full": (1, 10**9),
    "min_discount_interactions": (1, 1000), "discount_share": (0.01, 1.0),
    "read_limit": (10, 1000),
}


@cache
def default_discount_words() -> WordList:
    """The shipped discount list, built once per process (its Russian terms are
    lemmatised on construction)."""
    return WordList(DISCOUNT_WORDS)


@dataclass(frozen=True, slots=True)
class AdvocatePolicy:
    """How interactions become a score (see docs/advocates.md for the formula).

    * ``half_life_days``: an interaction this old counts half as much as one today;
    * ``burst_minutes``: interactions of one polarity within this many minutes of the
      first of a burst count once (a spam burst of twenty "👍" is one interaction);
    * ``frequency_scale``: decayed positive interactions for 63% of the frequency part
      (1 - e^-1); three fresh ones by default;
    * ``followers_full`` / ``engagement_full``: followers, and reactions + 2 x shares on
      the profile's positive interactions, that give full reach (log scale below);
    * ``min_discount_interactions`` and ``discount_share``: a profile is a discount seeker
      once it has at least that many positive interactions (bursts) and at least that
      share of them (decay-weighted) talk about discounts, coupons or free things;
    * ``read_limit``: the newest interactions of each polarity the refresh reads.
    """

    half_life_days: float = 45.0
    burst_minutes: int = 10
    frequency_scale: float = 3.0
    followers_full: int = 100_000
    engagement_full: int = 1_000
    min_discount_interactions: int = 3
    discount_share: float = 0.5
    read_limit: int = 200
    discount_words: WordList = field(default_factory=default_discount_words,
                                     compare=False)

    def __post_init__(self) -> None:
        for name, (low, high) in _RANGES.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) \
                    or not low <= value <= high:
                raise ValueError(f"{name}: expected a number from {low:g} to {high:g}, "
                                 f"not {value!r}")

    @classmethod
    def from_dict(cls, section: Mapping[str, Any], *, path: str = "advocates"
                  ) -> AdvocatePolicy:
        """The policy of a rules table; ``discount_words`` is ``{language: [terms]}``."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(section) - known)
        if unknown:
            raise ValueError(f"{path}.{unknown[0]}: unknown key (one of "
                             f"{', '.join(sorted(known))})")
        values = dict(section)
        if "discount_words" in values:
            values["discount_words"] = word_list(values["discount_words"],
                                                 f"{path}.discount_words")
        try:
            return cls(**values)
        except ValueError as exc:
            raise ValueError(f"{path}.{exc}") from None


def word_list(value: Any, path: str) -> WordList:
    """A ``{language: [terms]}`` table as a :class:`WordList`, refused with its path."""
    if not isinstance(value, Mapping) or not all(
            isinstance(terms, Iterable) and not isinstance(terms, str | bytes)
            and all(isinstance(t, str) for t in terms) for terms in value.values()):
        raise ValueError(f"{path}: expected a table of language = [terms]")
    try:
        return WordList(value)
    except ValueError as exc:
        raise ValueError(f"{path}.{exc}") from None
