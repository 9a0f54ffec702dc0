"""Builders for wave tests: a source's usual weeks, a burst of complaints, a replay that
checks the sources in a wave every five minutes (as the scheduler will)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from plugin.waves import AllClear, Outcome, WaveAlert, WaveDetector, WaveEvent
from plugin.waves.synthetic import InjectedWave, TrafficProfile, traffic

MONDAY = datetime(2025, 1, 6, tzinfo=UTC)
TICK = timedelta(minutes=5)

Seen = list[tuple[datetime, WaveAlert | AllClear]]


def usual(source: str, peak: float, days: float, *, start: datetime = MONDAY,
          waves: Iterable[InjectedWave] = (), seed: int = 1, zone: str = "UTC") -> list[WaveEvent]:
    """``days`` of a source's ordinary negatives (quiet nights, a busy Monday, noise)."""
    profile = TrafficProfile(source, peak, zone=zone)
    return traffic(profile, start, start + timedelta(days=days), waves, seed)


def burst(source: str, start: datetime, count: int, over: timedelta, *,
          thread: str = "viral-post", text: str = "Где мой заказ? 😡", language: str = "ru",
          reach: int | None = 10) -> list[WaveEvent]:
    """``count`` negatives on one post, evenly spread over ``over`` from ``start``."""
    step = over / count
    return [WaveEvent(source, start + step * i, True, thread, text, language, reach)
            for i in range(count)]


def replay(events: Iterable[tuple[datetime, WaveEvent]],
           observe: Callable[[WaveEvent, datetime], Outcome],
           check: Callable[[str, datetime], Outcome],
           alerting: Callable[[], Iterable[str]], *, until: datetime | None = None) -> Seen:
    """Deliver (arrival, event) pairs in order; every ``TICK`` check the sources in a wave,
    and go on checking up to ``until``. Returns the outcomes with their arrival times."""
    pairs = list(events)
    seen: Seen = []
    tick = pairs[0][0] if pairs else until or MONDAY

    def check_up_to(moment: datetime) -> None:
        nonlocal tick
        while tick <= moment:
            for source in list(alerting()):
                outcome = check(source, tick)
                if outcome is not None:
                    seen.append((tick, outcome))
            tick += TICK

    for at, event in pairs:
        check_up_to(at)
        outcome = observe(event, at)
        if outcome is not None:
            seen.append((at, outcome))
    if until is not None:
        check_up_to(until)
    return seen


def in_order(events: Iterable[WaveEvent]) -> list[tuple[datetime, WaveEvent]]:
    """Each event arriving when it happened."""
    return [(e.occurred_at, e) for e in sorted(events, key=lambda e: e.occurred_at)]


def run(detector: WaveDetector, events: Iterable[tuple[datetime, WaveEvent]], *,
        until: datetime | None = None) -> Seen:
    """Replay through an in-memory detector (events observed with ``now`` = arrival)."""
    return replay(events, lambda e, at: detector.observe(e, now=at), detector.tick,
                  lambda: detector.alerting, until=until)


def alerts(seen: Seen) -> list[WaveAlert]:
    return [o for _, o in seen if isinstance(o, WaveAlert)]


def all_clears(seen: Seen) -> list[AllClear]:
    return [o for _, o in seen if isinstance(o, AllClear)]
