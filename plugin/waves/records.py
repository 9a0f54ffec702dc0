"""What goes into the wave detector and what comes out of it.

``WaveEvent`` is one inbound interaction of a source (a Facebook Page, a LinkedIn
organization), already scored: only whether it is negative matters to the rate, the rest
describes the wave to a manager. ``WaveAlert`` says a wave has started, ``AllClear`` that
it has subsided; each carries what a manager acts on (where, since when, how far over the
usual, the posts it is about, in which languages, how many people can see it). Both turn
into plain JSON (``as_dict``) so a job or a feed item can carry them.

``WaveConfig`` holds every knob with a default that suits a typical Page; it is checked
when built, and a bad value raises ``WaveConfigError`` naming the setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import regex

SAMPLE_LIMIT = 120  # characters a reader sees (grapheme clusters), the ellipsis included
UNDETERMINED = "und"  # ISO 639-2 "undetermined", as plugin.sentiment names an unknown language
_GRAPHEME = regex.compile(r"\X")
_SPACES = regex.compile(r"\s+")


class WaveConfigError(ValueError):
    """A setting of the detector is out of range (the message names it)."""


@dataclass(frozen=True, slots=True)
class WaveEvent:
    """One inbound interaction of ``source``; ``reach`` (reactions, followers...) when known."""

    source: str
    occurred_at: datetime
    negative: bool
    thread_id: str
    text: str = ""
    language: str | None = None
    reach: int | None = None

    def __post_init__(self) -> None:
        if not self.source:
            raise ValueError("a wave event needs a source")
        if not self.thread_id:
            raise ValueError("a wave event needs a thread id")
        if self.occurred_at.utcoffset() is None:
            raise ValueError("a wave event's time must be timezone-aware")
        if self.reach is not None and self.reach < 0:
            raise ValueError("reach cannot be negative")


@dataclass(frozen=True, slots=True)
class WaveConfig:
    """How sensitive the detector is. Windows are in minutes, at most 60 (see docs/waves.md).

    An alert needs ``min_count`` negatives in a window *and* ``multiple`` times the expected
    count for it *and* a count that usual traffic would reach by chance less often than
    ``noise_chance`` (Poisson: it only bites short windows of a few expected negatives,
    where three times the usual is still noise). The wave ends after the longest window
    stayed under the alert threshold scaled by ``clear_multiple / multiple`` for
    ``clear_after``. ``noise_chance=1`` turns the noise check off.
    """

    multiple: float = 3.0
    min_count: int = 10
    noise_chance: float = 1e-5
    windows: tuple[int, ...] = (15, 60)
    clear_multiple: float = 1.5
    clear_after: timedelta = timedelta(minutes=30)
    warmup: timedelta = timedelta(hours=24)
    max_wave: timedelta = timedelta(hours=12)
    stale_after: timedelta = timedelta(hours=2)
    zone: str = "UTC"
    top_posts: int = 5

    def __post_init__(self) -> None:
        checks = (
            ("multiple", self.multiple > 1, "must be more than 1"),
            ("min_count", self.min_count >= 1, "must be at least 1"),
            ("noise_chance", 0 < self.noise_chance <= 1, "must be more than 0, at most 1"),
            ("windows", bool(self.windows) and all(1 <= w <= 60 for w in self.windows),
             "must be one or more window lengths from 1 to 60 minutes"),
            ("clear_multiple", 0 < self.clear_multiple < self.multiple,
             "must be more than 0 and less than multiple"),
            ("clear_after", self.clear_after >= timedelta(0), "cannot be negative"),
            ("warmup", self.warmup >= timedelta(0), "cannot be negative"),
            ("max_wave", self.max_wave > timedelta(0), "must be positive"),
            ("stale_after", self.stale_after > timedelta(0), "must be positive"),
            ("top_posts", self.top_posts >= 1, "must be at least 1"),
        )
        for name, ok, rule in checks:
            if not ok:
                raise WaveConfigError(f"waves.{name} {rule} (got {getattr(self, name)!r})")
        try:
            ZoneInfo(self.zone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise WaveConfigError(f"waves.zone is not a time zone (got {self.zone!r})") from error

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)


@dataclass(frozen=True, slots=True)
class PostCount:
    """A post (thread) of the wave: how many negatives it drew, and what one of them said."""

    thread_id: str
    negatives: int
    sample: str


@dataclass(frozen=True, slots=True)
class Tally:
    """What a span of negatives was about: posts, languages, reach."""

    top_posts: tuple[PostCount, ...]
    languages: tuple[tuple[str, int], ...]  # most frequent first
    reach: int


@dataclass(frozen=True, slots=True)
class WaveAlert:
    """A wave has started: ``count`` negatives in the ``window_minutes`` before
    ``detected_at`` (from ``started_at``), where ``expected`` were usual."""

    source: str
    started_at: datetime
    detected_at: datetime
    window_minutes: int
    count: int
    expected: float
    tally: Tally

    @property
    def rate_per_hour(self) -> float:
        return self.count * 60 / self.window_minutes

    @property
    def expected_per_hour(self) -> float:
        return self.expected * 60 / self.window_minutes

    def as_dict(self) -> dict[str, Any]:
        return {"kind": "wave_alert", "source": self.source,
                "started_at": _iso(self.started_at), "detected_at": _iso(self.detected_at),
                "window_minutes": self.window_minutes, "count": self.count,
                "expected": round(self.expected, 2),
                "rate_per_hour": round(self.rate_per_hour, 1),
                "expected_per_hour": round(self.expected_per_hour, 2),
                "times_expected": _times(self.count, self.expected), **_tally(self.tally)}


@dataclass(frozen=True, slots=True)
class AllClear:
    """The wave that started at ``started_at`` has subsided; figures cover the whole wave."""

    source: str
    started_at: datetime
    detected_at: datetime
    cleared_at: datetime
    negatives: int
    peak_per_hour: int
    tally: Tally

    def as_dict(self) -> dict[str, Any]:
        return {"kind": "wave_all_clear", "source": self.source,
                "started_at": _iso(self.started_at), "detected_at": _iso(self.detected_at),
                "cleared_at": _iso(self.cleared_at), "negatives": self.negatives,
                "peak_per_hour": self.peak_per_hour, **_tally(self.tally)}


Outcome = WaveAlert | AllClear | None


def sample_of(text: str) -> str:
    """``text`` on one line, cut to ``SAMPLE_LIMIT`` characters as a reader counts them
    (an emoji with its skin tone or a flag stays whole), with an ellipsis when cut."""
    text = _SPACES.sub(" ", text).strip()
    clusters = _GRAPHEME.findall(text)
    if len(clusters) <= SAMPLE_LIMIT:
        return text
    return "".join(clusters[:SAMPLE_LIMIT - 1]).rstrip() + "…"


def language_of(event: WaveEvent) -> str:
    return (event.language or "").strip().lower() or UNDETERMINED


def to_micros(moment: datetime) -> int:
    """Epoch microseconds: exact, so a time stored in Redis reads back identical."""
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


def from_micros(micros: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _times(count: int, expected: float) -> float | None:
    return round(count / expected, 1) if expected > 0 else None


def _tally(tally: Tally) -> dict[str, Any]:
    return {"top_posts": [{"thread_id": p.thread_id, "negatives": p.negatives,
                           "sample": p.sample} for p in tally.top_posts],
            "languages": dict(tally.languages), "reach": tally.reach}
