"""The usage governor slows down before the limit and waits out throttles, losing nothing;
a sweep stopped by a throttle longer than a worker waits resumes from a stored position."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from connectors.errors import RateLimitedError
from connectors.facebook import FacebookClient, SweepPosition, UsageGovernor
from connectors.facebook.usage import read_usage
from sandboxes.facebook import FacebookSandbox
from tests.facebook.helpers import FakeClock


def _app_usage(percent: float) -> dict[str, str]:
    return {"X-App-Usage": json.dumps({"call_count": percent, "total_cputime": 1,
                                       "total_time": 1})}


def _buc(percent: float, regain: int) -> dict[str, str]:
    entry = {"type": "pages", "call_count": 1, "total_cputime": percent, "total_time": 1,
             "estimated_time_to_regain_access": regain}
    return {"x-business-use-case-usage": json.dumps({"104": [entry]})}


def test_usage_headers_are_read_worst_value_first() -> None:
    usage = read_usage({**_app_usage(40), **_buc(88, 3)})
    assert usage.percent == 88 and usage.regain_seconds == 180
    assert read_usage({"X-App-Usage": "not json"}).percent == 0


def test_governor_pauses_grow_with_usage(governor: UsageGovernor, clock: FakeClock) -> None:
    governor.observe(_app_usage(50))
    governor.before_request("GET /x")
    governor.observe(_app_usage(85))
    governor.before_request("GET /x")
    governor.observe(_app_usage(94))
    governor.before_request("GET /x")
    assert governor.pauses == [5.0, pytest.approx(9.5)]
    governor.observe(_app_usage(97))
    governor.before_request("GET /x")
    assert governor.pauses[-1] == 60.0  # cooldown at the wall
    governor.before_request("GET /x")  # already waited: the next answer decides
    assert len(governor.pauses) == 3
    assert clock.sleeps == governor.pauses


def test_governor_waits_out_regain_estimate_or_refuses(governor: UsageGovernor) -> None:
    governor.observe(_buc(100, 2))
    governor.before_request("GET /x")
    assert governor.pauses == [120.0]
    governor.observe(_buc(100, 30))
    with pytest.raises(RateLimitedError) as caught:
        governor.before_request("GET /x")
    assert caught.value.retry_after == 1800.0
    assert governor.pauses == [120.0]


def test_batch_item_headers_only_make_things_worse(governor: UsageGovernor) -> None:
    governor.observe(_app_usage(90))
    governor.observe({}, merge=True)
    assert governor.usage.percent == 90
    governor.observe({}, merge=False)
    assert governor.usage.percent == 0


def test_governor_reads_usage_of_error_answers_too(
        sandbox: FacebookSandbox, client: FacebookClient) -> None:
    sandbox.state.add_fault(kind="throttle", code=32, regain_minutes=10)
    with pytest.raises(RateLimitedError):
        client.lead_forms(sandbox.page_id)
    assert client.governor.usage.percent == 100  # type: ignore[attr-defined]
    calls_before = sandbox.state.stats()["http_calls"]
    with pytest.raises(RateLimitedError) as caught:  # refused before sending
        client.lead_forms(sandbox.page_id)
    assert caught.value.retry_after == 600.0
    assert sandbox.state.stats()["http_calls"] == calls_before


def test_throttling_slows_and_resumes_without_losing_position(
        sandbox: FacebookSandbox, make_client: Callable[..., FacebookClient],
        clock: FakeClock) -> None:
    sandbox.load_large_page(posts=120, comments=3000, distribution="irregular")
    sandbox.state.config.update({"irregular_pages": True, "page_usage": 85.0})
    client = make_client()
    expected = set(sandbox.store.ids_of("comment"))
    seen: list[str] = []
    posts: list[str] = []
    for number, thread in enumerate(client.iter_threads(sandbox.page_id, post_limit=25,
                                                        comment_limit=25)):
        posts.append(thread.post.external_id)
        seen.extend(c.external_id for c in thread.comments)
        if number == 0:  # mid-read: Graph throttles the feed and the comment pages for
            # 3 minutes: longer than the transport's backoff, within the one waiting limit
            sandbox.state.add_fault(kind="throttle", path="/feed", code=80001,
                                    regain_minutes=3)
            sandbox.state.add_fault(kind="throttle", path="/comments", code=80001,
                                    regain_minutes=3, times=3)
    assert len(seen) == len(set(seen))  # no duplicate
    assert set(seen) == expected  # no gap
    assert len(posts) == len(set(posts)) == 120
    governor = client.governor
    assert isinstance(governor, UsageGovernor)
    assert governor.pauses and all(p == pytest.approx(5.0) for p in governor.pauses)
    assert clock.sleeps.count(180.0) >= 2  # the throttles were waited out, then resumed
    assert not sandbox.state.faults


def test_regain_estimate_on_success_answers_is_waited_out(
        sandbox: FacebookSandbox, client: FacebookClient) -> None:
    sandbox.state.config.update({"page_usage": 96.0, "regain_minutes": 1})
    posts = list(client.iter_posts(sandbox.page_id, limit=5))
    assert len(posts) == 11
    governor = client.governor
    assert isinstance(governor, UsageGovernor)
    assert governor.pauses == [60.0, 60.0]  # before pages 2 and 3


def _drain(sweep: object, posts: list[str], comments: list[str]) -> None:
    for thread in sweep:  # type: ignore[attr-defined]
        posts.append(thread.post.external_id)
        comments.extend(c.external_id for c in thread.comments)


def test_sweep_stopped_by_a_long_throttle_resumes_from_its_stored_position(
        sandbox: FacebookSandbox, make_client: Callable[..., FacebookClient],
        clock: FakeClock) -> None:
    sandbox.load_large_page(posts=40, comments=800, distribution="irregular")
    sandbox.state.config.irregular_pages = True
    expected_posts = set(sandbox.store.ids_of("post"))
    expected = set(sandbox.store.ids_of("comment"))
    sweep = make_client().iter_threads(sandbox.page_id, post_limit=10, comment_limit=10)
    posts: list[str] = []
    comments: list[str] = []
    with pytest.raises(RateLimitedError) as caught:
        for number, thread in enumerate(sweep):
            posts.append(thread.post.external_id)
            comments.extend(c.external_id for c in thread.comments)
            if number == 14:  # Graph blocks comment reads for 30 minutes
                sandbox.state.add_fault(kind="throttle", path="/comments", code=80001,
                                        regain_minutes=30)
    assert caught.value.retry_after == 1800.0  # longer than a worker waits: stop here
    assert 15 <= len(posts) < 40
    stored = json.dumps(sweep.position.as_dict())  # what a worker keeps for the next job
    sandbox.store.delete(posts[-1])  # meanwhile: a cursor naming this post would be stale
    clock.sleep(1800.0)
    resumed = make_client().iter_threads(sandbox.page_id, post_limit=10, comment_limit=10,
                                         resume=SweepPosition.from_dict(json.loads(stored)))
    _drain(resumed, posts, comments)
    assert resumed.position.finished
    assert len(posts) == len(set(posts)) and set(posts) == expected_posts  # each post once
    assert len(comments) == len(set(comments)) and set(comments) == expected  # each comment once
    assert list(resumed) == []  # a finished sweep reads nothing more


def test_the_same_sweep_continues_when_iterated_again(
        sandbox: FacebookSandbox, client: FacebookClient, clock: FakeClock) -> None:
    sweep = client.iter_threads(sandbox.page_id, post_limit=3, comment_limit=10)
    posts: list[str] = []
    comments: list[str] = []
    with pytest.raises(RateLimitedError):
        for thread in sweep:
            posts.append(thread.post.external_id)
            comments.extend(c.external_id for c in thread.comments)
            if len(posts) == 2:  # the next feed page is refused for 20 minutes
                sandbox.state.add_fault(kind="throttle", path="/feed", code=80001,
                                        regain_minutes=20)
    assert len(posts) == 3  # the first feed page was delivered whole
    clock.sleep(1200.0)
    _drain(sweep, posts, comments)
    assert len(posts) == len(set(posts)) == 11
    assert sorted(comments) == sorted(sandbox.store.ids_of("comment"))
