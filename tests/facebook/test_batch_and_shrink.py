"""Batch requests (50 per call, null items re-sent, item errors mapped) and the
"reduce the amount of data" retry with smaller pages and fewer fields."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
import requests

from connectors.errors import (
    ConnectorError,
    ObjectDeletedError,
    OutcomeUnknownError,
    RateLimitedError,
    UnavailableError,
)
from connectors.facebook import FacebookClient, UsageGovernor
from connectors.facebook.batch import BatchRequest, BatchResult, run_batch
from connectors.facebook.feed import comments_edge
from connectors.facebook.fields import Edge, Query
from connectors.transport import RetryPolicy
from sandboxes.facebook import FacebookSandbox
from tests.facebook.helpers import FakeClock


def _node_requests(client: FacebookClient, ids: list[str]) -> list[BatchRequest]:
    return [BatchRequest("GET", client.graph.relative(i, {"fields": "id,message"})) for i in ids]


def test_batches_hold_at_most_fifty_items(sandbox: FacebookSandbox,
                                          client: FacebookClient) -> None:
    ids = sandbox.store.ids_of("comment")[:120]
    answers = run_batch(client.graph, _node_requests(client, ids))
    assert [a.body["id"] for a in answers] == ids
    assert client.counter.snapshot()[("facebook", "POST /batch")] == 3
    assert sandbox.state.stats()["batch_items"] == 120


def test_graph_charges_every_batch_item_as_a_call(sandbox: FacebookSandbox,
                                                  client: FacebookClient) -> None:
    client.lead_forms(sandbox.page_id)  # one plain request
    sandbox.state.add_fault(kind="batch_null", times=10)
    run_batch(client.graph, _node_requests(client, sandbox.store.ids_of("comment")[:120]))
    stats = sandbox.state.stats()
    assert (stats["http_calls"], stats["batch_requests"], stats["batch_items"]) == (5, 4, 120)
    assert stats["charged_calls"] == 1 + 120  # the envelopes are free, the items are not
    assert client.counter.total("facebook") == 5  # HTTP requests
    assert client.charged_calls() == stats["charged_calls"]


def test_usage_headers_climb_with_every_batch_item(sandbox: FacebookSandbox,
                                                   client: FacebookClient) -> None:
    sandbox.state.config.update({"page_usage": 10.0, "usage_step": 0.5})
    ids = sandbox.store.ids_of("comment")[:40]
    payload = json.dumps([{"method": "GET", "relative_url": f"{i}?fields=id"} for i in ids])
    items = requests.post(f"{sandbox.url}/v25.0/", timeout=5, data={
        "access_token": sandbox.page_token, "batch": payload}).json()
    percents = [json.loads(h["value"])[sandbox.page_id][0]["call_count"]
                for item in items for h in item["headers"]
                if h["name"] == "X-Business-Use-Case-Usage"]
    assert percents == [10.0 + 0.5 * n for n in range(1, 41)]
    run_batch(client.graph, _node_requests(client, ids))
    governor = client.governor
    assert isinstance(governor, UsageGovernor)
    assert governor.usage.percent == 10.0 + 0.5 * 80  # what the quota is after 80 items


def test_governor_slows_down_during_batch_rounds(sandbox: FacebookSandbox,
                                                 client: FacebookClient) -> None:
    sandbox.state.config.update({"page_usage": 70.0, "usage_step": 0.2})
    posts = [f"{sandbox.page_id}_{n}" for n in ("4001", "4005", "4008", "4011")]
    read = client.comments_of(posts, limit=10)
    assert sum(len(c) for c in read.by_object.values()) == sum(
        len(sandbox.store.stream(p)) for p in posts)
    assert client.counter.total("facebook") <= 25  # 24 batch rounds, 1 per 10 comments
    governor = client.governor
    assert isinstance(governor, UsageGovernor)
    assert len(governor.pauses) >= 5  # items pushed usage past 75%: later rounds waited


def test_batches_work_when_the_app_requires_appsecret_proof(
        sandbox: FacebookSandbox, client: FacebookClient) -> None:
    sandbox.state.config.require_proof = True
    post_ids = [f"{sandbox.page_id}_4005", f"{sandbox.page_id}_4008"]
    read = client.comments_of(post_ids, limit=50)
    assert [len(read.by_object[p]) for p in post_ids] == [
        len(sandbox.store.stream(p)) for p in post_ids]
    assert len(client.read_leads(client.lead_forms(sandbox.page_id)).leads) == 8
    assert "appsecret_proof=" in client.graph.relative("x", {"fields": "id"})


def test_sandbox_batch_items_take_the_batch_proof_unless_they_carry_their_own(
        sandbox: FacebookSandbox, client: FacebookClient) -> None:
    sandbox.state.config.require_proof = True
    proof = client.graph.relative("x", {}).split("appsecret_proof=")[1]
    target = f"{sandbox.page_id}_4001?fields=id"
    items = [{"method": "GET", "relative_url": target},
             {"method": "GET", "relative_url": f"{target}&appsecret_proof=0bad"}]
    answer = requests.post(f"{sandbox.url}/v25.0/", timeout=5, data={
        "access_token": sandbox.page_token, "appsecret_proof": proof,
        "batch": json.dumps(items)}).json()
    assert answer[0]["code"] == 200
    assert "appsecret_proof" in json.loads(answer[1]["body"])["error"]["message"]


def test_write_items_of_a_batch_are_never_re_sent(sandbox: FacebookSandbox,
                                                  client: FacebookClient) -> None:
    post_id = f"{sandbox.page_id}_4003"
    before = len(sandbox.store.stream(post_id))
    sandbox.state.add_fault(kind="batch_null", times=1)
    writes = [BatchRequest("POST", client.graph.relative(f"{post_id}/comments", {}),
                           body=f"message=reply+{n}") for n in range(3)]
    answers = run_batch(client.graph, writes)
    assert isinstance(answers[0].error, OutcomeUnknownError)  # not run, not sent again
    assert [a.body["id"] is not None for a in answers[1:]] == [True, True]
    assert len(sandbox.store.stream(post_id)) == before + 2
    assert client.counter.total("facebook") == 1


def test_null_items_are_sent_again(sandbox: FacebookSandbox, client: FacebookClient) -> None:
    ids = sandbox.store.ids_of("comment")[:10]
    sandbox.state.add_fault(kind="batch_null", times=4)
    answers = run_batch(client.graph, _node_requests(client, ids))
    assert [a.body["id"] for a in answers] == ids
    assert client.counter.snapshot()[("facebook", "POST /batch")] == 2
    assert sandbox.state.stats()["batch_items"] == 10  # 6 first round + the 4 re-sent


def test_items_never_run_end_as_unavailable(sandbox: FacebookSandbox,
                                            client: FacebookClient) -> None:
    ids = sandbox.store.ids_of("comment")[:2]
    sandbox.state.add_fault(kind="batch_null", times=100, path=f"/{ids[1]}")
    answers = run_batch(client.graph, _node_requests(client, ids))
    assert answers[0].body["id"] == ids[0]
    assert isinstance(answers[1].error, UnavailableError)
    assert answers[1].error.attempts == 4
    assert client.counter.snapshot()[("facebook", "POST /batch")] == 4  # policy attempts


def test_each_item_error_is_mapped_on_its_own(sandbox: FacebookSandbox,
                                              client: FacebookClient, clock: FakeClock) -> None:
    ids = sandbox.store.ids_of("comment")[:3]
    sandbox.store.delete(ids[0])
    sandbox.state.add_fault(kind="throttle", path=f"/{ids[2]}", code=80001, regain_minutes=30)
    answers = run_batch(client.graph, _node_requests(client, ids))
    assert isinstance(answers[0].error, ObjectDeletedError)
    assert answers[1].body["id"] == ids[1]
    assert isinstance(answers[2].error, RateLimitedError)
    assert answers[2].error.retry_after == 1800


def test_every_item_ends_as_a_typed_result(sandbox: FacebookSandbox,
                                           client: FacebookClient) -> None:
    ids = sandbox.store.ids_of("comment")[:3]
    sandbox.store.delete(ids[0])
    sandbox.state.add_fault(kind="throttle", path=f"/{ids[2]}", code=80001, regain_minutes=30)
    results = run_batch(client.graph, _node_requests(client, ids))
    assert all(isinstance(r, BatchResult) for r in results)
    assert [r.ok for r in results] == [False, True, False]
    assert all(isinstance(r.error, ConnectorError) for r in results if not r.ok)
    assert results[1].value()["id"] == ids[1]
    with pytest.raises(ObjectDeletedError):
        results[0].value()


def test_item_retries_are_the_transports_policy(sandbox: FacebookSandbox,
                                                make_client: Callable[..., FacebookClient],
                                                clock: FakeClock) -> None:
    client = make_client(retry=RetryPolicy(max_attempts=3, base_delay=2.0,
                                           jitter=lambda: 1.0))
    ids = sandbox.store.ids_of("comment")[:2]
    sandbox.state.add_fault(kind="transient", path=f"/{ids[1]}", times=100)
    results = run_batch(client.graph, _node_requests(client, ids))
    assert results[0].body["id"] == ids[0]
    assert isinstance(results[1].error, UnavailableError)
    assert results[1].error.attempts == 3  # the attempts the policy allowed, recorded
    assert clock.sleeps == [2.0, 4.0]  # its backoff: base * 2**(n-1)
    assert client.counter.snapshot()[("facebook", "POST /batch")] == 3


@pytest.mark.parametrize("minutes", [1, 4])
def test_throttled_item_within_max_wait_is_resent(sandbox: FacebookSandbox,
                                                  client: FacebookClient,
                                                  clock: FakeClock, minutes: int) -> None:
    ids = sandbox.store.ids_of("comment")[:3]
    sandbox.state.add_fault(kind="throttle", path=f"/{ids[1]}", code=613,
                            regain_minutes=minutes)
    answers = run_batch(client.graph, _node_requests(client, ids))
    assert [a.body["id"] for a in answers] == ids
    assert clock.sleeps == [60.0 * minutes]  # the same limit as the governor's (300 s)


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
