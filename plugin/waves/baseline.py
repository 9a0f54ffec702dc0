"""How many negatives an hour of a source usually brings: its own seasonal baseline.

Why this model (docs/waves.md has the long form): negatives per hour are small counts
with a strong shape over the day (quiet nights, a busy afternoon) and over the week (a
busy Monday, a calm Sunday), and a level that drifts (a campaign, a growing Page). So the
expected count of an hour is

    expected = seasonal(hour of day, day of week, hour of week) * level

* ``daily``: one value per hour of the day, learned from every day (divided by the day's
  weekday factor), times ``weekday``: one factor per day of the week, learned from whole
  days' totals (hundreds of negatives, so one week pins a busy Monday well). It is read
  shrunk towards 1 by one ordinary day's weight (one unlucky Thursday must not set every
  Thursday), and a weekday not seen whole yet is taken as busy as the busiest seen. This
  part is usable after one day, so a new source is covered early.
* ``weekly``: one value per hour of the week (168), learned once a week; it takes over
  from daily x weekday as weeks pass (weight ``min(weeks seen, 3)`` against 1), so a
  weekend that wakes up later than a weekday is learned too.
* All are exponentially smoothed means whose first samples are plain averages (the
  factor is ``max(alpha, 1/n)``), so a young profile is not its first sample; hourly
  values are read as a [1, 2, 1] average with their learned neighbours, so one hour's
  Poisson noise does not make the next look quiet.
* ``level``: what came against what the profiles predicted, both summed with about a
  day of memory (so quiet night hours weigh little, and a Page three times as busy reads
  as 3). Clamped to [0.25, 4]. It follows a busy news day or a growing Page; it does not
  follow a wave, whose hours are not learned (``plugin.waves.core``). It stays 1 until
  every weekday has been seen whole: before that, a calm Sunday would pass for a falling
  level.

Hours and days are read in the source's own time zone (``WaveConfig.zone``), where its
audience wakes and sleeps. The baseline is plain data that serialises to JSON and back
exactly, so the Redis state computes what the in-memory detector computes.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

DAY_HOURS = 24
WEEK_DAYS = 7
WEEK_HOURS = WEEK_DAYS * DAY_HOURS
DAILY_ALPHA = 0.15
WEEKDAY_ALPHA = 0.3
WEEKLY_ALPHA = 0.25
LEVEL_ALPHA = 0.05
LEVEL_MIN, LEVEL_MAX = 0.25, 4.0
LEVEL_FLOOR = 0.5  # negatives per hour: keeps a near-silent source's level near 1
WEEKLY_WEIGHT_CAP = 3
WEEKDAY_WEIGHT_CAP = 6
WEEKDAY_PRIOR = 1
FULL_DAY_HOURS = 23  # a day of daylight-saving change has 23 hours: still a whole day


@dataclass(frozen=True, slots=True)
class Slots:
    """Where a UTC hour falls in the source's zone."""

    of_day: int
    of_week: int  # Monday 00:00 is 0
    weekday: int  # Monday is 0
    day: int  # the local date's ordinal


@lru_cache(maxsize=8192)
def slots(hour: int, zone: ZoneInfo) -> Slots:
    """The slots of ``hour`` (hours since the epoch, UTC) in ``zone``."""
    local = datetime.fromtimestamp(hour * 3600, tz=UTC).astimezone(zone)
    weekday = local.weekday()
    return Slots(local.hour, weekday * DAY_HOURS + local.hour, weekday,
                 local.date().toordinal())


