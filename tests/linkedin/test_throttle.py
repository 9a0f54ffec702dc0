"""429s: waited out conservatively and longer each time, position kept, nothing delivered
twice, no blind retries."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import requests

from connectors.errors import RateLimitedError, UnavailableError
from connectors.linkedin.throttle import ThrottleRule
from connectors.linkedin.timewindows import seconds_until_next_utc_midnight
from connectors.linkedin.urns import encode
from connectors.transport import RetryPolicy
from sandboxes.linkedin import ORGANIZATION_URN, SANDBOX_TOKEN

HEADERS = {"Authorization": f"Bearer {SANDBOX_TOKEN}", "LinkedIn-Version": "202610",
           "X-Restli-Protocol-Version": "2.0.0"}


def comment_ids(sandbox) -> set[str]:
    return {c["commentUrn"] for thread in sandbox.state.comments.values() for c in thread}


def test_429_without_retry_after_waits_the_conservative_default_then_longer(
        make_client, sandbox, clock) -> None:
    client = make_client(rate_limit_retry_after=25.0)
    sandbox.throttle(calls=2, after=1)  # the second and third request are throttled
    posts = [p.external_id for p in client.posts(ORGANIZATION_URN)]
    assert len(posts) == len(sandbox.state.posts)
    assert clock.sleeps == [25.0, 50.0]  # the same resource again: twice as long
    statuses = [r["status"] for r in sandbox.requests]
    assert statuses.count(429) == 2
    assert statuses[-1] == 200


def test_throttled_sweep_resumes_without_losing_position_or_duplicating(make_client, sandbox,
                                                                       clock) -> None:
    client = make_client(retry=RetryPolicy(max_attempts=2, max_retry_after=60.0,
                                           jitter=lambda: 0.0))
    posts = [p.external_id for p in client.posts(ORGANIZATION_URN)]
    sweep = client.comment_sweep(posts)
    sandbox.throttle(calls=3, after=7)  # 3 > the 1 retry allowed: the error surfaces
    delivered: list[str] = []
    waits = []
    for _ in range(5):
        try:
            delivered.extend(c.external_id for c in sweep)
            break
        except RateLimitedError as raised:
            waits.append(raised.retry_after)
            assert 0 < len(delivered) < len(comment_ids(sandbox))
            clock.advance(raised.retry_after)
    assert clock.sleeps == [60.0]  # the first hold was short enough to sleep through
    assert waits == [120.0, 240.0]  # then each 429 in a row doubled it and surfaced
    assert len(delivered) == len(set(delivered))
    assert set(delivered) == comment_ids(sandbox)


def test_daily_limit_holds_until_utc_midnight_without_calling(make_client, sandbox,
                                                              clock) -> None:
    client = make_client()
    sandbox.throttle(calls=1, daily=True)
    with pytest.raises(RateLimitedError) as raised:
        list(client.posts(ORGANIZATION_URN))
    expected = seconds_until_next_utc_midnight(clock())
    assert raised.value.retry_after == pytest.approx(expected)
    calls = len(sandbox.requests)
    with pytest.raises(RateLimitedError) as held:
        list(client.posts(ORGANIZATION_URN))
    assert len(sandbox.requests) == calls  # held by the governor: LinkedIn not asked again
    assert held.value.retry_after == pytest.approx(expected)
    clock.advance(expected + 1)
    assert len(list(client.posts(ORGANIZATION_URN))) == len(sandbox.state.posts)


def test_retry_after_header_is_obeyed_when_sent(make_client, sandbox, clock) -> None:
    client = make_client()
    sandbox.throttle(calls=1, retry_after="7")
    list(client.posts(ORGANIZATION_URN))
    assert clock.sleeps == [7.0]


def test_throttle_hold_is_per_resource(make_client, sandbox, clock) -> None:
    client = make_client()
    sandbox.throttle(calls=1, daily=True, path_prefix="/rest/posts")
    with pytest.raises(RateLimitedError):
        list(client.posts(ORGANIZATION_URN))
    assert client.follower_statistics(ORGANIZATION_URN).total > 0


def test_midnight_arithmetic_is_utc_whatever_the_zone() -> None:
    late = datetime(2026, 3, 1, 23, 59, 30, tzinfo=UTC)
    assert seconds_until_next_utc_midnight(late) == 30.0
    berlin = datetime(2026, 3, 2, 0, 30, tzinfo=UTC).astimezone(ZoneInfo("Europe/Berlin"))
    assert seconds_until_next_utc_midnight(berlin) == pytest.approx(23.5 * 3600)


def throttled_answer(sandbox, **mode) -> requests.Response:
    """A real 429 from the sandbox, as the client would receive it."""
    sandbox.throttle(calls=1, **mode)
    return requests.get(f"{sandbox.url}/rest/organizationalEntityFollowerStatistics"
                        f"?q=organizationalEntity&organizationalEntity="
                        f"{encode(ORGANIZATION_URN)}", headers=HEADERS, timeout=5)


def test_rule_reads_retry_after_then_daily_marker_then_doubles_the_default(sandbox) -> None:
    now = datetime(2026, 3, 1, 22, 0, tzinfo=UTC)
    rule = ThrottleRule(default_retry_after=60.0)
    daily = throttled_answer(sandbox, daily=True)
    plain = throttled_answer(sandbox)
    dated = throttled_answer(sandbox, retry_after="7")
    assert [r.status_code for r in (daily, plain, dated)] == [429, 429, 429]
    assert "DAY limit" in daily.json()["message"]
    assert rule.wait(daily, now) == 7200.0  # two hours to midnight UTC
    assert rule.wait(plain, now) == 60.0
    assert rule.wait(plain, now, repeats=3) == 480.0
    assert rule.wait(plain, now, repeats=9) == 7200.0  # never past midnight
    assert rule.wait(dated, now, repeats=9) == 7.0  # LinkedIn's own number wins
    assert ThrottleRule(daily_markers=("no such text",)).wait(daily, now) == 60.0


def test_repeated_undated_429s_hold_longer_up_to_midnight_and_reset_after_success(
        make_client, sandbox, clock) -> None:
    clock.now = datetime(2026, 3, 1, 22, 0, tzinfo=UTC)
    # holds longer than 30 s are never slept in-process: each one surfaces at once
    client = make_client(retry=RetryPolicy(max_attempts=1, max_retry_after=30.0,
                                           jitter=lambda: 0.0))
    sandbox.throttle(calls=7)
    holds = []
    for _ in range(7):
        asked = len(sandbox.requests)
        with pytest.raises(RateLimitedError) as raised:
            client.follower_statistics(ORGANIZATION_URN)
        assert len(sandbox.requests) == asked + 1  # one call per hold, never a burst
        holds.append(raised.value.retry_after)
        with pytest.raises(RateLimitedError):  # still held: LinkedIn is not asked
            client.follower_statistics(ORGANIZATION_URN)
        assert len(sandbox.requests) == asked + 1
        clock.advance(raised.value.retry_after)
    # 60 s doubling each time; the seventh would be 3840 s but midnight comes first
    assert holds == [60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 3420.0]
    assert clock.now == datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
    assert client.follower_statistics(ORGANIZATION_URN).total > 0  # success resets
    sandbox.throttle(calls=1)
    with pytest.raises(RateLimitedError) as again:
        client.follower_statistics(ORGANIZATION_URN)
    assert again.value.retry_after == 60.0


def test_doubling_is_per_resource(make_client, sandbox, clock) -> None:
    client = make_client(retry=RetryPolicy(max_attempts=1, jitter=lambda: 0.0))
    sandbox.throttle(calls=2, path_prefix="/rest/posts")
    for expected in (60.0, 120.0):
        with pytest.raises(RateLimitedError) as raised:
            list(client.posts(ORGANIZATION_URN))
        assert raised.value.retry_after == expected
    sandbox.throttle(calls=1, path_prefix="/rest/organizationalEntityFollowerStatistics")
    with pytest.raises(RateLimitedError) as other:
        client.follower_statistics(ORGANIZATION_URN)
    assert other.value.retry_after == 60.0  # another resource starts from the default


def test_an_error_between_429s_does_not_reset_the_doubling(make_client, sandbox,
                                                             clock) -> None:
    client = make_client(retry=RetryPolicy(max_attempts=1, jitter=lambda: 0.0))
    sandbox.throttle(calls=1)
    with pytest.raises(RateLimitedError) as first:
        client.follower_statistics(ORGANIZATION_URN)
    clock.advance(first.value.retry_after)
    sandbox.outage(calls=1)
    with pytest.raises(UnavailableError):
        client.follower_statistics(ORGANIZATION_URN)
    sandbox.throttle(calls=1)
    with pytest.raises(RateLimitedError) as second:
        client.follower_statistics(ORGANIZATION_URN)
    assert (first.value.retry_after, second.value.retry_after) == (60.0, 120.0)


def test_governor_sleeps_short_holds_instead_of_failing(make_client, sandbox, clock) -> None:
    client = make_client(rate_limit_retry_after=5.0,
                         retry=RetryPolicy(max_attempts=1, jitter=lambda: 0.0))
    sandbox.throttle(calls=1)
    with pytest.raises(RateLimitedError):
        client.follower_statistics(ORGANIZATION_URN)  # no transport retry allowed
    assert clock.sleeps == []
    assert client.follower_statistics(ORGANIZATION_URN).total > 0
    assert clock.sleeps == [5.0]  # the governor waited out the hold, then called
    assert [r["status"] for r in sandbox.requests] == [429, 200]
