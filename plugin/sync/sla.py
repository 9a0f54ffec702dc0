"""When must the company have answered? The SLA due time of an interaction.

The target is a duration per Case priority, per interaction kind and per network; when
several apply the shortest wins (a Messenger message is answered within the hour even on
a P3 Case). An interaction without a Case has no priority: its kind, its network or the
default set its target. With
business hours configured the clock only runs on working days between ``start`` and
``end`` in the configured time zone (holidays skipped); without, it runs around the clock.

Dates are timezone-aware UTC in and out. Working days are laid out in the zone's wall
time and every step is measured in UTC, so a day on which daylight saving time changes
still counts its real length. The due time is rounded *up* to the whole minute: SuiteCRM's
REST API answers datetimes to the minute, and a due time must read back exactly as
computed, never earlier than the policy allows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

_DURATION = re.compile(r"^(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?$")
# Ten years of days: far beyond any target, a guard against a calendar with no working time.
_MAX_DAYS = 3660


@dataclass(frozen=True, slots=True)
class BusinessHours:
    """Working time in one zone: SLA clocks only run inside it."""

    zone: ZoneInfo
    start: time = time(9)
    end: time = time(17)
    workdays: frozenset[int] = frozenset(range(5))  # date.weekday(): Monday is 0
    holidays: frozenset[date] = frozenset()

    def is_workday(self, day: date) -> bool:
        return day.weekday() in self.workdays and day not in self.holidays

    def window(self, day: date) -> tuple[datetime, datetime]:
        """The day's working time as UTC instants."""
        return (datetime.combine(day, self.start, self.zone).astimezone(UTC),
                datetime.combine(day, self.end, self.zone).astimezone(UTC))


def _hours(**targets: float) -> Mapping[str, timedelta]:
    return MappingProxyType({key: timedelta(hours=value) for key, value in targets.items()})


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    """Targets per priority, kind and network; the shortest that applies wins.
    ``warn_before``: how long before the due time the assignee is warned."""

    by_priority: Mapping[str, timedelta] = field(
        default_factory=lambda: _hours(P1=1, P2=4, P3=24))
    by_kind: Mapping[str, timedelta] = field(default_factory=lambda: _hours(message=1))
    default: timedelta = timedelta(hours=24)
    business_hours: BusinessHours | None = None
    by_network: Mapping[str, timedelta] = field(default_factory=lambda: _hours())
    warn_before: timedelta = timedelta(minutes=15)

    def target(self, priority: str, kind: str, network: str = "") -> timedelta:
        applicable = [t for t in (self.by_priority.get(priority), self.by_kind.get(kind),
                                  self.by_network.get(network)) if t is not None]
        return min(applicable) if applicable else self.default


def sla_due_at(start: datetime, *, priority: str, kind: str, policy: SlaPolicy,
               network: str = "") -> datetime:
    """The due time (aware UTC, whole minutes) of an interaction that arrived at ``start``."""
    _require_aware(start)
    target = policy.target(priority, kind, network)
    hours = policy.business_hours
    due = add_business_time(start, target, hours) if hours else start.astimezone(UTC) + target
    return ceil_to_minute(due)


def add_business_time(start: datetime, duration: timedelta, hours: BusinessHours) -> datetime:
    """``start`` plus ``duration`` of working time (aware UTC out)."""
    _require_aware(start)
    remaining = duration
    cursor = start.astimezone(UTC)
    day = cursor.astimezone(hours.zone).date()
    for _ in range(_MAX_DAYS):
        if hours.is_workday(day):
            opens, closes = hours.window(day)
            begin = max(cursor, opens)
            if begin < closes:
                if remaining <= closes - begin:
                    return begin + remaining
                remaining -= closes - begin
        day += timedelta(days=1)
    raise ValueError("no working time within ten years: check the business hours")


def ceil_to_minute(moment: datetime) -> datetime:
    whole = moment.replace(second=0, microsecond=0)
    return (whole if whole == moment else whole + timedelta(minutes=1)).astimezone(UTC)


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: pass an aware UTC datetime")


def parse_duration(value: Any, where: str) -> timedelta:
    """Minutes as an integer, or hours and minutes as text: "4h", "90m", "1h30m"."""
    if isinstance(value, timedelta):
        minutes = int(value.total_seconds() // 60)
    elif isinstance(value, int) and not isinstance(value, bool):
        minutes = value
    else:
        match = _DURATION.match(value.strip().lower()) if isinstance(value, str) else None
        if not match or not any(match.groups()):
            raise ValueError(f"{where}: expected a duration like '4h', '90m' or '1h30m' "
                             f"(or minutes as a number), got {value!r}")
        minutes = int(match["h"] or 0) * 60 + int(match["m"] or 0)
    if minutes <= 0:
        raise ValueError(f"{where}: a duration must be longer than zero, got {value!r}")
    return timedelta(minutes=minutes)


def parse_clock(value: Any, where: str) -> time:
    """A time of day, as TOML's local time or text such as "09:00"."""
    try:
        parsed = value if isinstance(value, time) else time.fromisoformat(str(value))
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is not None:
        raise ValueError(f"{where}: expected a time of day like '09:00' (the zone is "
                         f"set apart), got {value!r}")
    return parsed


def parse_day(value: Any, where: str) -> date:
    """A calendar date, as TOML's local date or text such as "2026-12-25"."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{where}: expected a date like '2026-12-25', got {value!r}") from None
