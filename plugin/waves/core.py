"""The counting heart of the detector: one source's clock, counts, baseline and wave phase.

Why a separate, plain-data core: the in-memory detector (``plugin.waves.detector``) and the
Redis state (``workers.wave_state``) must decide alike, so both run this same code on this
same state; Redis only stores it (as JSON) and makes each step atomic. What a wave was
about (posts, languages, reach) is kept beside it by each store (``Breakdown``), because
only an alert or an all-clear needs it.

Time is the source's own clock: the latest time it has seen (an event's ``occurred_at``,
or ``now`` on a tick), never the wall clock, so a replay decides as live traffic would.
Negatives are counted per minute. An hour is learned into the baseline once the clock is
an hour past its end, so an event up to an hour late still counts; one later than that
is dropped (its hour is already learned). After each negative, every window (e.g. the
last 15 and 60 minutes) is compared with what the baseline expects for the same minutes:
a wave is seen minutes after it starts, not at the top of the hour. Phases:
quiet → alerting (once) → quiet again after the counts stayed low for ``clear_after``.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from plugin.waves.baseline import WEEK_HOURS, Baseline
from plugin.waves.records import WaveConfig

MINUTE = 60_000_000  # microseconds
HOUR_MINUTES = 60
MAX_CATCH_UP_HOURS = 4 * WEEK_HOURS  # a longer silence learns only its last four weeks
STATE_VERSION = 1


@dataclass(slots=True)
class OpenWave:
    """The wave in progress. Times are epoch microseconds, minutes are epoch minutes."""

    start_minute: int  # first minute of the window that crossed the threshold
    detected_at: int
    negatives: int  # in the wave so far, the crossing window's included
    peak: int  # most negatives seen in the 60 minutes before a step
    announced: bool  # False: it was already stale when seen (a backfill): no alert, no all-clear
    calm_since: int | None = None


@dataclass(frozen=True, slots=True)
class Opened:
    """A wave crossed the threshold in the ``window_minutes`` from ``start_minute``."""

    window_minutes: int
    start_minute: int
    count: int
    expected: float
    announced: bool


@dataclass(frozen=True, slots=True)
class Closed:
    wave: OpenWave
    cleared_at: int


@dataclass(frozen=True, slots=True)
class Step:
    """What one observation did: whether the event was counted (in minute ``minute``), whether
    it joined the open wave, which minutes' details are no longer needed, what was decided."""

    counted: bool = False
    minute: int = 0
    joins_wave: bool = False
    pruned: tuple[int, ...] = ()
    decision: Opened | Closed | None = None


