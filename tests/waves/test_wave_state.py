"""The wave detector's state in a real Redis: it decides as the in-memory detector does, and
workers observing one source at once raise one alert per wave."""

from __future__ import annotations

import multiprocessing
from datetime import timedelta
from typing import Any

import pytest
import redis

from plugin.waves import AllClear, WaveAlert, WaveConfig, WaveDetector, WaveEvent
from plugin.waves.synthetic import InjectedWave, deliveries
from tests.waves.replays import MONDAY, burst, in_order, replay, run, usual
from workers import wave_state

SHOP, BAKERY = "facebook:shop", "facebook:bakery"
CONFIGS = {SHOP: WaveConfig(), BAKERY: WaveConfig(zone="Europe/Berlin", windows=(20, 60))}
NIGHT = MONDAY + timedelta(days=2, hours=3)  # after a day's warm-up, at 3 am


def through_redis(client: redis.Redis, pairs: list[tuple[Any, WaveEvent]], until: Any = None):
    return replay(pairs,
                  lambda e, at: wave_state.observe(client, e, CONFIGS[e.source], now=at),
                  lambda s, at: wave_state.check(client, s, at, CONFIGS[s]),
                  lambda: wave_state.alerting_sources(client), until=until)


def warm(client: redis.Redis, source: str = SHOP) -> None:
    """Two quiet days of ``source`` stored in Redis."""
    assert through_redis(client, in_order(usual(source, 2, days=2, seed=3))) == []


def test_redis_and_memory_decide_alike(redis_client):
    """Nine days of two sources with waves, delivered out of order, through both: the
    same alerts and all-clears, at the same moments, with the same contents."""
    waves = [InjectedWave(SHOP, MONDAY + timedelta(days=8, hours=14), timedelta(hours=1), 10,
                          "shop-viral"),
             InjectedWave(BAKERY, MONDAY + timedelta(days=8, hours=9), timedelta(hours=2), 10,
                          "bakery-viral")]
    events = (usual(SHOP, 6, days=9, waves=waves, seed=4)
              + usual(BAKERY, 4, days=9, waves=waves, zone="Europe/Berlin", seed=5)
              + burst(SHOP, waves[0].start + timedelta(minutes=20), 6, timedelta(minutes=10),
                      thread="留言", text="退款到现在还没到账 🇨🇳", language=None, reach=None))
    pairs = deliveries(events, timedelta(minutes=5), seed=6)
    until = MONDAY + timedelta(days=9, hours=6)
    detector = WaveDetector(per_source=CONFIGS)
    in_memory = run(detector, pairs, until=until)
    stored = through_redis(redis_client, pairs, until=until)
    assert [type(o) for _, o in in_memory] == [WaveAlert, AllClear, WaveAlert, AllClear]
    assert [(at, o.as_dict()) for at, o in stored] == [(at, o.as_dict()) for at, o in in_memory]
    for source in (SHOP, BAKERY):
        assert wave_state.load_core(redis_client, source) == detector.core(source)
    shop_clear = next(o for _, o in stored if isinstance(o, AllClear) and o.source == SHOP)
    assert [p.sample for p in shop_clear.tally.top_posts if p.thread_id == "留言"] == \
        ["退款到现在还没到账 🇨🇳"]
    assert dict(shop_clear.tally.languages)["und"] == 6


def _observe_together(url: str, events: list[WaveEvent], start: Any, results: Any) -> None:
    """One worker: wait for the others, then observe its share of the events."""
    client = redis.Redis.from_url(url)
    start.wait()
    outcomes = [wave_state.observe(client, e, CONFIGS[e.source], now=e.occurred_at)
                for e in events]
    results.put([o.as_dict() for o in outcomes if o is not None])
    client.close()


@pytest.mark.parametrize("workers", [2, 4])
def test_workers_observing_one_wave_at_once_raise_one_alert(redis_client, redis_url, workers):
    warm(redis_client)
    events = burst(SHOP, NIGHT, 40, timedelta(seconds=40))
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(workers), context.Queue()
    processes = [context.Process(target=_observe_together,
                                 args=(redis_url, events[i::workers], start, results))
                 for i in range(workers)]
    for process in processes:
        process.start()
    outcomes = [item for _ in processes for item in results.get(timeout=120)]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    assert [o["kind"] for o in outcomes] == ["wave_alert"]
    core = wave_state.load_core(redis_client, SHOP)
    assert core is not None and core.wave is not None
    assert core.wave.negatives == 40  # every event counted once, none lost
    keys = wave_state.SourceKeys(SHOP)
    assert sum(score for _, score in redis_client.zrange(keys.wave_posts, 0, -1,
                                                         withscores=True)) \
        == 40 - outcomes[0]["count"] + outcomes[0]["top_posts"][0]["negatives"]


def test_a_check_ends_the_wave_when_nothing_more_comes(redis_client):
    warm(redis_client)
    events = burst(SHOP, NIGHT, 12, timedelta(minutes=5), text="Где мой заказ? Жду 😡")
    outcomes = [wave_state.observe(redis_client, e, now=e.occurred_at) for e in events]
    (alert,) = [o for o in outcomes if o is not None]
    assert isinstance(alert, WaveAlert) and alert.count == 10
    assert alert.tally.top_posts[0].sample == "Где мой заказ? Жду 😡"
    assert wave_state.alerting_sources(redis_client) == [SHOP]
    assert wave_state.check(redis_client, SHOP, NIGHT + timedelta(minutes=30)) is None
    clear = wave_state.check(redis_client, SHOP, NIGHT + timedelta(hours=3))
    assert isinstance(clear, AllClear) and clear.negatives == 12
    assert clear.tally.top_posts[0].negatives == 12
    assert wave_state.alerting_sources(redis_client) == []
    keys = wave_state.SourceKeys(SHOP)
    assert redis_client.exists(keys.wave_posts, keys.wave_samples, keys.wave_info) == 0
    assert wave_state.check(redis_client, SHOP, NIGHT + timedelta(hours=4)) is None


def test_a_check_of_an_unknown_source_stores_nothing(redis_client):
    assert wave_state.check(redis_client, "facebook:nobody", NIGHT) is None
    assert redis_client.keys("socialcrm:waves:*") == []


def test_minute_details_go_when_their_hour_is_learned_and_keys_expire(redis_client):
    keys = wave_state.SourceKeys(SHOP)
    first = WaveEvent(SHOP, NIGHT, True, "post", "Ужасно")
    wave_state.observe(redis_client, first)
    minute_key = keys.minute(int(NIGHT.timestamp()) // 60)
    assert redis_client.hgetall(minute_key)[b"x:post"].decode() == "Ужасно"
    assert 0 < redis_client.ttl(minute_key) <= wave_state.DETAIL_TTL
    assert 0 < redis_client.ttl(keys.core) <= wave_state.STATE_TTL
    wave_state.observe(redis_client, WaveEvent(SHOP, NIGHT + timedelta(hours=3), True, "p"))
    assert not redis_client.exists(minute_key)


def test_reset_forgets_a_source(redis_client):
    warm(redis_client)
    for event in burst(SHOP, NIGHT, 12, timedelta(minutes=5)):
        wave_state.observe(redis_client, event)
    assert wave_state.alerting_sources(redis_client) == [SHOP]
    wave_state.reset(redis_client, SHOP)
    assert redis_client.keys("socialcrm:waves:*") == []
    assert wave_state.load_core(redis_client, SHOP) is None
