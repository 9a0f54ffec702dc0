"""Time on LinkedIn: epoch milliseconds, UTC days, and the windows its finders accept.

LinkedIn speaks epoch *milliseconds* everywhere (Facebook webhooks speak seconds, its
nodes ISO ``+0000``): a window built from seconds, or from a naive local ``datetime``,
silently asks for the wrong hours. So every window is built from timezone-aware
datetimes only and converted once, here. Daily limits and daily statistics are cut at
midnight UTC, which is why the helpers below work in UTC days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from connectors.errors import ValidationError
from connectors.linkedin.urns import Restli, record

SERVICE = "linkedin"


def _aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValidationError(
            f"{name} must be a timezone-aware datetime (got naive {moment.isoformat()}); "
            "LinkedIn windows are UTC epoch milliseconds",
            service=SERVICE,
        )
    return moment.astimezone(UTC)


def epoch_millis(moment: datetime) -> int:
    """Aware datetime -> integer epoch milliseconds (what LinkedIn expects)."""
    moment = _aware(moment, "time")
    return int((moment - datetime(1970, 1, 1, tzinfo=UTC)) / timedelta(milliseconds=1))


def utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def next_utc_midnight(now: datetime) -> datetime:
    now = _aware(now, "now")
    return utc_midnight(now.date() + timedelta(days=1))


def seconds_until_next_utc_midnight(now: datetime) -> float:
    """When LinkedIn's daily counters reset; never 0 so a caller always waits a little."""
    now = _aware(now, "now")
    return max(1.0, (next_utc_midnight(now) - now).total_seconds())


def months_back(moment: datetime, months: int) -> datetime:
    """The same wall time ``months`` calendar months earlier (day clamped to month end)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    month += 1
    day = moment.day
    while True:
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            day -= 1


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """A half-open UTC window ``[start, end)`` for LinkedIn finders."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        start = _aware(self.start, "window start")
        end = _aware(self.end, "window end")
        if not start < end:
            raise ValidationError(
                f"window start {start.isoformat()} must be before its end {end.isoformat()}",
                service=SERVICE,
            )
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)

    @classmethod
    def utc_days(cls, first: date, last: date) -> TimeWindow:
        """Whole UTC days ``first`` .. ``last`` inclusive (midnight to midnight)."""
        return cls(utc_midnight(first), utc_midnight(last + timedelta(days=1)))

    @property
    def start_ms(self) -> int:
        return epoch_millis(self.start)

    @property
    def end_ms(self) -> int:
        return epoch_millis(self.end)

    def restli(self) -> Restli:
        """``(start:1700000000000,end:1700086400000)``."""
        return record(start=self.start_ms, end=self.end_ms)


def check_statistics_window(window: TimeWindow, now: datetime) -> None:
    """Refuse a time-bound statistics window LinkedIn would answer with a bare 400.

    Its documented rule: the start lies at most 12 months and at least 2 days back,
    in UTC. Checking here turns a puzzling remote 400 into a message that says which
    bound was crossed and what the nearest allowed value is.
    """
    now = _aware(now, "now")
    earliest = months_back(now, 12)
    latest = now - timedelta(days=2)
    if window.start < earliest:
        raise ValidationError(
            f"statistics window starts {window.start.isoformat()}, more than 12 months ago; "
            f"LinkedIn keeps 12 months: start at {earliest.isoformat()} or later",
            service=SERVICE,
        )
    if window.start > latest:
        raise ValidationError(
            f"statistics window starts {window.start.isoformat()}, less than 2 days ago; "
            f"LinkedIn needs 2 days to settle: start at {latest.isoformat()} or earlier",
            service=SERVICE,
        )
