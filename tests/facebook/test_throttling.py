"""The usage governor slows down before the limit and waits out throttles, losing nothing."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from connectors.errors import RateLimitedError
from connectors.facebook import FacebookClient, UsageGovernor
from connectors.facebook.usage import read_usage
from connectors.sandbox.facebook import FacebookSandbox
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
        if number == 0:  # mid-read: Graph throttles the feed and the comment pages
            sandbox.state.add_fault(kind="throttle", path="/feed", code=80001,
                                    regain_minutes=1)
            sandbox.state.add_fault(kind="throttle", path="/comments", code=80001,
                                    regain_minutes=1, times=3)
    assert len(seen) == len(set(seen))  # no duplicate
    assert set(seen) == expected  # no gap
    assert len(posts) == len(set(posts)) == 120
    governor = client.governor
    assert isinstance(governor, UsageGovernor)
    assert governor.pauses and all(p == pytest.approx(5.0) for p in governor.pauses)
    assert clock.sleeps.count(60.0) >= 2  # the throttles were waited out, then resumed
    assert not sandbox.state.faults


def test_regain_estimate_on_success_answers_is_waited_out(
        sandbox: FacebookSandbox, client: FacebookClient) -> None:
    sandbox.state.config.update({"page_usage": 96.0, "regain_minutes": 1})
    posts = list(client.iter_posts(sandbox.page_id, limit=5))
    assert len(posts) == 11
    governor = client.governor
    assert isinstance(governor, UsageGovernor)
    assert governor.pauses == [60.0, 60.0]  # before pages 2 and 3
