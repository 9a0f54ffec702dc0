"""The complaint-wave detector in memory: many sources, events in, alerts out.

``WaveDetector`` keeps each source's ``SourceCore`` and breakdowns in this process: the
replay benchmark and the tests drive it, and it is the reference the Redis state
(``workers.wave_state``, shared by every worker) must agree with. Both build their
outcomes with ``alert_of`` and ``all_clear_of`` below.

``now`` (optional, aware): the wall clock when the event is seen. An event dated after it
is taken as happening now (a network's clock ahead of ours must not move a source's
clock into the future), and a wave seen more than ``stale_after`` before it (a backfill
of old activity) is tracked but announced neither by an alert nor by an all-clear.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from plugin.waves.breakdown import Breakdown
from plugin.waves.core import MINUTE, Closed, Opened, SourceCore, Step
from plugin.waves.records import (
    AllClear,
    Outcome,
    WaveAlert,
    WaveConfig,
    WaveEvent,
    from_micros,
    to_micros,
)


def event_time(event: WaveEvent, now: datetime | None) -> int:
    """The event's time in microseconds, never later than ``now``."""
    at = event.occurred_at if now is None else min(event.occurred_at, now)
    return to_micros(at)


def alert_of(source: str, opened: Opened, detected_at: int, window: Breakdown,
             config: WaveConfig) -> WaveAlert:
    return WaveAlert(source=source, started_at=from_micros(opened.start_minute * MINUTE),
                     detected_at=from_micros(detected_at),
                     window_minutes=opened.window_minutes, count=opened.count,
                     expected=opened.expected, tally=window.tally(config.top_posts))


def all_clear_of(source: str, closed: Closed, wave: Breakdown,
                 config: WaveConfig) -> AllClear:
    return AllClear(source=source, started_at=from_micros(closed.wave.start_minute * MINUTE),
                    detected_at=from_micros(closed.wave.detected_at),
                    cleared_at=from_micros(closed.cleared_at),
                    negatives=closed.wave.negatives, peak_per_hour=closed.wave.peak,
                    tally=wave.tally(config.top_posts))


@dataclass(slots=True)
class _SourceMemory:
    core: SourceCore = field(default_factory=SourceCore)
    minutes: dict[int, Breakdown] = field(default_factory=dict)
    wave: Breakdown | None = None

    def apply(self, source: str, event: WaveEvent | None, step: Step,
              config: WaveConfig) -> Outcome:
        if event is not None and step.counted:
            self.minutes.setdefault(step.minute, Breakdown()).add(event)
        if event is not None and step.joins_wave and self.wave is not None:
            self.wave.add(event)
        for minute in step.pruned:
            self.minutes.pop(minute, None)
        decision = step.decision
        if isinstance(decision, Opened):
            last = self.core.clock // MINUTE
            self.wave = Breakdown.of(self.minutes[m] for m in sorted(self.minutes)
                                     if decision.start_minute <= m <= last)
            if decision.announced:
                return alert_of(source, decision, self.core.clock, self.wave, config)
        elif isinstance(decision, Closed):
            wave, self.wave = self.wave or Breakdown(), None
            if decision.wave.announced:
                return all_clear_of(source, decision, wave, config)
        return None


class WaveDetector:
    """Complaint waves of many sources, each against its own baseline.

    ``per_source`` overrides ``config`` for the sources it names (e.g. a Page's time zone).
    """

    def __init__(self, config: WaveConfig | None = None,
                 per_source: Mapping[str, WaveConfig] | None = None) -> None:
        self.config = config or WaveConfig()
        self.per_source = dict(per_source or {})
        self._sources: dict[str, _SourceMemory] = {}

    def config_for(self, source: str) -> WaveConfig:
        return self.per_source.get(source, self.config)

    def observe(self, event: WaveEvent, now: datetime | None = None) -> Outcome:
        """Take in one event; a ``WaveAlert`` when it starts a wave, an ``AllClear`` when
        the source's wave is over by its time, else None."""
        config = self.config_for(event.source)
        memory = self._sources.setdefault(event.source, _SourceMemory())
        step = memory.core.observe(event_time(event, now), event.negative, config,
                                   None if now is None else to_micros(now))
        return memory.apply(event.source, event, step, config)

    def tick(self, source: str, now: datetime) -> Outcome:
        """Let ``source``'s time run to ``now``: how a wave ends when nothing more comes.
        Call it every few minutes (for the sources in ``alerting``, at least)."""
        memory = self._sources.get(source)
        if memory is None:
            return None
        config = self.config_for(source)
        return memory.apply(source, None, memory.core.tick(to_micros(now), config), config)

    @property
    def alerting(self) -> list[str]:
        """The sources with a wave in progress."""
        return sorted(s for s, m in self._sources.items() if m.core.wave is not None)

    def core(self, source: str) -> SourceCore | None:
        """The source's counting state (for inspection and tests)."""
        memory = self._sources.get(source)
        return None if memory is None else memory.core
