"""Pages answered from each API process's memory while the rep's timeline stands still
(``mobile_api.feed.pages``), and the sync token that says so, read with the token check.

What Redis runs is counted with ``INFO commandstats``: a page read from the store runs the
page script, whose LRANGE shows there; a page from memory only runs the token's script."""

from __future__ import annotations

import time
from datetime import timedelta

import redis

from tests.feed_api.conftest import NOON, SALLY, Api, item, publish, served_id
from workers import feed, feed_changes


def calls(client: redis.Redis, command: str) -> int:
    stats = client.info("commandstats").get(f"cmdstat_{command}", {})
    return int(stats.get("calls", 0)) if isinstance(stats, dict) else 0


def ids(api: Api, headers: dict[str, str], **query: object) -> list[str]:
    answer = api("GET", "/feed", headers=headers, params={"limit": 5, **query})
    assert answer.status_code == 200, answer.text
    return [entry["id"] for entry in answer.json()["items"]]


def test_a_page_read_again_comes_from_memory_until_the_timeline_changes(api, sally_headers):
    first = item(at=NOON)
    publish(api.redis, first, SALLY)
    assert ids(api, sally_headers) == [served_id(first)]  # read from the store, kept
    api.redis.config_resetstat()
    assert ids(api, sally_headers) == [served_id(first)]
    assert calls(api.redis, "lrange") == 0, "the same page again: from memory"
    assert calls(api.redis, "evalsha") == 1, "only the sync token, with the token check"
    assert calls(api.redis, "get") == 1, "the token check"

    newer = item(at=NOON + timedelta(minutes=1))
    publish(api.redis, newer, SALLY)
    api.redis.config_resetstat()
    assert ids(api, sally_headers) == [served_id(newer), served_id(first)]
    assert calls(api.redis, "lrange") >= 1, "the timeline changed: read from the store"
    assert feed.remove(api.redis, "Calls", first.record_id) == 1  # gone from the page at once
    assert ids(api, sally_headers) == [served_id(newer)]


def test_another_query_or_another_rep_is_another_page(api, sally_headers, max_headers):
    call, note = item("call", at=NOON), item("note", at=NOON + timedelta(minutes=1))
    publish(api.redis, call, SALLY)
    publish(api.redis, note, SALLY, "seed_max_id")
    assert ids(api, sally_headers) == [served_id(note), served_id(call)]
    assert ids(api, sally_headers, type="call") == [served_id(call)]
    assert ids(api, sally_headers, limit=1) == [served_id(note)]
    assert ids(api, max_headers) == [served_id(note)], "Max's page is Max's"
    assert ids(api, sally_headers) == [served_id(note), served_id(call)]


def test_a_token_revoked_is_refused_though_the_process_knows_whose_it_was(api, sally_headers):
    publish(api.redis, item(at=NOON), SALLY)
    for _ in range(2):  # the second read sends the token check and the page's reads at once
        assert api("GET", "/feed", headers=sally_headers).status_code == 200
    assert api("DELETE", "/auth/token", headers=sally_headers).status_code == 204
    refused = api("GET", "/feed", headers=sally_headers)
    assert refused.status_code == 401, refused.text
    assert refused.json()["code"] == 401


def test_the_etag_of_a_page_from_memory_is_the_pages(api, sally_headers):
    publish(api.redis, item(at=NOON), SALLY)
    first = api("GET", "/feed", headers=sally_headers)
    again = api("GET", "/feed", headers={**sally_headers, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    publish(api.redis, item(at=NOON + timedelta(minutes=1)), SALLY)
    changed = api("GET", "/feed", headers={**sally_headers,
                                           "If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]


def test_generations_are_never_drawn_twice_even_after_the_store_is_emptied(redis_client):
    started = time.time()
    token = feed_changes.current_token(redis_client, SALLY)
    generation = int(token.split(".")[0])
    assert started * 1e6 - 5e6 < generation < time.time() * 1e6 + 5e6, \
        "a new store draws from the clock in microseconds"
    redis_client.flushdb()  # a store emptied: the counter starts again, above what was drawn
    again = int(feed_changes.current_token(redis_client, SALLY).split(".")[0])
    assert again > generation


def test_a_query_string_is_validated_once_and_a_wrong_one_every_time(api, sally_headers):
    """The parser remembers the query strings it validated (``mobile_api.parsing``);
    one that failed is refused again, with its field named, however often it comes."""
    publish(api.redis, item(at=NOON), SALLY)
    for _ in range(3):
        assert len(ids(api, sally_headers, limit=2)) == 1
        for wrong, field in (({"limit": 0}, "limit"), ({"type": "gossip"}, "type")):
            refused = api("GET", "/feed", headers=sally_headers, params=wrong)
            assert refused.status_code == 422, refused.text
            assert field in refused.json()["errors"]["query"]
