"""The replay guard for SuiteCRM change events, against a real Redis server."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
import redis

from plugin.crm_events import CrmEvent, CrmNotice
from workers.seen_events import (
    KEY_PREFIX,
    first_sighting,
    forget_sighting,
    new_events,
    remember_seconds,
)

EVENT_ID = "0b7cf4b4-9a57-4d4e-8f3a-2a1d6c1b9e11"


def event(event_id: str) -> CrmEvent:
    return CrmEvent(event_id=event_id, module="Calls", record_id="c-1", action="update",
                    changed_fields=("status",), assigned_user_id=None, modified_user_id="1",
                    occurred_at=datetime(2026, 12, 7, tzinfo=UTC))


def test_an_event_id_is_new_once_then_a_replay(redis_client: redis.Redis) -> None:
    assert first_sighting(redis_client, EVENT_ID) is True
    assert first_sighting(redis_client, EVENT_ID) is False
    assert first_sighting(redis_client, EVENT_ID.replace("0b7c", "1b7c")) is True


def test_an_id_is_kept_longer_than_any_replay_could_pass_the_time_check(
        redis_client: redis.Redis) -> None:
    """A notice stamped T passes from T - 5 min to T + 5 min: ten minutes apart at most."""
    first_sighting(redis_client, EVENT_ID)
    ttl = redis_client.ttl(KEY_PREFIX + EVENT_ID)
    assert 600 < ttl <= remember_seconds() == 660
    first_sighting(redis_client, "wide", tolerance_seconds=3600)
    assert 7200 < redis_client.ttl(KEY_PREFIX + "wide") <= 7260
    with pytest.raises(ValueError, match="at least one second"):
        first_sighting(redis_client, "x", tolerance_seconds=0)


def test_an_expired_id_is_new_again(redis_client: redis.Redis) -> None:
    first_sighting(redis_client, EVENT_ID)
    redis_client.pexpire(KEY_PREFIX + EVENT_ID, 1)
    deadline = time.monotonic() + 5
    while redis_client.exists(KEY_PREFIX + EVENT_ID) and time.monotonic() < deadline:
        time.sleep(0.005)
    assert first_sighting(redis_client, EVENT_ID) is True


def test_of_many_processes_racing_for_one_id_exactly_one_wins(redis_url: str,
                                                                 redis_client: redis.Redis) -> None:
    results: list[bool] = []
    lock = threading.Lock()
    start = threading.Barrier(16)

    def race() -> None:
        own = redis.Redis.from_url(redis_url)  # one connection each, like separate processes
        start.wait()
        won = first_sighting(own, EVENT_ID)
        own.close()
        with lock:
            results.append(won)

    threads = [threading.Thread(target=race) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(results) == [False] * 15 + [True]


def test_new_events_keeps_the_order_and_drops_seen_and_repeated_ids(
        redis_client: redis.Redis) -> None:
    ids = [f"00000000-0000-4000-8000-00000000000{n}" for n in range(4)]
    first_sighting(redis_client, ids[1])
    notice = CrmNotice(schema=2, notice_id="n", unsent=0,
                       events=(event(ids[0]), event(ids[1]), event(ids[2]), event(ids[0]),
                               event(ids[3])))
    assert [e.event_id for e in new_events(redis_client, notice)] == [ids[0], ids[2], ids[3]]
    assert new_events(redis_client, notice) == (), "the whole notice replayed"


def test_a_forgotten_sighting_is_new_again(redis_client: redis.Redis) -> None:
    first_sighting(redis_client, EVENT_ID)
    forget_sighting(redis_client, EVENT_ID)
    assert first_sighting(redis_client, EVENT_ID) is True


@pytest.mark.parametrize("bad", ["", "x" * 101])
def test_an_empty_or_oversized_id_is_refused(redis_client: redis.Redis, bad: str) -> None:
    with pytest.raises(ValueError, match="1 to 100 characters"):
        first_sighting(redis_client, bad)
    assert redis_client.dbsize() == 0
