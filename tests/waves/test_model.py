"""The detector's parts: the learned baseline, the noise check, the records, the config."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal, localcontext
from zoneinfo import ZoneInfo

import pytest

from plugin.waves import Baseline, SourceCore, WaveConfig, WaveConfigError, WaveDetector, WaveEvent
from plugin.waves.core import chance_of_at_least
from plugin.waves.records import sample_of
from plugin.waves.synthetic import TrafficProfile
from tests.waves.replays import MONDAY, burst, in_order, run, usual

UTC_ZONE = ZoneInfo("UTC")


def hour_of(moment: datetime) -> int:
    return int(moment.timestamp()) // 3600


@pytest.fixture(scope="module")
def learned() -> WaveDetector:
    """Four weeks of a Page whose audience lives in Moscow."""
    detector = WaveDetector(WaveConfig(zone="Europe/Moscow"))
    run(detector, in_order(usual("facebook:shop", 20, days=28, zone="Europe/Moscow", seed=2)))
    return detector


def test_the_baseline_learns_the_day_and_the_week_in_the_source_zone(learned):
    baseline = learned.core("facebook:shop").baseline
    profile = TrafficProfile("facebook:shop", 20, zone="Europe/Moscow")
    zone = ZoneInfo("Europe/Moscow")
    week = MONDAY + timedelta(days=28)
    checked = 0
    for day in range(7):
        for local_hour in (3, 10, 15, 20):
            moment = datetime(week.year, week.month, week.day + day, local_hour, tzinfo=zone)
            expected = baseline.expected(hour_of(moment), zone)
            usual_rate = profile.usual_rate(moment)
            assert expected is not None
            assert usual_rate * 0.6 <= expected <= usual_rate * 1.5, moment
            checked += 1
    monday_noon = datetime(2025, 2, 3, 12, tzinfo=zone)
    sunday_noon = datetime(2025, 2, 9, 12, tzinfo=zone)
    three_am = datetime(2025, 2, 4, 3, tzinfo=zone)
    assert baseline.expected(hour_of(monday_noon), zone) > \
        1.5 * baseline.expected(hour_of(sunday_noon), zone)  # 2.5 in the traffic
    assert baseline.expected(hour_of(monday_noon), zone) > \
        8 * baseline.expected(hour_of(three_am), zone)
    assert checked == 28


def test_nothing_is_expected_before_anything_was_learned():
    baseline = Baseline()
    assert baseline.expected(hour_of(MONDAY), UTC_ZONE) is None
    baseline.learn(hour_of(MONDAY), 4, UTC_ZONE)
    assert baseline.expected(hour_of(MONDAY), UTC_ZONE) == 4
    assert baseline.expected(hour_of(MONDAY) + 12, UTC_ZONE) is None  # noon: never seen


def test_the_state_reads_back_exactly_from_json(learned):
    core = learned.core("facebook:shop")
    events = burst("facebook:shop", MONDAY + timedelta(days=28, hours=3), 20,
                   timedelta(minutes=10))
    assert [learned.observe(e) for e in events].count(None) == 19  # one alert: a wave is on
    assert core.wave is not None and core.minutes
    again = SourceCore.from_json(core.state_json(), core.baseline.to_json())
    assert again == core
    assert again.state_json() == core.state_json()
    assert again.baseline.to_json() == core.baseline.to_json()


def test_a_state_of_another_version_is_refused(learned):
    core = learned.core("facebook:shop")
    with pytest.raises(ValueError, match="version"):
        SourceCore.from_json(core.state_json().replace('"v":1', '"v":99'),
                             core.baseline.to_json())


@pytest.mark.parametrize("expected", [0.05, 0.8, 3.5, 12.0, 40.0])
def test_the_noise_chance_is_the_poisson_tail(expected):
    for count in range(0, int(expected * 4) + 12):
        below = sum(math.exp(-expected) * expected ** k / math.factorial(k)
                    for k in range(count))
        assert chance_of_at_least(count, expected) == pytest.approx(1 - below, abs=1e-9)


def test_the_noise_chance_holds_for_busy_windows():
    """exp(-5000) is 0 in floating point: summed in log space, the tail is still right
    (checked against the plain sum in 60-digit decimals, where it is not 0)."""
    for expected, count in ((1000, 1100), (5000, 5200)):
        with localcontext() as context:
            context.prec = 60
            term, below = Decimal(-expected).exp(), Decimal(0)
            for k in range(count):
                below += term
                term = term * expected / (k + 1)
            exact = float(1 - below)
        assert chance_of_at_least(count, float(expected)) == pytest.approx(exact, rel=1e-9)
    assert chance_of_at_least(3000, 1000.0) < 1e-100
    assert chance_of_at_least(5, 0.0) == 0.0
    assert chance_of_at_least(0, 3.0) == 1.0


@pytest.mark.parametrize(("setting", "value"), [
    ("multiple", 1.0), ("min_count", 0), ("noise_chance", 0.0), ("windows", ()),
    ("windows", (15, 90)), ("clear_multiple", 3.0), ("clear_after", timedelta(minutes=-1)),
    ("warmup", timedelta(hours=-1)), ("max_wave", timedelta(0)), ("top_posts", 0),
    ("zone", "Mars/Olympus_Mons"),
])
def test_a_bad_setting_is_named(setting, value):
    with pytest.raises(WaveConfigError, match=f"waves.{setting} "):
        WaveConfig(**{setting: value})


def test_an_event_needs_an_aware_time_a_source_and_a_thread():
    with pytest.raises(ValueError, match="timezone-aware"):
        WaveEvent("s", datetime(2025, 1, 6, 12), True, "t")
    with pytest.raises(ValueError, match="source"):
        WaveEvent("", datetime(2025, 1, 6, 12, tzinfo=UTC), True, "t")
    with pytest.raises(ValueError, match="thread"):
        WaveEvent("s", datetime(2025, 1, 6, 12, tzinfo=UTC), True, "")


def test_a_sample_is_one_line_and_cut_between_characters():
    assert sample_of("  Где мой \n\t заказ?  😡 ") == "Где мой заказ? 😡"
    flag = "🇨🇳"
    text = "退" * 118 + flag + "款到现在还没到账"
    assert sample_of(text) == "退" * 118 + flag + "…"
    assert sample_of("短") == "短"
