"""Which stretch of time a report covers, and which calendar day each moment falls on.

Why days are local: a manager in Berlin reads "Monday" as Monday in Berlin, not in UTC, so
the daily figures (sentiment trend, volume per day) are cut at midnight in the zone the
caller names (``tz``, an IANA name, default UTC); every instant stays aware UTC.

Two ways to name a period:

* ``Nd`` (``7d``, ``30d``, ``90d``; N from 1 to ``MAX_DAYS``): the N calendar days that end
  today in the zone, today included, up to now. ``7d`` on a Wednesday afternoon covers
  last Thursday 00:00 to now: seven day buckets, the last one partial.
* ``<start>/<end>`` (ISO 8601): each side a date (``2026-11-01``) or a date-time
  (``2026-11-01T08:00``, ``...Z``, ``...+01:00``). A date as start means its midnight; a
  date as end means the whole day is included (up to the next midnight), so
  ``2026-11-01/2026-11-30`` is all of November. A date-time end is exclusive. A date-time
  without an offset is read in the zone. At most ``MAX_DAYS`` days long.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MAX_DAYS = 366
_RELATIVE = re.compile(r"^(\d{1,3})d$")
_ZONE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$")
_EARLIEST_YEAR, _LATEST_YEAR = 1970, 9000  # far outside any CRM data, inside datetime's range


class PeriodError(ValueError):
    """A period or time zone the caller wrote cannot be read; the message says why."""


@dataclass(frozen=True, slots=True)
class Period:
    """``[start, end)`` in aware UTC, the zone whose calendar days cut it, and its name."""

    start: datetime
    end: datetime
    zone: ZoneInfo
    label: str

    def __post_init__(self) -> None:
        for moment in (self.start, self.end):
            if moment.tzinfo is None or moment.utcoffset() is None:
                raise ValueError("a period's bounds must be aware datetimes")
        if self.start >= self.end:
            raise PeriodError("the period must end after it starts")

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def day_of(self, moment: datetime) -> date:
        """The calendar day (in the period's zone) that ``moment`` falls on."""
        return moment.astimezone(self.zone).date()

    def days(self) -> list[date]:
        """Every calendar day the period touches, in order (the first and last may be
        partial)."""
        first = self.day_of(self.start)
        last = self.day_of(self.end - timedelta(microseconds=1))
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    @property
    def length_days(self) -> float:
        return (self.end - self.start).total_seconds() / 86400


def zone_named(name: str) -> ZoneInfo:
    """The IANA zone ``name`` (``Europe/Berlin``, ``UTC``), or ``PeriodError``."""
    if not _ZONE_NAME.match(name) or len(name) > 64:
        raise PeriodError(f"{name!r} is not a time zone name such as Europe/Berlin or UTC")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise PeriodError(f"unknown time zone {name!r}: use an IANA name such as "
                          "Europe/Berlin or UTC") from None


def parse_period(text: str, *, now: datetime, zone: ZoneInfo | None = None) -> Period:
    """``text`` (see the module doc) as a ``Period`` in ``zone`` (default UTC)."""
    where = zone or ZoneInfo("UTC")
    value = text.strip()
    relative = _RELATIVE.match(value)
    if relative:
        return _last_days(int(relative.group(1)), now, where, value)
    if value.count("/") == 1:
        start_text, end_text = value.split("/")
        start = _moment(start_text, where, end=False)
        end = _moment(end_text, where, end=True)
        if start >= end:
            raise PeriodError(f"{text!r}: the end must come after the start")
        if end - start > timedelta(days=MAX_DAYS):
            raise PeriodError(f"{text!r}: a period is at most {MAX_DAYS} days long")
        return Period(start, end, where, value)
    raise PeriodError(f"{text!r} is not a period: use 7d, 30d, 90d (up to {MAX_DAYS}d) or "
                      "<start>/<end> in ISO 8601, such as 2026-11-01/2026-11-30")


def _last_days(count: int, now: datetime, zone: ZoneInfo, label: str) -> Period:
    if not 1 <= count <= MAX_DAYS:
        raise PeriodError(f"{label!r}: the number of days must be between 1 and {MAX_DAYS}")
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    first_day = now.astimezone(zone).date() - timedelta(days=count - 1)
    start = datetime.combine(first_day, time(0), zone).astimezone(UTC)
    return Period(start, now.astimezone(UTC), zone, label)


def _moment(text: str, zone: ZoneInfo, *, end: bool) -> datetime:
    """One side of an ISO interval as aware UTC (a date-only end: the next midnight)."""
    value = text.strip()
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            _check_year(day.year, text)
            local = datetime.combine(day + timedelta(days=1) if end else day, time(0), zone)
        else:
            local = datetime.fromisoformat(value)
            _check_year(local.year, text)
            if local.tzinfo is None or local.utcoffset() is None:
                local = local.replace(tzinfo=zone)
        return local.astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        if isinstance(exc, PeriodError):
            raise
        raise PeriodError(f"{text!r} is not an ISO 8601 date or date-time such as "
                          "2026-11-01 or 2026-11-01T08:00:00Z") from None


def _check_year(year: int, text: str) -> None:
    if not _EARLIEST_YEAR <= year <= _LATEST_YEAR:
        raise PeriodError(f"{text!r}: the year must be between {_EARLIEST_YEAR} and "
                          f"{_LATEST_YEAR}")
