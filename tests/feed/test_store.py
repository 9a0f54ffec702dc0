"""The store on a real Redis: bounds, paging, replacing, removing, and text kept whole."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import regex

from workers import feed
from workers.feed_codec import api_item
from workers.feed_items import ELLIPSIS, TITLE_LIMIT, FeedItem, item_id, version_of

NOON = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def item(record_id: str | None = None, *, at: datetime = NOON, modified: datetime | None = None,
         title: str = "Follow-up call", module: str = "Calls") -> FeedItem:
    return FeedItem(kind="call", module=module, record_id=record_id or str(uuid.uuid4()),
                    version=version_of(modified or at), title=title, occurred_at=at,
                    summary="Asked about\n\nthe renewal", status="Planned", actor="Sally")


def ids(page: feed.Page) -> list[str]:
    return [entry.id for entry in page.items]


def test_timeline_is_newest_first_and_bounded(redis_client):
    published = [item(at=NOON + timedelta(minutes=n)) for n in range(12)]
    for entry in reversed(published):  # arrival order does not matter
        assert feed.publish(redis_client, entry, ["u1"], max_items=5) == "published"
    page = feed.timeline(redis_client, "u1", limit=20)
    assert ids(page) == [entry.id for entry in reversed(published[-5:])]
    assert page.next_cursor is None
    # trimmed items leave nothing behind: the timeline and the record index hold the 5
    assert redis_client.llen(feed.LIVE.timeline("u1")) == 5
    assert sum(redis_client.hlen(key) for key in feed.LIVE.index_keys()) == 5
    assert [feed.holders(redis_client, "Calls", e.record_id) for e in published] \
        == [[]] * 7 + [["u1"]] * 5


def test_a_new_item_older_than_a_full_timeline_is_trimmed_at_once(redis_client):
    for n in range(3):
        feed.publish(redis_client, item(at=NOON + timedelta(hours=n)), ["u1"], max_items=3)
    old = item(at=NOON - timedelta(days=1))
    feed.publish(redis_client, old, ["u1"], max_items=3)
    assert old.id not in ids(feed.timeline(redis_client, "u1", limit=10))
    assert feed.held_version(redis_client, "Calls", old.record_id) is None
    assert feed.holders(redis_client, "Calls", old.record_id) == []


def test_paging_is_stable_with_equal_timestamps_and_new_arrivals(redis_client):
    same_minute = [item(at=NOON) for _ in range(17)]
    others = [item(at=NOON - timedelta(minutes=n)) for n in range(1, 6)]
    for entry in same_minute + others:
        feed.publish(redis_client, entry, ["u1"])
    expected = sorted(same_minute + others, key=lambda e: (e.score, e.id), reverse=True)
    seen: list[str] = []
    cursor = None
    while True:
        page = feed.timeline(redis_client, "u1", limit=4, before_cursor=cursor)
        seen += ids(page)
        # newer items arriving between pages (also in the same minute) change nothing
        feed.publish(redis_client, item(at=NOON + timedelta(seconds=1)), ["u1"])
        feed.publish(redis_client, item(at=NOON), ["u1"])
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    original = {e.id for e in expected}
    assert [i for i in seen if i in original] == [e.id for e in expected]
    assert len(seen) == len(set(seen))


def test_republishing_the_same_version_changes_nothing(redis_client):
    entry = item(title="客户投诉 😡")
    feed.publish(redis_client, entry, ["u1", "u2"])
    before = {key: redis_client.dump(key) for key in redis_client.keys("socialcrm:feed:*")}
    again = FeedItem.from_json(entry.to_json())
    assert feed.publish(redis_client, again, ["u1", "u2"]) == "published"
    after = {key: redis_client.dump(key) for key in redis_client.keys("socialcrm:feed:*")}
    assert after == before
    assert ids(feed.timeline(redis_client, "u1")) == [entry.id]


def test_a_newer_version_replaces_the_older_and_an_older_one_is_refused(redis_client):
    record = str(uuid.uuid4())
    first = item(record, modified=NOON)
    second = item(record, modified=NOON + timedelta(minutes=5), at=NOON + timedelta(minutes=5),
                  title="Follow-up call (moved)")
    feed.publish(redis_client, first, ["u1"])
    feed.publish(redis_client, second, ["u1"])
    assert ids(feed.timeline(redis_client, "u1")) == [second.id]
    assert feed.publish(redis_client, first, ["u1"]) == "stale"
    page = feed.timeline(redis_client, "u1")
    assert ids(page) == [second.id] and page.items[0].title == "Follow-up call (moved)"
    assert first.id != second.id == item_id("Calls", record, second.version)


def test_a_reassigned_record_leaves_the_timeline_of_the_rep_it_left(redis_client):
    record = str(uuid.uuid4())
    feed.publish(redis_client, item(record, modified=NOON), ["u1", "owner"])
    newer = item(record, modified=NOON + timedelta(minutes=1))
    feed.publish(redis_client, newer, ["u2", "owner"])
    assert ids(feed.timeline(redis_client, "u1")) == []
    assert ids(feed.timeline(redis_client, "u2")) == [newer.id]
    assert ids(feed.timeline(redis_client, "owner")) == [newer.id]
    assert feed.holders(redis_client, "Calls", record) == ["u2", "owner"]
    assert feed.held_version(redis_client, "Calls", record) == newer.version


def test_remove_takes_a_record_out_of_every_timeline_and_keeps_it_out(redis_client):
    kept, doomed = item(), item()
    feed.publish(redis_client, kept, ["u1"])
    feed.publish(redis_client, doomed, ["u1", "u2"])
    assert feed.remove(redis_client, "Calls", doomed.record_id) == 2
    assert ids(feed.timeline(redis_client, "u1")) == [kept.id]
    assert ids(feed.timeline(redis_client, "u2")) == []
    assert feed.holders(redis_client, "Calls", doomed.record_id) == []
    assert feed.held_version(redis_client, "Calls", doomed.record_id) is None
    assert redis_client.llen(feed.LIVE.timeline("u1")) == 1
    # an event read before the delete, applied after it, cannot bring it back
    assert feed.publish(redis_client, doomed, ["u1"]) == "gone"
    assert ids(feed.timeline(redis_client, "u1")) == [kept.id]
    assert feed.remove(redis_client, "Calls", "never-published") == 0


def test_chinese_cyrillic_and_emoji_stay_whole(redis_client):
    title = "客户投诉：包裹还没到 😡 Привет, ёжик! 👍🏽 🇨🇳 👨‍👩‍👧"
    entry = item(title=title)
    feed.publish(redis_client, entry, ["u1"])
    (stored,) = redis_client.lrange(feed.LIVE.timeline("u1"), 0, -1)
    assert title in stored.decode("utf-8")  # as characters, not \\u escapes
    assert feed.timeline(redis_client, "u1").items[0].title == title
    served = json.loads(api_item(stored))
    assert served["title"] == title and served["summary"] == "Asked about the renewal"


def test_long_titles_are_cut_between_characters_never_inside_one():
    clusters = ["👍🏽", "🇨🇳", "👨‍👩‍👧", "é", "中"]  # é as e + combining accent
    title = "".join(clusters[n % len(clusters)] for n in range(200))
    cut = item(title=title).title
    kept = regex.findall(r"\X", cut)
    assert cut.endswith(ELLIPSIS) and len(kept) == TITLE_LIMIT
    assert kept[:-1] == [clusters[n % len(clusters)] for n in range(TITLE_LIMIT - 1)]
    exact = "".join(clusters[n % len(clusters)] for n in range(TITLE_LIMIT))
    assert item(title=exact).title == exact


def test_items_round_trip_through_their_compact_json():
    entry = FeedItem(kind="interaction", module="SCRM_SocialInteractions", record_id="r-1",
                     version="20261122T120000Z", title="Où est ma commande ? 📦",
                     occurred_at=NOON.astimezone(UTC), network="facebook",
                     sentiment="negative", permalink="https://facebook.example/p/1")
    data = json.loads(entry.to_json())
    assert "actor" not in data and "status" not in data  # empty fields stay out
    assert data["at"] == "2026-11-22T12:00:00Z"
    assert FeedItem.from_json(entry.to_json()) == entry
    tampered = entry.to_json().replace(entry.id, "0" * 24)
    with pytest.raises(ValueError, match="id"):
        FeedItem.from_json(tampered)


def test_bad_cursors_limits_and_user_ids_are_refused(redis_client):
    with pytest.raises(feed.CursorError):
        feed.timeline(redis_client, "u1", before_cursor="12-zz")
    with pytest.raises(ValueError, match="page"):
        feed.timeline(redis_client, "u1", limit=0)
    with pytest.raises(ValueError, match="user id"):
        feed.publish(redis_client, item(), ["two words"])
