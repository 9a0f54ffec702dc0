"""The in-memory wave detector on replayed traffic: the rules' edge cases."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest

from plugin.waves import AllClear, PostCount, WaveAlert, WaveConfig, WaveDetector, WaveEvent
from plugin.waves.synthetic import InjectedWave, deliveries
from tests.waves.replays import MONDAY, alerts, all_clears, burst, in_order, run, usual

SOURCE = "facebook:shop"
PEAK = 15  # negatives in the busiest hour of an ordinary day
HISTORY_DAYS = 23  # a settled baseline: every weekday seen three times
AFTER = MONDAY + timedelta(days=HISTORY_DAYS)  # a Wednesday, 00:00 UTC


@pytest.fixture(scope="module")
def history() -> WaveDetector:
    detector = WaveDetector()
    assert run(detector, in_order(usual(SOURCE, PEAK, days=HISTORY_DAYS))) == []
    return detector


@pytest.fixture()
def detector(history: WaveDetector) -> WaveDetector:
    return copy.deepcopy(history)


def observe_all(detector: WaveDetector, events: list[WaveEvent]) -> list[object]:
    return [detector.observe(e, now=e.occurred_at) for e in events]


def test_steady_traffic_never_alerts_in_three_weeks():
    """Quiet nights, busy Mondays, calm weekends and day-to-day noise, two sizes of source
    in two time zones: no alert, no all-clear."""
    small, large = "facebook:bakery", "linkedin:urn:li:organization:7"
    detector = WaveDetector(per_source={small: WaveConfig(zone="Europe/Berlin"),
                                        large: WaveConfig(zone="Asia/Shanghai")})
    events = (usual(small, 4, days=21, zone="Europe/Berlin", seed=5)
              + usual(large, 40, days=21, zone="Asia/Shanghai", seed=6))
    assert run(detector, in_order(events)) == []
    core = detector.core(large)
    assert core is not None and core.baseline.hours >= 20 * 24  # it did learn all along


def test_one_wave_gives_one_alert_and_one_all_clear(detector):
    wave = InjectedWave(SOURCE, AFTER + timedelta(hours=14), timedelta(hours=2), 10, "viral")
    events = usual(SOURCE, PEAK, days=2, start=AFTER, waves=[wave], seed=2)
    seen = run(detector, in_order(events), until=AFTER + timedelta(days=2))
    assert [type(o) for _, o in seen] == [WaveAlert, AllClear]
    (alert,), (clear,) = alerts(seen), all_clears(seen)
    assert wave.start <= alert.detected_at <= wave.end
    assert alert.count >= 10 and alert.count >= 3 * alert.expected
    assert alert.tally.top_posts[0].thread_id == "viral"
    assert clear.started_at == alert.started_at and clear.detected_at == alert.detected_at
    assert clear.cleared_at >= wave.end + WaveConfig().clear_after
    assert clear.negatives > alert.count and clear.tally.top_posts[0].thread_id == "viral"
    assert clear.peak_per_hour >= alert.count
    assert detector.alerting == []


def test_the_same_burst_is_a_wave_at_3_am_and_not_at_3_pm(detector):
    """Twelve complaints in an hour: against a quiet night that is a wave, against a busy
    afternoon it is an ordinary hour."""
    night, afternoon = copy.deepcopy(detector), detector
    background = usual(SOURCE, PEAK, days=2, start=AFTER, seed=3)
    thursday = AFTER + timedelta(days=1)
    for clock, hour in ((night, 3), (afternoon, 15)):
        extra = burst(SOURCE, thursday + timedelta(hours=hour), 12, timedelta(hours=1))
        seen = run(clock, in_order(background + extra), until=AFTER + timedelta(days=2))
        expected_alerts = 1 if hour == 3 else 0
        assert len(alerts(seen)) == expected_alerts, f"{hour}:00"


def test_a_new_source_does_not_alert_on_its_first_busy_hour():
    detector = WaveDetector()
    first_hour = burst("facebook:new-page", MONDAY + timedelta(hours=3), 50, timedelta(hours=1))
    assert [o for o in observe_all(detector, first_hour) if o] == []
    # The same burst, once a day of its quiet traffic has been learned, is a wave.
    quiet = usual("facebook:new-page", 2, days=2, start=MONDAY + timedelta(hours=4), seed=4)
    later = burst("facebook:new-page", MONDAY + timedelta(days=2, hours=3), 50,
                  timedelta(hours=1))
    seen = run(detector, in_order(quiet + later))
    assert [type(o) for o in alerts(seen)] == [WaveAlert]


@pytest.mark.parametrize("min_count", [10, 6])
def test_min_count_is_respected(detector, min_count):
    """At 3 am a handful of complaints is many times the usual, yet no wave below
    ``min_count``: the alert comes with the ``min_count``-th, not before."""
    detector.config = WaveConfig(min_count=min_count)
    events = burst(SOURCE, AFTER + timedelta(hours=3), 12, timedelta(minutes=6))
    outcomes = observe_all(detector, events)
    assert outcomes[:min_count - 1] == [None] * (min_count - 1)
    alert = outcomes[min_count - 1]
    assert isinstance(alert, WaveAlert) and alert.count == min_count
    assert alert.expected * 3 < min_count  # the multiple alone would have alerted earlier
    assert outcomes[min_count:] == [None] * (len(events) - min_count)


def test_out_of_order_arrivals_still_give_one_alert_and_one_all_clear(detector):
    wave = InjectedWave(SOURCE, AFTER + timedelta(hours=11), timedelta(hours=1), 10, "viral")
    events = usual(SOURCE, PEAK, days=1, start=AFTER, waves=[wave], seed=7)
    arrivals = deliveries(events, timedelta(minutes=10), seed=7)
    assert [e for _, e in arrivals] != sorted(events, key=lambda e: e.occurred_at)
    seen = run(detector, arrivals, until=AFTER + timedelta(days=1))
    assert [type(o) for _, o in seen] == [WaveAlert, AllClear]
    assert alerts(seen)[0].tally.top_posts[0].thread_id == "viral"


def test_a_late_event_counts_within_the_hour_of_grace_and_is_dropped_after(detector):
    now = AFTER + timedelta(hours=10, minutes=30)
    detector.observe(WaveEvent(SOURCE, now, False, "post"), now=now)
    core = detector.core(SOURCE)
    assert core is not None
    before = sum(core.minutes.values())
    late = WaveEvent(SOURCE, now - timedelta(minutes=75), True, "post", "late")
    too_late = WaveEvent(SOURCE, now - timedelta(hours=3), True, "post", "too late")
    detector.observe(late, now=now)
    detector.observe(too_late, now=now)
    assert sum(core.minutes.values()) == before + 1


def test_hysteresis_one_wave_through_a_short_lull(detector):
    """Two bursts 20 minutes apart, 15-minute window: the window is calm during the lull,
    but not for ``clear_after``, so it is one wave. Without the wait it would be two."""
    night = AFTER + timedelta(hours=2)
    first = burst(SOURCE, night, 20, timedelta(minutes=20), thread="a")
    second = burst(SOURCE, night + timedelta(minutes=40), 20, timedelta(minutes=20),
                   thread="b")
    end = night + timedelta(hours=4)
    patient, hasty = detector, copy.deepcopy(detector)
    patient.config = WaveConfig(windows=(15,), clear_after=timedelta(minutes=30))
    hasty.config = WaveConfig(windows=(15,), clear_after=timedelta(0))
    seen = run(patient, in_order(first + second), until=end)
    assert [type(o) for _, o in seen] == [WaveAlert, AllClear]
    assert all_clears(seen)[0].negatives == 40
    assert {p.thread_id for p in all_clears(seen)[0].tally.top_posts} == {"a", "b"}
    assert len(alerts(run(hasty, in_order(first + second), until=end))) == 2


def test_the_alert_names_posts_languages_and_reach(detector):
    at = AFTER + timedelta(hours=3)
    family = "👨‍👩‍👧"  # one character to a reader, five code points
    long_text = "Ужасно " * 16 + "Ужасно" + family + " конец, и ещё"  # the cut is after it
    events = []
    for i in range(5):
        events.append(WaveEvent(SOURCE, at + timedelta(seconds=20 * i), True, "post-b",
                                "Где мой заказ?\n😡", "ru", 100))
        events.append(WaveEvent(SOURCE, at + timedelta(seconds=20 * i + 5), True, "post-a",
                                "退款到现在还没到账", "zh", None))
    events += [WaveEvent(SOURCE, at + timedelta(minutes=3), True, "post-c", long_text, None, 7)]
    outcomes = observe_all(detector, events)
    alert = outcomes[9]
    assert isinstance(alert, WaveAlert)
    assert alert.tally.top_posts == (PostCount("post-a", 5, "退款到现在还没到账"),
                                     PostCount("post-b", 5, "Где мой заказ? 😡"))
    assert alert.tally.languages == (("ru", 5), ("zh", 5))
    assert alert.tally.reach == 500
    payload = alert.as_dict()
    assert payload["languages"] == {"ru": 5, "zh": 5} and payload["count"] == 10
    clear = detector.tick(SOURCE, at + timedelta(hours=3))
    assert isinstance(clear, AllClear) and clear.negatives == 11
    (post_c,) = [p for p in clear.tally.top_posts if p.thread_id == "post-c"]
    assert post_c.sample == "Ужасно " * 16 + "Ужасно" + family + "…"
    assert dict(clear.tally.languages)["und"] == 1 and clear.tally.reach == 507


def test_a_wave_found_in_old_traffic_is_tracked_but_not_announced(detector):
    """A backfill of yesterday's activity: the wave in it is known (no alert later for it),
    but nobody is told about a wave long over."""
    yesterday = AFTER + timedelta(hours=3)
    events = burst(SOURCE, yesterday, 30, timedelta(minutes=30))
    now = yesterday + timedelta(days=1)
    assert [detector.observe(e, now=now) for e in events] == [None] * 30
    assert detector.alerting == [SOURCE]
    assert detector.tick(SOURCE, now + timedelta(hours=3)) is None
    assert detector.alerting == []


def test_an_event_from_the_future_is_taken_as_now(detector):
    now = AFTER + timedelta(hours=9)
    detector.observe(WaveEvent(SOURCE, now + timedelta(hours=5), True, "p"), now=now)
    core = detector.core(SOURCE)
    assert core is not None and core.clock == int(now.timestamp() * 1_000_000)


def test_other_interactions_do_not_count(detector):
    at = AFTER + timedelta(hours=3)
    praise = [WaveEvent(SOURCE, at + timedelta(seconds=10 * i), False, "p", "Спасибо! 🙏")
              for i in range(40)]
    assert [o for o in observe_all(detector, praise) if o] == []
    core = detector.core(SOURCE)
    assert core is not None
    minute = int(at.timestamp()) // 60
    assert core.count(minute, minute + 10) == 0


def test_a_lasting_rise_becomes_the_new_normal():
    """A Page three times as busy for good: alerted (it is news), then learned. Within a
    few days it raises no more alerts, and every alert was closed by an all-clear."""
    source = "facebook:growing"
    detector = WaveDetector()
    before = usual(source, 10, days=14, seed=8)
    after = usual(source, 30, days=10, start=MONDAY + timedelta(days=14), seed=9)
    seen = run(detector, in_order(before + after), until=MONDAY + timedelta(days=24))
    raised = [at for at, o in seen if isinstance(o, WaveAlert)]
    assert 1 <= len(raised) <= 3
    assert all(at < MONDAY + timedelta(days=18) for at in raised)
    assert len(all_clears(seen)) == len(raised)
