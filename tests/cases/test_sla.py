"""SLA due times: around the clock, or in business hours (weekends, holidays, time zones,
a daylight-saving change), always aware UTC and whole minutes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from types import MappingProxyType
from zoneinfo import ZoneInfo

import pytest

from plugin.sync.sla import BusinessHours, SlaPolicy, add_business_time, sla_due_at

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
HOURS = MappingProxyType({"P1": timedelta(hours=2), "P2": timedelta(hours=8),
                          "P3": timedelta(hours=24)})


def policy(hours: BusinessHours | None = None, **kind: timedelta) -> SlaPolicy:
    return SlaPolicy(by_priority=HOURS, by_kind=MappingProxyType(kind),
                     default=timedelta(hours=48), business_hours=hours)


def test_around_the_clock_the_target_is_added_to_the_arrival() -> None:
    start = datetime(2026, 12, 5, 22, 30, tzinfo=UTC)  # a Saturday night
    due = sla_due_at(start, priority="P1", kind="comment", policy=policy())
    assert due == datetime(2026, 12, 6, 0, 30, tzinfo=UTC)
    assert due.tzinfo is UTC


def test_an_offset_arrival_comes_back_in_utc() -> None:
    start = datetime(2026, 12, 7, 12, 0, tzinfo=timezone(timedelta(hours=3)))
    due = sla_due_at(start, priority="P2", kind="comment", policy=policy())
    assert due == datetime(2026, 12, 7, 17, 0, tzinfo=UTC) and due.utcoffset() == timedelta(0)


def test_the_shorter_of_the_priority_and_kind_targets_wins() -> None:
    start = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    rules = policy(message=timedelta(minutes=30))
    assert sla_due_at(start, priority="P3", kind="message", policy=rules) == \
        start + timedelta(minutes=30)
    assert sla_due_at(start, priority="P3", kind="comment", policy=rules) == \
        start + timedelta(hours=24)
    assert sla_due_at(start, priority="P9", kind="comment", policy=rules) == \
        start + timedelta(hours=48), "neither applies: the default"


def test_the_due_time_is_rounded_up_to_the_minute() -> None:
    start = datetime(2026, 12, 7, 9, 0, 1, 500, tzinfo=UTC)
    due = sla_due_at(start, priority="P1", kind="comment", policy=policy())
    assert due == datetime(2026, 12, 7, 11, 1, tzinfo=UTC)
    exact = sla_due_at(datetime(2026, 12, 7, 9, 0, tzinfo=UTC), priority="P1",
                       kind="comment", policy=policy())
    assert exact == datetime(2026, 12, 7, 11, 0, tzinfo=UTC)


def test_a_naive_arrival_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        sla_due_at(datetime(2026, 12, 7, 9, 0), priority="P1", kind="comment",
                   policy=policy())


def test_in_business_hours_friday_evening_runs_on_into_monday_in_the_zone() -> None:
    hours = BusinessHours(BERLIN, time(9), time(17))
    # Friday 15:30 in Berlin (CET, UTC+1): 1.5 h left on Friday, 0.5 h on Monday.
    start = datetime(2026, 12, 4, 14, 30, tzinfo=UTC)
    due = sla_due_at(start, priority="P1", kind="comment", policy=policy(hours))
    assert due == datetime(2026, 12, 7, 8, 30, tzinfo=UTC)  # Monday 09:30 Berlin


def test_a_weekend_arrival_starts_counting_on_monday_morning() -> None:
    hours = BusinessHours(BERLIN, time(9), time(17))
    saturday = datetime(2026, 12, 5, 11, 0, tzinfo=UTC)
    due = sla_due_at(saturday, priority="P2", kind="comment", policy=policy(hours))
    assert due == datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # Monday 17:00 Berlin, 8 h used


def test_a_long_target_spans_several_working_days() -> None:
    hours = BusinessHours(BERLIN, time(9), time(17))
    start = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # Monday 09:00 Berlin
    due = sla_due_at(start, priority="P3", kind="comment", policy=policy(hours))
    assert due == datetime(2026, 12, 9, 16, 0, tzinfo=UTC)  # 3 x 8 h: Wednesday 17:00


def test_holidays_are_skipped() -> None:
    hours = BusinessHours(BERLIN, time(9), time(17), holidays=frozenset({date(2026, 12, 7)}))
    start = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)  # Friday 16:00 Berlin
    due = sla_due_at(start, priority="P1", kind="comment", policy=policy(hours))
    assert due == datetime(2026, 12, 8, 9, 0, tzinfo=UTC)  # Tuesday 10:00, Monday off


def test_the_same_instant_gets_a_different_due_time_in_another_zone() -> None:
    start = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)  # Monday: 21:00 Berlin, 15:00 New York
    berlin = sla_due_at(start, priority="P1", kind="comment",
                        policy=policy(BusinessHours(BERLIN, time(9), time(17))))
    new_york = sla_due_at(start, priority="P1", kind="comment",
                          policy=policy(BusinessHours(NEW_YORK, time(9), time(17))))
    assert berlin == datetime(2026, 12, 8, 10, 0, tzinfo=UTC)   # Tuesday 11:00 Berlin
    assert new_york == datetime(2026, 12, 7, 22, 0, tzinfo=UTC)  # Monday 17:00 New York


def test_a_daylight_saving_weekend_counts_real_hours() -> None:
    hours = BusinessHours(BERLIN, time(9), time(17))
    # Friday 27 March 2026, 16:00 CET (UTC+1); clocks go forward on Sunday the 29th.
    start = datetime(2026, 3, 27, 15, 0, tzinfo=UTC)
    due = sla_due_at(start, priority="P1", kind="comment", policy=policy(hours))
    assert due == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # Monday 10:00 CEST (UTC+2)


def test_working_days_are_configurable() -> None:
    sunday_to_thursday = BusinessHours(ZoneInfo("Asia/Jerusalem"), time(8), time(16),
                                       workdays=frozenset({6, 0, 1, 2, 3}))
    friday = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
    due = add_business_time(friday, timedelta(hours=1), sunday_to_thursday)
    assert due == datetime(2026, 12, 6, 7, 0, tzinfo=UTC)  # Sunday 09:00 Jerusalem (UTC+2)


def test_an_arrival_inside_working_hours_counts_from_the_arrival() -> None:
    hours = BusinessHours(ZoneInfo("Asia/Shanghai"), time(9), time(18))
    start = datetime(2026, 12, 7, 2, 15, tzinfo=UTC)  # Monday 10:15 Shanghai
    due = sla_due_at(start, priority="P1", kind="comment", policy=policy(hours))
    assert due == datetime(2026, 12, 7, 4, 15, tzinfo=UTC)
