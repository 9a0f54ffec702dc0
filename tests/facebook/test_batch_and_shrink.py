"""Batch requests (50 per call, null items re-sent, item errors mapped) and the
"reduce the amount of data" retry with smaller pages and fewer fields."""

from __future__ import annotations

import pytest

from connectors.errors import ObjectDeletedError, RateLimitedError, UnavailableError
from connectors.facebook import FacebookClient
from connectors.facebook.batch import BatchRequest, run_batch
from connectors.facebook.feed import comments_edge
from connectors.facebook.fields import Edge, Query
from connectors.sandbox.facebook import FacebookSandbox
from tests.facebook.helpers import FakeClock


def _node_requests(client: FacebookClient, ids: list[str]) -> list[BatchRequest]:
    return [BatchRequest("GET", client.graph.relative(i, {"fields": "id,message"})) for i in ids]


def test_batches_hold_at_most_fifty_items(sandbox: FacebookSandbox,
                                          client: FacebookClient) -> None:
    ids = sandbox.store.ids_of("comment")[:120]
    answers = run_batch(client.graph, _node_requests(client, ids))
    assert [a["id"] for a in answers] == ids
    assert client.counter.snapshot()[("facebook", "POST /batch")] == 3
    assert sandbox.state.stats()["batch_items"] == 120


def test_null_items_are_sent_again(sandbox: FacebookSandbox, client: FacebookClient) -> None:
    ids = sandbox.store.ids_of("comment")[:10]
    sandbox.state.add_fault(kind="batch_null", times=4)
    answers = run_batch(client.graph, _node_requests(client, ids))
    assert [a["id"] for a in answers] == ids
    assert client.counter.snapshot()[("facebook", "POST /batch")] == 2
    assert sandbox.state.stats()["batch_items"] == 10  # 6 first round + the 4 re-sent


def test_items_never_run_end_as_unavailable(sandbox: FacebookSandbox,
                                            client: FacebookClient) -> None:
    ids = sandbox.store.ids_of("comment")[:2]
    sandbox.state.add_fault(kind="batch_null", times=100, path=f"/{ids[1]}")
    answers = run_batch(client.graph, _node_requests(client, ids))
    assert answers[0]["id"] == ids[0]
    assert isinstance(answers[1], UnavailableError)
    assert client.counter.snapshot()[("facebook", "POST /batch")] == 4  # policy attempts


def test_each_item_error_is_mapped_on_its_own(sandbox: FacebookSandbox,
                                              client: FacebookClient, clock: FakeClock) -> None:
    ids = sandbox.store.ids_of("comment")[:3]
    sandbox.store.delete(ids[0])
    sandbox.state.add_fault(kind="throttle", path=f"/{ids[2]}", code=80001, regain_minutes=30)
    answers = run_batch(client.graph, _node_requests(client, ids))
    assert isinstance(answers[0], ObjectDeletedError)
    assert answers[1]["id"] == ids[1]
    assert isinstance(answers[2], RateLimitedError) and answers[2].retry_after == 1800


def test_throttled_item_with_short_wait_is_resent(sandbox: FacebookSandbox,
                                                  client: FacebookClient,
                                                  clock: FakeClock) -> None:
    ids = sandbox.store.ids_of("comment")[:3]
    sandbox.state.add_fault(kind="throttle", path=f"/{ids[1]}", code=613, regain_minutes=1)
    answers = run_batch(client.graph, _node_requests(client, ids))
    assert [a["id"] for a in answers] == ids
    assert 60.0 in clock.sleeps


def test_deleted_post_during_thread_read_is_reported(sandbox: FacebookSandbox,
                                                     client: FacebookClient) -> None:
    post_ids = [f"{sandbox.page_id}_4008", f"{sandbox.page_id}_4005"]
    sandbox.store.delete(post_ids[0])
    read = client.comments_of(post_ids)
    assert read.deleted == {post_ids[0]}
    assert len(read.by_object[post_ids[1]]) == 141


def test_query_shrinks_pages_first_then_fields() -> None:
    query = Query(fields=("id", "message", comments_edge(100)), limit=100,
                  minimal=("id", comments_edge(100)))
    steps = []
    while query is not None:
        nested = next(f for f in query.fields if isinstance(f, Edge))
        steps.append((query.limit, nested.limit, len(query.fields), len(nested.fields)))
        query = query.smaller()
    assert steps == [(100, 100, 3, 9), (50, 50, 3, 9), (25, 25, 3, 9), (12, 12, 3, 9),
                     (6, 10, 3, 9), (5, 10, 3, 9), (5, 10, 2, 5)]


def test_reduce_data_is_answered_with_smaller_pages(sandbox: FacebookSandbox,
                                                    client: FacebookClient) -> None:
    sandbox.load_large_page(posts=60, comments=1500, distribution="even")
    sandbox.state.config.reduce_data_threshold = 8_000  # 100 x 100 nested is refused
    threads = list(client.iter_threads(sandbox.page_id))
    assert {c.external_id for t in threads for c in t.comments} == set(
        sandbox.store.ids_of("comment"))
    calls = client.counter.snapshot()
    assert calls[("facebook", "GET /{page}/feed")] > 2  # refused, then smaller pages


def test_reduce_data_on_nested_pages_shrinks_that_listing(sandbox: FacebookSandbox,
                                                          client: FacebookClient) -> None:
    sandbox.state.add_fault(kind="reduce_data", path="/comments", times=2)
    read = client.comments_of([f"{sandbox.page_id}_4008"])
    assert [c.external_id for c in read.by_object[f"{sandbox.page_id}_4008"]] == [
        n["id"] for n in sandbox.store.stream(f"{sandbox.page_id}_4008")]


@pytest.mark.parametrize("times", [1, 3])
def test_reduce_data_on_feed_then_success(sandbox: FacebookSandbox, client: FacebookClient,
                                          times: int) -> None:
    sandbox.state.add_fault(kind="reduce_data", path="/feed", times=times)
    threads = list(client.iter_threads(sandbox.page_id))
    assert len(threads) == 11
    assert {c.external_id for t in threads for c in t.comments} == set(
        sandbox.store.ids_of("comment"))
