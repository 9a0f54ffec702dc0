"""The store's compact layout on a real Redis: it stays in Redis' small encodings with
default settings, concurrent writers keep the record index and the timelines in step,
items of kinds and modules without a letter are kept and filtered by name, and what the
layout cannot hold is refused rather than mangled."""

from __future__ import annotations

import json
import random
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import redis

from tests.feed_api.conftest import as_served
from workers import feed, feed_changes
from workers.feed_codec import NO_CODE, POSITIONS, api_item, element, record_of
from workers.feed_items import FeedItem, Kind, version_of

NOON = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def item(module: str = "Calls", kind: Kind = "call", *, at: datetime = NOON,
         record_id: str | None = None, title: str = "Follow-up", **more: object) -> FeedItem:
    return FeedItem(kind=kind, module=module, record_id=record_id or str(uuid.uuid4()),
                    version=version_of(at), title=title, occurred_at=at,
                    **more)  # type: ignore[arg-type]


def consistent(client: redis.Redis) -> dict[str, set[str]]:
    """Every record a timeline holds names that rep as a holder, and every holder the
    index names holds the record: the record -> holders map, checked both ways."""
    held: dict[str, set[str]] = {}
    for raw in client.smembers(feed.LIVE.users):
        user = raw.decode()
        refs = [record_of(e) for e in client.lrange(feed.LIVE.timeline(user), 0, -1)]
        assert len(refs) == len(set(refs)), f"{user} holds a record twice"
        for module, record_id in refs:
            held.setdefault(f"{module}/{record_id}", set()).add(user)
    for ref, users in held.items():
        module, _, record_id = ref.partition("/")
        assert set(feed.holders(client, module, record_id)) == users, ref
    assert sum(client.hlen(key) for key in feed.LIVE.index_keys()) == len(held)
    return held


def test_full_timelines_shared_by_reps_with_long_ids_keep_small_encodings(redis_client):
    reps = [str(uuid.uuid4()) for _ in range(3)]  # SuiteCRM user ids are UUIDs
    for n in range(780):  # each item to two of them: 520 each, 20 past the bound
        entry = item(at=NOON + timedelta(minutes=n), summary="Жду уже неделю 😡",
                     related=(f"Accounts:{uuid.uuid4()}", f"Contacts:{uuid.uuid4()}"))
        audience = [reps[n % 3], reps[(n + 1) % 3]]
        assert feed.publish(redis_client, entry, audience) == "published"
    buckets = [key for key in feed.LIVE.index_keys() if redis_client.exists(key)]
    assert {redis_client.object("encoding", key) for key in buckets} <= {b"listpack",
                                                                          b"ziplist"}
    for rep in reps:
        assert redis_client.object("encoding", feed.LIVE.timeline(rep)) == b"quicklist"
        assert redis_client.llen(feed.LIVE.timeline(rep)) == 500
    assert len(consistent(redis_client)) > 500


def test_concurrent_writers_keep_the_index_and_the_timelines_in_step(redis_client,
                                                                      redis_url):
    reps, records = ["u1", "u2", "u3"], [str(uuid.uuid4()) for _ in range(120)]
    errors: list[BaseException] = []

    def writer(seed: int) -> None:
        rng, client = random.Random(seed), redis.Redis.from_url(redis_url)
        try:
            for step in range(150):
                record = rng.choice(records)
                if rng.random() < 0.1:
                    feed.remove(client, "Calls", record)
                    continue
                at = NOON + timedelta(minutes=rng.randrange(300))
                entry = item(record_id=record, at=at, title=f"v{seed}.{step}")
                feed.publish(client, entry, rng.sample(reps, rng.choice((1, 2, 3))),
                             max_items=12)
        except BaseException as exc:  # reported by the test thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    held = consistent(redis_client)
    assert held and all(redis_client.llen(feed.LIVE.timeline(r)) <= 12 for r in reps)