@dataclass(slots=True)
class Baseline:
    """The learned profiles of one source (mutable: ``learn`` updates it hour by hour)."""

    daily: list[float] = field(default_factory=lambda: [0.0] * DAY_HOURS)
    daily_seen: list[int] = field(default_factory=lambda: [0] * DAY_HOURS)
    weekday: list[float] = field(default_factory=lambda: [1.0] * WEEK_DAYS)
    weekday_seen: list[int] = field(default_factory=lambda: [0] * WEEK_DAYS)
    weekly: list[float] = field(default_factory=lambda: [0.0] * WEEK_HOURS)
    weekly_seen: list[int] = field(default_factory=lambda: [0] * WEEK_HOURS)
    level: float = 1.0
    recent_count: float = 0.0  # smoothed counts of the last hours (about a day)...
    recent_predicted: float = 0.0  # ...and what the profiles predicted for them
    hours: int = 0  # hours observed, learned or skipped (a wave's hours are skipped)
    day: int = -1  # the local day being summed for its weekday factor
    day_total: float = 0.0
    day_hours: int = 0

    def seasonal(self, hour: int, zone: ZoneInfo) -> float | None:
        """The profiles' count for ``hour`` before the level; None until its hour of the
        day (or a neighbour) has been seen once."""
        at = slots(hour, zone)
        daily = _smoothed(self.daily, self.daily_seen, at.of_day)
        if daily is None:
            return None
        daily *= self.weekday_factor(at.weekday)
        weight = min(self.weekly_seen[at.of_week], WEEKLY_WEIGHT_CAP)
        weekly = _smoothed(self.weekly, self.weekly_seen, at.of_week) if weight else None
        if weekly is None:
            return daily
        return (weight * weekly + daily) / (weight + 1)

    def weekday_factor(self, weekday: int) -> float:
        """How busy that day of the week is against an ordinary day, shrunk towards 1 by
        ``WEEKDAY_PRIOR`` ordinary days. A day not seen whole yet is taken as busy as the
        busiest seen: a source's first Monday must not look like a wave because its
        Sundays were calm."""
        seen = min(self.weekday_seen[weekday], WEEKDAY_WEIGHT_CAP)
        if seen:
            return (seen * self.weekday[weekday] + WEEKDAY_PRIOR) / (seen + WEEKDAY_PRIOR)
        return max((self.weekday_factor(day) for day in range(WEEK_DAYS)
                    if self.weekday_seen[day]), default=1.0)

    def expected(self, hour: int, zone: ZoneInfo) -> float | None:
        """The usual count of negatives in ``hour`` (None: nothing learned for it yet)."""
        seasonal = self.seasonal(hour, zone)
        return None if seasonal is None else seasonal * self.level

    def learn(self, hour: int, count: int, zone: ZoneInfo) -> None:
        """Take in a finished hour's count."""
        at = slots(hour, zone)
        self._next_day(at)
        predicted = self.seasonal(hour, zone)
        if predicted is not None and all(self.weekday_seen):
            self.recent_count += LEVEL_ALPHA * (count - self.recent_count)
            self.recent_predicted += LEVEL_ALPHA * (predicted - self.recent_predicted)
            level = (self.recent_count + LEVEL_FLOOR) / (self.recent_predicted + LEVEL_FLOOR)
            self.level = min(max(level, LEVEL_MIN), LEVEL_MAX)
        _update(self.daily, self.daily_seen, at.of_day,
                count / self.weekday_factor(at.weekday), DAILY_ALPHA)
        _update(self.weekly, self.weekly_seen, at.of_week, count, WEEKLY_ALPHA)
        self.day_total += count
        self.day_hours += 1
        self.hours += 1

    def skip(self, hour: int, zone: ZoneInfo) -> None:
        """An hour passed that must not teach the profiles (a wave was on): its day still
        counts towards the weekday factor, with what was expected in its place."""
        at = slots(hour, zone)
        self._next_day(at)
        predicted = self.seasonal(hour, zone)
        if predicted is not None:
            self.day_total += predicted
            self.day_hours += 1
        self.hours += 1

    def _next_day(self, at: Slots) -> None:
        """On the first hour of a new local day, fold the finished one into its weekday
        factor: its total against an ordinary day's (the daily profile's sum)."""
        if at.day == self.day:
            return
        ordinary = sum(self.daily)
        if self.day_hours >= FULL_DAY_HOURS and all(self.daily_seen) and ordinary > 0:
            weekday = (self.day - 1) % WEEK_DAYS  # ordinal 1 (0001-01-01) was a Monday
            _update(self.weekday, self.weekday_seen, weekday, self.day_total / ordinary,
                    WEEKDAY_ALPHA)
        self.day, self.day_total, self.day_hours = at.day, 0.0, 0

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Baseline:
        raw: dict[str, Any] = json.loads(text)
        return cls(**raw)


def _update(values: list[float], seen: list[int], index: int, value: float,
            alpha: float) -> None:
    seen[index] += 1
    values[index] += max(alpha, 1 / seen[index]) * (value - values[index])


def _smoothed(values: list[float], seen: list[int], index: int) -> float | None:
    """[1, 2, 1] average of ``index`` and its neighbours (wrapping), over learned ones."""
    size = len(values)
    total = weight = 0.0
    for offset, factor in ((-1, 1.0), (0, 2.0), (1, 1.0)):
        at = (index + offset) % size
        if seen[at]:
            total += factor * values[at]
            weight += factor
    return total / weight if weight else None
