"""The update store on a real Redis, and the rules it relies on: edit plans, stored text
lengths, record ids derived from updates."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import UTC, datetime

import redis

from workers.updates.ids import record_id
from workers.updates.merge import plan_edit
from workers.updates.model import Applied, Failed
from workers.updates.store import (
    DEFAULT_TTL_SECONDS,
    Submission,
    UpdateStore,
    index_key,
    update_key,
)
from workers.updates.text import fit, stored_length

NOTE = {"subject": "Ж", "text": "t", "parent": {"module": "Contacts", "id": "1"}}


def submit(store: UpdateStore, key: str, body: Mapping[str, object],
           user: str = "u1") -> Submission:
    return store.submit(user_id=user, idempotency_key=key, body={"type": "add_note", **body},
                        update_type="add_note", fields=body)


def test_keys_live_seven_days_and_updates_as_long_after_their_last_change(
        redis_client: redis.Redis) -> None:
    store = UpdateStore(redis_client)
    update = submit(store, "k1", NOTE).update
    assert 0 < redis_client.ttl(index_key("u1", "k1")) <= DEFAULT_TTL_SECONDS
    assert DEFAULT_TTL_SECONDS == 7 * 24 * 3600
    redis_client.expire(update_key(update.id), 60)
    assert store.finish(update, Applied("Notes", "n1"))
    assert redis_client.ttl(update_key(update.id)) > 60, "finishing keeps it readable"
    assert store.pending("u1") == []


def test_an_update_is_finished_once(redis_client: redis.Redis) -> None:
    store = UpdateStore(redis_client)
    update = submit(store, "k1", NOTE).update
    assert store.finish(update, Applied("Notes", "n1"))
    assert not store.finish(update, Failed("too late"))
    stored = store.get(update.id)
    assert stored is not None and (stored.status, stored.result) == (
        "applied", {"module": "Notes", "record_id": "n1"})


def test_fifty_concurrent_submissions_of_one_key_make_one_update(redis_url: str,
                                                                 redis_client: redis.Redis
                                                                 ) -> None:
    outcomes: list[str] = []
    ids: set[str] = set()
    start = threading.Barrier(50)

    def send() -> None:
        store = UpdateStore(redis.Redis.from_url(redis_url))
        start.wait()
        submission = submit(store, "same", NOTE)
        outcomes.append(submission.outcome)
        ids.add(submission.update.id)

    threads = [threading.Thread(target=send) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["accepted"] + ["replayed"] * 49
    assert len(ids) == 1
    assert UpdateStore(redis_client).pending("u1") == list(ids)


def test_a_key_whose_update_vanished_is_free_again(redis_client: redis.Redis) -> None:
    store = UpdateStore(redis_client)
    first = submit(store, "k", NOTE).update
    redis_client.delete(update_key(first.id))
    second = submit(store, "k", {**NOTE, "text": "other"})
    assert second.outcome == "accepted" and second.update.id != first.id


def test_the_body_decides_replay_or_mismatch(redis_client: redis.Redis) -> None:
    store = UpdateStore(redis_client)
    first = submit(store, "k", NOTE)
    assert submit(store, "k", dict(reversed(list(NOTE.items())))).outcome == "replayed"
    mismatch = submit(store, "k", {**NOTE, "text": "other"})
    assert (mismatch.outcome, mismatch.update.id) == ("mismatch", first.update.id)
    assert submit(store, "k", NOTE, user="u2").outcome == "accepted", "keys are per rep"


def test_an_edit_plan_merges_untouched_fields_and_stops_on_a_real_conflict() -> None:
    server = {"sales_stage": "Closed Lost", "amount": "5000.000000", "date_closed": "2026-09-30"}
    wanted = {"amount": "5200", "date_closed": "2026-10-31"}
    merged = plan_edit(wanted, server, base={"amount": "5000"}, base_modified=None,
                       server_modified=None)
    assert (dict(merged.writes), merged.conflicts) == (wanted, ())
    clash = plan_edit({"sales_stage": "Qualification", "amount": "6000"}, server,
                      base={"sales_stage": "Prospecting", "amount": 5000},
                      base_modified=None, server_modified=None)
    assert (dict(clash.writes), clash.conflicts) == ({}, ("sales_stage",))
    done = plan_edit({"sales_stage": "Closed Lost"}, server, base={"sales_stage": "New"},
                     base_modified=None, server_modified=None)
    assert (dict(done.writes), done.conflicts) == ({}, ()), "already so: nothing to write"


def test_date_modified_counts_to_the_minute() -> None:
    base = datetime(2026, 3, 1, 10, 0, 40, tzinfo=UTC)
    same_minute = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    later = datetime(2026, 3, 1, 10, 1, tzinfo=UTC)
    for server_modified, conflicts in ((same_minute, ()), (later, ("title",))):
        plan = plan_edit({"title": "CEO"}, {"title": "CTO"}, base={}, base_modified=base,
                         server_modified=server_modified)
        assert plan.conflicts == conflicts


def test_stored_length_counts_the_text_guard_s_escapes() -> None:
    assert stored_length("Привет 你好") == 9
    assert stored_length("👍") == len("\\u{1F44D}") == 9
    assert stored_length("\U0010FFFF") == 10
    assert stored_length("👍🏽") == 18
    cut = fit("Отличный отзыв 👍🏽 " * 10, 40)
    assert stored_length(cut) <= 40 and cut.endswith("…")
    assert fit("ab👍🏽", 15) == "ab…", "👍 alone would fit, but never without its tone"
    assert fit("ab👍🏽", 20) == "ab👍🏽"
    assert fit("short  text\n", 40) == "short text"


def test_record_ids_derive_from_the_update_and_module() -> None:
    assert record_id("u-1", "Notes") == record_id("u-1", "Notes")
    assert len({record_id("u-1", "Notes"), record_id("u-2", "Notes"),
                record_id("u-1", "Calls")}) == 3
    assert len(record_id("u-1", "Notes")) == 36