@dataclass(slots=True)
class SourceCore:
    """One source's counting state (mutable: ``observe`` and ``tick`` advance it)."""

    clock: int = -1  # epoch microseconds; -1 before the first event
    learned_until: int = -1  # epoch hour: hours before it are in the baseline
    minutes: dict[int, int] = field(default_factory=dict)  # epoch minute -> negatives
    baseline: Baseline = field(default_factory=Baseline)
    wave: OpenWave | None = None
    last_wave: tuple[int, int] | None = None  # (start, end) minutes of the last closed wave

    def observe(self, at: int, negative: bool, config: WaveConfig,
                now: int | None = None) -> Step:
        """Take in an event at ``at`` (microseconds; the caller clamps it to ``now``).
        A wave that this step's passing time ended is its decision; a new wave starting on
        the same event is then announced by the next negative."""
        if self.clock < 0:
            self.clock, self.learned_until = at, at // MINUTE // HOUR_MINUTES
        pruned, closed = self._run_to(at, config)
        minute = at // MINUTE
        counted = negative and minute >= self.learned_until * HOUR_MINUTES
        if counted:
            self.minutes[minute] = self.minutes.get(minute, 0) + 1
        decision = closed or self._evaluate(config, now, may_open=counted)
        # It joins a wave that was open before it and is still open (a wave it opens holds
        # it already; a wave it found over had ended before it).
        joins = (counted and decision is None and self.wave is not None
                 and minute >= self.wave.start_minute)
        if joins and self.wave is not None:
            self.wave.negatives += 1
        return Step(counted, minute, joins, pruned, decision)

    def tick(self, now: int, config: WaveConfig) -> Step:
        """Let time pass to ``now`` with no event: hours get learned, a wave may end."""
        if self.clock < 0:
            return Step()
        pruned, closed = self._run_to(now, config)
        decision = closed or self._evaluate(config, now, may_open=False)
        return Step(pruned=pruned, decision=decision)

    def _run_to(self, moment: int, config: WaveConfig) -> tuple[tuple[int, ...], Closed | None]:
        """Move the clock forward to ``moment`` (never back). While a wave is on, time moves
        minute by minute, each minute checked for calm, so a wave ends ``clear_after`` past
        the start of its calm however rarely events or checks come."""
        pruned: list[int] = []
        closed = None
        while self.wave is not None and self.clock < moment:
            self.clock = min(moment, (self.clock // MINUTE + 1) * MINUTE)
            pruned += self._learn(config)
            decision = self._evaluate(config, None, may_open=False)
            closed = decision if isinstance(decision, Closed) else None
        self.clock = max(self.clock, moment)
        pruned += self._learn(config)
        return tuple(pruned), closed

    def count(self, first: int, last: int) -> int:
        """Negatives in the minutes ``first`` to ``last``, both included."""
        return sum(n for minute, n in self.minutes.items() if first <= minute <= last)

    def expected(self, first: int, last: int, zone: ZoneInfo) -> float | None:
        """What the baseline expects in those minutes: each hour's count by its share."""
        total = 0.0
        for hour in range(first // HOUR_MINUTES, last // HOUR_MINUTES + 1):
            usual = self.baseline.expected(hour, zone)
            if usual is None:
                return None
            start = hour * HOUR_MINUTES
            overlap = min(last, start + HOUR_MINUTES - 1) - max(first, start) + 1
            total += usual * overlap / HOUR_MINUTES
        return total

    def _learn(self, config: WaveConfig) -> tuple[int, ...]:
        target = self.clock // MINUTE // HOUR_MINUTES - 1
        if target <= self.learned_until:
            return ()
        per_hour: Counter[int] = Counter()
        for minute, n in self.minutes.items():
            per_hour[minute // HOUR_MINUTES] += n
        zone = config.tz
        for hour in range(max(self.learned_until, target - MAX_CATCH_UP_HOURS), target):
            if self._in_wave(hour, config):
                self.baseline.skip(hour, zone)
            else:
                self.baseline.learn(hour, per_hour[hour], zone)
        pruned = tuple(sorted(m for m in self.minutes if m < target * HOUR_MINUTES))
        for minute in pruned:
            del self.minutes[minute]
        self.learned_until = target
        return pruned

    def _in_wave(self, hour: int, config: WaveConfig) -> bool:
        """Whether ``hour`` belongs to a wave young enough that it must not be learned.
        A wave older than ``max_wave`` is a new normal: its later hours are learned."""
        first, last = hour * HOUR_MINUTES, hour * HOUR_MINUTES + HOUR_MINUTES - 1
        young = config.max_wave // timedelta(minutes=1)
        spans = [(self.wave.start_minute, last)] if self.wave else []
        if self.last_wave:
            spans.append(self.last_wave)
        return any(start <= last and first <= end and first < start + young
                   for start, end in spans)

    def _evaluate(self, config: WaveConfig, now: int | None,
                  may_open: bool) -> Opened | Closed | None:
        end = self.clock // MINUTE
        zone = config.tz
        if self.wave is None:
            warm = self.baseline.hours >= config.warmup // timedelta(hours=1)
            return self._open(config, end, zone, now) if may_open and warm else None
        wave = self.wave
        wave.peak = max(wave.peak, self.count(end - HOUR_MINUTES + 1, end))
        if not self._calm(config, end, zone):
            wave.calm_since = None
            return None
        if wave.calm_since is None:
            wave.calm_since = self.clock
        if self.clock - wave.calm_since < config.clear_after // timedelta(microseconds=1):
            return None
        self.wave, self.last_wave = None, (wave.start_minute, end)
        return Closed(wave, self.clock)

    def _open(self, config: WaveConfig, end: int, zone: ZoneInfo,
              now: int | None) -> Opened | None:
        for window in sorted(config.windows):
            first = end - window + 1
            expected = self.expected(first, end, zone)
            if expected is None:
                continue
            count = self.count(first, end)
            if (count >= max(config.multiple * expected, config.min_count)
                    and chance_of_at_least(count, expected) < config.noise_chance):
                stale = config.stale_after // timedelta(microseconds=1)
                announced = now is None or self.clock >= now - stale
                self.wave = OpenWave(first, self.clock, count,
                                     self.count(end - HOUR_MINUTES + 1, end), announced)
                return Opened(window, first, count, expected, announced)
        return None

    def _calm(self, config: WaveConfig, end: int, zone: ZoneInfo) -> bool:
        """The longest window under the alert threshold scaled by clear_multiple / multiple.
        Only the longest: a short window's noise would keep resetting the calm."""
        window = max(config.windows)
        first = end - window + 1
        expected = self.expected(first, end, zone) or 0.0
        threshold = max(config.multiple * expected, config.min_count)
        return self.count(first, end) < threshold * config.clear_multiple / config.multiple

    def state_json(self) -> str:
        """Everything but the baseline (stored apart: it changes once an hour at most)."""
        return json.dumps({"v": STATE_VERSION, "clock": self.clock,
                           "learned_until": self.learned_until,
                           "minutes": {str(m): n for m, n in sorted(self.minutes.items())},
                           "wave": asdict(self.wave) if self.wave else None,
                           "last_wave": list(self.last_wave) if self.last_wave else None},
                          separators=(",", ":"))

    @classmethod
    def from_json(cls, state: str, baseline: str) -> SourceCore:
        raw: dict[str, Any] = json.loads(state)
        if raw.get("v") != STATE_VERSION:
            raise ValueError(f"unknown wave state version {raw.get('v')!r}")
        wave = raw["wave"]
        last = raw["last_wave"]
        return cls(clock=int(raw["clock"]), learned_until=int(raw["learned_until"]),
                   minutes={int(m): int(n) for m, n in raw["minutes"].items()},
                   baseline=Baseline.from_json(baseline),
                   wave=OpenWave(**wave) if wave else None,
                   last_wave=(int(last[0]), int(last[1])) if last else None)


def chance_of_at_least(count: int, expected: float) -> float:
    """P(X >= count) for X ~ Poisson(expected): how often usual traffic alone would bring
    ``count`` negatives into a window. The first term is taken in log space, so a busy
    window (``exp(-expected)`` is 0 in floating point past 745) is still right; the terms
    are summed from ``count`` up until they no longer matter."""
    if count <= 0:
        return 1.0
    if expected <= 0:
        return 0.0
    term = math.exp(count * math.log(expected) - expected - math.lgamma(count + 1))
    total, k = 0.0, count
    while term > total * 1e-12 and k < count + 10_000:
        total += term
        k += 1
        term *= expected / k
    return min(total, 1.0)
