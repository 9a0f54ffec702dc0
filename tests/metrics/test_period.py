"""Periods as managers write them: the last N days, ISO intervals, time zones, bounds."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from plugin.metrics import MAX_DAYS, PeriodError, parse_period, zone_named

NOW = datetime(2026, 11, 18, 15, 30, tzinfo=UTC)  # a Wednesday afternoon
BERLIN = ZoneInfo("Europe/Berlin")


def test_the_last_seven_days_are_seven_calendar_days_ending_now():
    period = parse_period("7d", now=NOW)
    assert period.start == datetime(2026, 11, 12, tzinfo=UTC)
    assert period.end == NOW
    assert period.days() == [date(2026, 11, 12) + timedelta(days=n) for n in range(7)]
    assert period.label == "7d"


def test_the_last_days_start_at_local_midnight_in_the_zone():
    period = parse_period("1d", now=NOW, zone=BERLIN)
    assert period.start == datetime(2026, 11, 18, tzinfo=BERLIN)  # 23:00 UTC the day before
    assert period.start.astimezone(UTC).hour == 23
    assert period.days() == [date(2026, 11, 18)]


def test_late_at_night_in_utc_is_already_tomorrow_in_tokyo():
    late = datetime(2026, 11, 18, 20, 0, tzinfo=UTC)  # 05:00 on the 19th in Tokyo
    period = parse_period("2d", now=late, zone=ZoneInfo("Asia/Tokyo"))
    assert period.days() == [date(2026, 11, 18), date(2026, 11, 19)]


def test_an_iso_interval_of_dates_includes_its_last_day():
    period = parse_period("2026-11-01/2026-11-30", now=NOW)
    assert period.start == datetime(2026, 11, 1, tzinfo=UTC)
    assert period.end == datetime(2026, 12, 1, tzinfo=UTC)
    assert len(period.days()) == 30
    assert period.contains(datetime(2026, 11, 30, 23, 59, 59, tzinfo=UTC))
    assert not period.contains(period.end), "the end is exclusive"
    assert period.contains(period.start), "the start is inclusive"


def test_date_times_are_read_in_the_zone_unless_they_name_an_offset():
    local = parse_period("2026-03-28T00:00/2026-03-30T00:00", now=NOW, zone=BERLIN)
    # Daylight saving starts on 29 March in Berlin: the two days last 47 hours.
    assert local.end - local.start == timedelta(hours=47)
    assert local.days() == [date(2026, 3, 28), date(2026, 3, 29)]
    explicit = parse_period("2026-11-01T08:00:00Z/2026-11-01T09:30+01:00", now=NOW,
                            zone=BERLIN)
    assert explicit.start == datetime(2026, 11, 1, 8, tzinfo=UTC)
    assert explicit.end == datetime(2026, 11, 1, 8, 30, tzinfo=UTC)


@pytest.mark.parametrize("text", [
    "", "30", "d", "0d", f"{MAX_DAYS + 1}d", "1000d", "-7d", "7 days", "2026-11-30/2026-11-01",
    "2026-11-01/2026-11-01T00:00", "2026-13-01/2026-12-01", "2026-11-01/", "/2026-11-01",
    "2026-11-01/2026-11-05/2026-11-09", "0001-01-01/0001-01-02", "2020-01-01/2022-01-01",
    "yesterday/today", "2026-11-01T25:00/2026-11-02",
])
def test_a_period_that_cannot_be_read_says_why(text):
    with pytest.raises(PeriodError) as caught:
        parse_period(text, now=NOW)
    assert str(caught.value)


def test_the_longest_period_is_accepted():
    assert parse_period(f"{MAX_DAYS}d", now=NOW).length_days == pytest.approx(
        MAX_DAYS - 1 + 15.5 / 24)
    assert len(parse_period("2025-01-01/2025-12-31", now=NOW).days()) == 365


@pytest.mark.parametrize("name", ["Mars/Olympus", "../../etc/passwd", "Europe/", "", "UTC ",
                                  "a" * 80, "Europe/Berlin\x00"])
def test_an_unknown_time_zone_is_refused(name):
    with pytest.raises(PeriodError):
        zone_named(name)


def test_known_time_zones_are_found():
    assert zone_named("Europe/Berlin") == BERLIN
    assert zone_named("UTC").key == "UTC"
    assert zone_named("America/Argentina/Buenos_Aires").key == "America/Argentina/Buenos_Aires"
