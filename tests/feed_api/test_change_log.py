"""The change log under the feed store, on a real Redis: an app that applies every delta
it is given holds exactly the timeline, whatever happened in between (the log never
misses nor invents a change); republishing changes nothing; a rebuild's keys keep no log;
a feed kept in the store's first layout moves into this one."""

from __future__ import annotations

import json
import random
from datetime import timedelta

import pytest

from tests.feed_api.conftest import NOON, as_served, item
from workers import feed, feed_changes
from workers.feed_codec import api_item, record_of
from workers.feed_items import FeedItem
from workers.feed_upgrade import upgrade_layout

REPS = ("u1", "u2", "u3")


class App:
    """What an offline app keeps of its rep's feed: record -> item id, synced by deltas."""

    def __init__(self, client, user: str) -> None:
        self.client, self.user = client, user
        self.deltas = self.resyncs = 0
        self.resync()

    def resync(self) -> None:
        """Token first, then the feed: what changes meanwhile comes again in the delta."""
        self.token = feed_changes.current_token(self.client, self.user)
        self.copy = {f"{i.module}/{i.record_id}": i.id for i in whole(self.client, self.user)}

    def sync(self, limit: int) -> None:
        while True:
            try:
                delta = feed_changes.changes_since(self.client, self.user, self.token, limit)
            except feed_changes.TokenExpired:  # away too long: resync, as the API says
                self.resyncs += 1
                self.resync()
                return
            self.deltas += 1
            for gone in delta.tombstones:
                self.copy.pop(f"{gone.module}/{gone.record_id}", None)
            for item_id, data in delta.items:
                module, record_id = record_of(data)
                self.copy[f"{module}/{record_id}"] = item_id.decode()
            self.token = delta.next_token
            if not delta.more:
                return


def recent(records: dict[str, tuple[int, list[str]]], rng: random.Random) -> str:
    """Mostly a record the timelines still hold (the last ones created)."""
    return rng.choice(list(records)[-20:])


def whole(client, user: str) -> list[FeedItem]:
    return list(feed.timeline(client, user, limit=100).items)


def test_an_app_applying_each_delta_holds_exactly_the_timeline(redis_client):
    rng = random.Random(1906)
    records: dict[str, tuple[int, list[str]]] = {}  # record id -> (minute, audience)
    apps: dict[str, App] = {}
    for step in range(600):
        action = rng.random()
        if action < 0.45 or not records:  # a new record for one or two reps
            record = f"r{step}"
            records[record] = (step, rng.sample(REPS, rng.choice((1, 1, 2))))
        elif action < 0.7:  # a newer version, maybe for another audience (reassigned)
            record = recent(records, rng)
            audience = records[record][1] if rng.random() < 0.6 else rng.sample(REPS, 1)
            records[record] = (step, audience)
        elif action < 0.85:  # deleted in SuiteCRM
            record = recent(records, rng)
            del records[record]
            feed.remove(redis_client, "Calls", record)
            continue
        else:  # an old version arriving late: refused, changes nothing
            record = rng.choice(sorted(records))
            stale = item(record_id=record, at=NOON, modified=NOON - timedelta(days=1))
            assert feed.publish(redis_client, stale, records[record][1], max_items=12) \
                in ("stale", "published")
            continue
        minute, audience = records[record]
        at = NOON + timedelta(minutes=minute + rng.choice((0, 0, 0, -300)))  # some land low
        version = NOON + timedelta(minutes=step)
        feed.publish(redis_client, item(record_id=record, at=at, modified=version,
                                        title=f"v{step}"), audience, max_items=12)
        user = rng.choice(REPS)
        if user not in apps and rng.random() < 0.2:
            apps[user] = App(redis_client, user)  # an app installed midway
        elif user in apps and rng.random() < 0.3:
            apps[user].sync(limit=rng.choice((1, 3, 50)))
            assert apps[user].copy == {f"{i.module}/{i.record_id}": i.id
                                       for i in whole(redis_client, user)}
    assert set(apps) == set(REPS)
    assert sum(app.deltas for app in apps.values()) > 10 * sum(a.resyncs for a in apps.values())
    for user, app in apps.items():
        app.sync(limit=7)
        assert app.copy == {f"{i.module}/{i.record_id}": i.id
                            for i in whole(redis_client, user)}


