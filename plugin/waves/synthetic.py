"""Synthetic but realistic negative traffic of a source, for replays.

Why it lives beside the detector: the replay benchmark, the tests and a demo scenario all
need the same kind of week, and a detector is only as good as the traffic it was judged
on, so that traffic is written down once, here. It is seeded and deterministic.

The usual rate of an hour is ``peak_per_hour * DAILY_SHAPE[local hour] *
WEEKLY_SHAPE[local weekday] * the day's own factor`` (log-normal around 1: some days are
simply busier), and each minute draws a Poisson count from it: quiet nights, a morning
ramp, a busy afternoon, a busy Monday, a calm weekend, and noise. An ``InjectedWave``
multiplies the rate by its ``size`` while it lasts, most of the extra negatives landing on
one post (the one that went viral), the rest spread like usual traffic.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from plugin.waves.records import WaveEvent

# Share of the peak hour's volume at each local hour (0-23): nights near silent.
DAILY_SHAPE = (0.15, 0.08, 0.05, 0.04, 0.04, 0.06, 0.15, 0.35, 0.6, 0.8, 0.9, 0.95,
               1.0, 1.0, 0.95, 0.9, 0.85, 0.8, 0.75, 0.8, 0.85, 0.7, 0.45, 0.25)
WEEKLY_SHAPE = (1.4, 1.1, 1.0, 1.0, 0.9, 0.6, 0.55)  # Monday first
COMPLAINTS = {
    "en": ("Still no refund after three weeks 😡", "Your app crashed again and I lost my order",
           "Worst customer service ever, nobody answers", "Package arrived broken 📦💔",
           "Charged twice for the same order!!"),
    "ru": ("Где мой заказ? Жду уже неделю 😡", "Приложение опять не работает",
           "Ужасный сервис, никто не отвечает", "Деньги списали дважды!"),
    "zh": ("退款到现在还没到账 😡", "客服一直不回复，太失望了", "收到的商品是坏的", "应用又崩溃了"),
}
VIRAL_SHARE = 0.7  # of a wave's extra negatives, on its own post
POSTS_PER_DAY = 8


@dataclass(frozen=True, slots=True)
class TrafficProfile:
    """A source's usual negatives: ``peak_per_hour`` at the busiest hour of a Thursday."""

    source: str
    peak_per_hour: float
    zone: str = "UTC"
    day_noise: float = 0.15  # standard deviation of the day's log-volume
    languages: tuple[tuple[str, float], ...] = (("en", 0.6), ("ru", 0.25), ("zh", 0.15))

    def usual_rate(self, moment: datetime) -> float:
        """Negatives per hour expected at ``moment`` on an ordinary day."""
        local = moment.astimezone(ZoneInfo(self.zone))
        return self.peak_per_hour * DAILY_SHAPE[local.hour] * WEEKLY_SHAPE[local.weekday()]


@dataclass(frozen=True, slots=True)
class InjectedWave:
    """While on, the source's rate is ``size`` times its usual; ``thread_id`` went viral."""

    source: str
    start: datetime
    duration: timedelta
    size: float
    thread_id: str

    @property
    def end(self) -> datetime:
        return self.start + self.duration

    def covers(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def traffic(profile: TrafficProfile, start: datetime, end: datetime,
            waves: Iterable[InjectedWave] = (), seed: int = 0) -> list[WaveEvent]:
    """Every negative of ``profile``'s source from ``start`` to ``end``, by time."""
    rng = random.Random(f"{seed}:{profile.source}")
    mine = [w for w in waves if w.source == profile.source]
    zone = ZoneInfo(profile.zone)
    day_factor: dict[date, float] = {}
    events: list[WaveEvent] = []
    minute = start.replace(second=0, microsecond=0)
    while minute < end:
        day = minute.astimezone(zone).date()
        if day not in day_factor:
            day_factor[day] = rng.lognormvariate(0.0, profile.day_noise)
        usual = profile.usual_rate(minute) * day_factor[day] / 60
        wave = next((w for w in mine if w.covers(minute)), None)
        for _ in range(poisson(rng, usual)):
            events.append(_event(rng, profile, minute, _post(rng, profile, day)))
        extra = usual * (wave.size - 1) if wave else 0.0
        for _ in range(poisson(rng, extra)):
            viral = wave is not None and rng.random() < VIRAL_SHARE
            thread = wave.thread_id if wave is not None and viral else _post(rng, profile, day)
            events.append(_event(rng, profile, minute, thread))
        minute += timedelta(minutes=1)
    return sorted(events, key=lambda e: e.occurred_at)


def deliveries(events: Iterable[WaveEvent], max_delay: timedelta,
               seed: int = 0) -> list[tuple[datetime, WaveEvent]]:
    """(when it reaches us, event) by arrival: each event late by up to ``max_delay``, as a
    poll or a webhook retry brings it, so arrivals are out of order within that span."""
    rng = random.Random(f"{seed}:deliveries")
    late = [(e.occurred_at + max_delay * rng.random(), i, e) for i, e in enumerate(events)]
    return [(at, event) for at, _, event in sorted(late, key=lambda x: (x[0], x[1]))]


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's method, in chunks so that ``exp(-mean)`` never underflows)."""
    total = 0
    while mean > 0:
        chunk = min(mean, 30.0)
        mean -= chunk
        limit, product = math.exp(-chunk), rng.random()
        while product > limit:
            total += 1
            product *= rng.random()
    return total


def _post(rng: random.Random, profile: TrafficProfile, day: date) -> str:
    """One of the day's posts, the first ones drawing most comments."""
    weights = [1 / (k + 1) for k in range(POSTS_PER_DAY)]
    k = rng.choices(range(POSTS_PER_DAY), weights)[0]
    return f"{profile.source}:post-{day.isoformat()}-{k}"


def _event(rng: random.Random, profile: TrafficProfile, minute: datetime,
           thread_id: str) -> WaveEvent:
    languages, weights = zip(*profile.languages, strict=True)
    language = rng.choices(languages, weights)[0]
    return WaveEvent(source=profile.source,
                     occurred_at=minute + timedelta(seconds=rng.randrange(60)), negative=True,
                     thread_id=thread_id, text=rng.choice(COMPLAINTS[language]),
                     language=language, reach=int(rng.lognormvariate(3.0, 1.2)))
