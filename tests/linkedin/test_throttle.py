"""429s: waited out conservatively, position kept, nothing delivered twice, no blind retries."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from connectors.errors import RateLimitedError
from connectors.linkedin.throttle import ThrottleRule
from connectors.linkedin.timewindows import seconds_until_next_utc_midnight
from connectors.sandbox.linkedin import ORGANIZATION_URN
from connectors.transport import RetryPolicy


def comment_ids(sandbox) -> set[str]:
    return {c["commentUrn"] for thread in sandbox.state.comments.values() for c in thread}


def test_429_without_retry_after_waits_the_conservative_default(make_client, sandbox,
                                                                 clock) -> None:
    client = make_client(rate_limit_retry_after=45.0)
    sandbox.throttle(calls=2, after=1)  # the second and third request are throttled
    posts = [p.external_id for p in client.posts(ORGANIZATION_URN)]
    assert len(posts) == len(sandbox.state.posts)
    assert clock.sleeps == [45.0, 45.0]
    statuses = [r["status"] for r in sandbox.requests]
    assert statuses.count(429) == 2
    assert statuses[-1] == 200


def test_throttled_sweep_resumes_without_losing_position_or_duplicating(make_client, sandbox,
                                                                       clock) -> None:
    client = make_client(retry=RetryPolicy(max_attempts=2, jitter=lambda: 0.0))
    posts = [p.external_id for p in client.posts(ORGANIZATION_URN)]
    sweep = client.comment_sweep(posts)
    sandbox.throttle(calls=3, after=7)  # 3 > the 1 retry allowed: the error surfaces
    delivered = []
    with pytest.raises(RateLimitedError) as raised:
        delivered.extend(c.external_id for c in sweep)
    assert raised.value.retry_after == 60.0
    assert 0 < len(delivered) < len(comment_ids(sandbox))
    clock.advance(raised.value.retry_after)
    delivered.extend(c.external_id for c in sweep)
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


def test_daily_marker_and_midnight_arithmetic() -> None:
    late = datetime(2026, 3, 1, 23, 59, 30, tzinfo=UTC)
    assert seconds_until_next_utc_midnight(late) == 30.0
    berlin = datetime(2026, 3, 2, 0, 30, tzinfo=UTC).astimezone(ZoneInfo("Europe/Berlin"))
    assert seconds_until_next_utc_midnight(berlin) == pytest.approx(23.5 * 3600)
    assert ThrottleRule().daily_markers


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
