"""Watermarks in the real Redis: they move forward only, by compare-and-set, with their
memory in the same step."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import redis

from workers import watermarks
from workers.watermarks import StreamKey

STREAM = StreamKey("facebook", "104200000000001", "comments")
T0 = datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)


def test_a_stream_never_read_has_no_time_and_reads_from_the_beginning(
        redis_client: redis.Redis):
    mark = watermarks.load(redis_client, STREAM)
    assert (mark.time, mark.version, dict(mark.cursor)) == (None, 0, {})
    assert mark.read_from() is None


def test_a_move_is_stored_exactly_with_its_cursor_and_memory(redis_client: redis.Redis):
    mark = watermarks.load(redis_client, STREAM)
    outcome = watermarks.advance(redis_client, mark, T0, cursor={"forms": ["7001"]},
                                 remember={"post-1": "4:1", "post-2": "0:0"})
    assert outcome == "moved"
    again = watermarks.load(redis_client, STREAM)
    assert (again.time, again.version, dict(again.cursor)) == (T0, 1, {"forms": ["7001"]})
    assert again.read_from(timedelta(minutes=10)) == T0 - timedelta(minutes=10)
    assert watermarks.memory(redis_client, STREAM) == {"post-1": "4:1", "post-2": "0:0"}


def test_memory_fields_are_set_and_forgotten_in_the_same_move(redis_client: redis.Redis):
    first = watermarks.load(redis_client, STREAM)
    watermarks.advance(redis_client, first, T0, remember={"a": "1:0", "b": "2:0"})
    second = watermarks.load(redis_client, STREAM)
    watermarks.advance(redis_client, second, T0 + timedelta(minutes=5),
                       remember={"a": "3:1"}, forget=["b"])
    assert watermarks.memory(redis_client, STREAM) == {"a": "3:1"}


def test_a_poller_that_started_from_an_older_version_loses_and_changes_nothing(
        redis_client: redis.Redis):
    slow = watermarks.load(redis_client, STREAM)
    fast = watermarks.load(redis_client, STREAM)
    assert watermarks.advance(redis_client, fast, T0 + timedelta(minutes=5),
                              remember={"a": "new"}) == "moved"
    assert watermarks.advance(redis_client, slow, T0, remember={"a": "old"}) == "lost"
    stored = watermarks.load(redis_client, STREAM)
    assert (stored.time, stored.version) == (T0 + timedelta(minutes=5), 1)
    assert watermarks.memory(redis_client, STREAM) == {"a": "new"}


def test_a_watermark_never_moves_backwards(redis_client: redis.Redis):
    watermarks.advance(redis_client, watermarks.load(redis_client, STREAM), T0)
    current = watermarks.load(redis_client, STREAM)
    assert watermarks.advance(redis_client, current, T0 - timedelta(seconds=1)) == "backwards"
    assert watermarks.load(redis_client, STREAM).time == T0


def test_many_pollers_racing_end_on_the_latest_time_they_stored(
        redis_client: redis.Redis, redis_url: str):
    start = threading.Barrier(8)
    outcomes: list[tuple[str, datetime]] = []

    def poller(offset: int) -> None:
        own = redis.Redis.from_url(redis_url)
        start.wait()
        for step in range(20):
            mark = watermarks.load(own, STREAM)
            when = T0 + timedelta(seconds=step * 10 + offset)
            outcomes.append((watermarks.advance(own, mark, when), when))

    threads = [threading.Thread(target=poller, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    moved = [when for outcome, when in outcomes if outcome == "moved"]
    final = watermarks.load(redis_client, STREAM)
    assert final.version == len(moved)  # one version per successful move, no lost update
    assert final.time == max(moved)  # the last success was the latest: never backwards


def test_naive_times_and_negative_overlaps_are_refused(redis_client: redis.Redis):
    mark = watermarks.load(redis_client, STREAM)
    with pytest.raises(ValueError, match="timezone-aware"):
        watermarks.advance(redis_client, mark, datetime(2026, 3, 1, 12, 0))
    with pytest.raises(ValueError, match="negative"):
        watermarks.Watermark(STREAM, time=T0).read_from(timedelta(minutes=-1))