def test_republishing_what_the_timeline_holds_logs_nothing(redis_client):
    entry = item(title="客户投诉 😡")
    feed.publish(redis_client, entry, ["u1"])
    token = feed_changes.current_token(redis_client, "u1")
    feed.publish(redis_client, FeedItem.from_json(entry.to_json()), ["u1"])
    delta = feed_changes.changes_since(redis_client, "u1", token)
    assert delta.items == () and delta.tombstones == () and delta.next_token == token
    retitled = FeedItem.from_json(entry.to_json().replace("客户投诉", "客户表扬"))
    feed.publish(redis_client, retitled, ["u1"])  # same version read again, other text
    (changed,) = feed_changes.changes_since(redis_client, "u1", token).items
    assert json.loads(api_item(changed[1]))["title"] == "客户表扬 😡"


def test_a_rebuilds_fresh_keys_keep_no_change_log(redis_client):
    token = "t" * 32
    redis_client.hset(feed.REBUILDS_KEY, token, json.dumps({"scope": None, "until": 4e9}))
    keys = feed.rebuild_keys(token)
    assert feed.publish_to(redis_client, keys, item(), ["u1"], max_items=1) == "published"
    assert feed.publish_to(redis_client, keys, item(), ["u1"], max_items=1) == "published"
    assert redis_client.llen(keys.timeline("u1")) == 1
    assert not redis_client.exists(keys.changes("u1"), feed.LIVE.changes("u1"))


def test_a_log_that_was_lost_makes_older_tokens_gone(redis_client):
    feed.publish(redis_client, item(), ["u1"])
    token = feed_changes.current_token(redis_client, "u1")
    feed.publish(redis_client, item(at=NOON + timedelta(minutes=1)), ["u1"])
    redis_client.delete(feed.LIVE.changes("u1"))
    with pytest.raises(feed_changes.TokenExpired) as gone:
        feed_changes.changes_since(redis_client, "u1", token)
    assert gone.value.reason == "unknown"


def test_a_feed_kept_in_the_first_layout_moves_into_this_one(redis_client):
    mine = item(title="Старый формат 📦", summary="still here")
    shared = item(at=NOON + timedelta(minutes=1), title="共享 👍🏽", related=("Accounts:a-1",))
    first = feed.PREFIX  # the first layout: per rep a sorted set of ids and a hash of JSON
    for user, entries in (("u1", [mine, shared]), ("u2", [shared])):
        for entry in entries:
            redis_client.zadd(f"{first}tl:{user}", {entry.id: entry.score})
            redis_client.hset(f"{first}recs:{user}", f"Calls/{entry.record_id}",
                              f"{entry.version} {entry.id}")
        redis_client.sadd(feed.LIVE.users, user)
    redis_client.hset(f"{first}items:u1", mine.id, mine.to_json())  # id and ref inside
    compact = {k: v for k, v in shared.to_dict().items() if k not in ("id", "ref")}
    for user in ("u1", "u2"):  # the compact form of the first layout
        redis_client.hset(f"{first}items:{user}", shared.id,
                          json.dumps(compact, ensure_ascii=False, separators=(",", ":")))
    redis_client.hset(f"{first}holders", mapping={f"Calls/{mine.record_id}": f"{mine.version} u1",
                                                  f"Calls/{shared.record_id}":
                                                  f"{shared.version} u1 u2"})
    redis_client.xadd(f"{first}log:u1", {"+": mine.id})
    old_token = "1.1765000000000-0"  # a token of the first layout names a stream entry

    assert upgrade_layout(redis_client) == 2
    assert feed.timeline(redis_client, "u1").items == (shared, mine)
    assert feed.timeline(redis_client, "u2").items == (shared,)
    assert sorted(feed.holders(redis_client, "Calls", shared.record_id)) == ["u1", "u2"]
    served = [json.loads(api_item(e[1])) for e in feed.stored_page(redis_client, "u1").entries]
    assert served == [as_served(shared), as_served(mine)]
    assert not [k for k in redis_client.scan_iter(match=f"{first}*")
                if k.decode().removeprefix(first).startswith(("tl:", "items:", "recs:", "log",
                                                               "holders"))]
    with pytest.raises(feed_changes.TokenExpired):
        feed_changes.changes_since(redis_client, "u1", old_token)
    assert upgrade_layout(redis_client) == 0  # nothing left to move
    assert feed.timeline(redis_client, "u1").items == (shared, mine)