def test_kinds_and_modules_without_a_letter_are_kept_by_name(redis_client):
    document = item("Documents", "crm_change", summary="Contract v2",
                    related=("Accounts:acc-1",))
    assert element(document)[35] == NO_CODE  # Documents has no letter: named in the JSON
    feed.publish(redis_client, document, ["u1"])
    # a note stored while "note" had no letter (as an older writer would have stored it)
    note = item("Notes", "note", at=NOON + timedelta(minutes=1))
    lettered = element(note)
    values = json.loads(lettered[lettered.index("["):])
    values += [""] * (len(POSITIONS) - len(values))
    values[POSITIONS.index("kind")] = "note"
    unlettered = lettered[:34] + NO_CODE + lettered[35:36] + json.dumps(values)
    redis_client.lpush(feed.LIVE.timeline("u1"), unlettered)

    assert [i.id for i in feed.timeline(redis_client, "u1", kinds=["note"]).items] \
        == [note.id]
    assert [i.id for i in feed.timeline(redis_client, "u1", kinds=["crm_change"]).items] \
        == [document.id]
    found = feed.timeline(redis_client, "u1", record=f"Documents:{document.record_id}")
    assert found.items == (document,)
    assert feed.timeline(redis_client, "u1", record="Accounts:acc-1").items == (document,)
    served = [json.loads(api_item(e[1])) for e in feed.stored_page(redis_client, "u1").entries]
    assert served == [as_served(note), as_served(document)]


def test_versions_apart_from_the_time_and_old_times_read_back_exactly(redis_client):
    early = item(at=datetime(1975, 3, 1, 8, 30, 15, tzinfo=UTC))
    later_version = FeedItem(kind="interaction", module="SCRM_SocialInteractions",
                             record_id="r-1", version="20261122T120500Z",
                             title="Où est ma commande ? 📦", occurred_at=NOON,
                             network="facebook", sentiment="negative")
    earlier_version = FeedItem(kind="interaction", module="SCRM_SocialInteractions",
                               record_id="r-2", version="20261122T115000Z",
                               title="Posted, then edited back", occurred_at=NOON)
    for entry in (early, later_version, earlier_version):
        feed.publish(redis_client, entry, ["u1"])
    assert set(feed.timeline(redis_client, "u1").items) == {early, later_version,
                                                          earlier_version}
    assert feed.held_version(redis_client, "SCRM_SocialInteractions", "r-1") \
        == "20261122T120500Z"
    token = feed_changes.current_token(redis_client, "u1")
    feed.remove(redis_client, "SCRM_SocialInteractions", "r-2")
    (gone,) = feed_changes.changes_since(redis_client, "u1", token).tombstones
    assert (gone.record_id, gone.item_id, gone.reason) == ("r-2", earlier_version.id,
                                                           "deleted")


def test_what_the_layout_cannot_hold_is_refused(redis_client):
    with pytest.raises(ValueError, match="1970"):
        feed.publish(redis_client, item(at=datetime(1969, 12, 31, tzinfo=UTC)), ["u1"])
    with pytest.raises(feed.CursorError):
        feed.timeline(redis_client, "u1", before_cursor="999999999999999-" + "0" * 24)
    assert not redis_client.exists(feed.LIVE.timeline("u1"))


def test_repetitions_left_out_of_the_stored_item_come_back(redis_client):
    comment = "Где мой заказ? 😡 " * 12  # a comment without a subject: its text is the title
    account, contact = f"Accounts:{uuid.uuid4()}", f"Contacts:{uuid.uuid4()}"
    odd = ("Documents:d-1", "X:one-letter", "-dash:1")  # no letter, or one that must not be
    entry = FeedItem(kind="interaction", module="SCRM_SocialInteractions",
                     record_id=str(uuid.uuid4()), version="20261122T120000Z",
                     title=comment, summary=comment, occurred_at=NOON, network="facebook",
                     related=(account, contact, *odd))
    short = FeedItem(kind="interaction", module="SCRM_SocialInteractions",
                     record_id=str(uuid.uuid4()), version="20261122T115900Z", title="Спасибо! 👍🏽",
                     summary="Спасибо! 👍🏽", occurred_at=NOON - timedelta(minutes=1))
    for cut in (entry, short):  # the title is all of the summary, or its start and "…"
        stored = element(cut)
        assert stored.count(cut.title.removesuffix("…")) == 1, stored
    assert "Accounts" not in element(entry)  # a related record of a module with a letter
    feed.publish(redis_client, entry, ["u1"])
    feed.publish(redis_client, short, ["u1"])
    assert feed.timeline(redis_client, "u1").items == (entry, short)
    served = [json.loads(api_item(e[1])) for e in feed.stored_page(redis_client, "u1").entries]
    # The API answers without a summary that is the title (the short one)
    assert served == [as_served(entry), as_served(short)]
    assert "summary" in served[0] and "summary" not in served[1]
    for reference in (account, contact, "Documents:d-1", "X:one-letter"):
        assert feed.timeline(redis_client, "u1", record=reference).items == (entry,)
    assert feed.timeline(redis_client, "u1", record="Accounts:d-1").items == ()
