"""A Graph throttling storm: usage headers climbing, then code 32/80001 for a window, while
a real ``socialcrm worker`` reads a Page and webhook-driven lead reads run beside it. The
sandbox's own request log shows the sync slowing, waiting out the window and resuming;
SuiteCRM ends with every post, comment and lead exactly once.

The governors of one Page share what Graph told any of them through Redis
(``workers.throttle.RedisSharedUsage``): tested here directly, on the real Redis, with a
fake clock (a wait one job was told holds back another; a late lower reading never
shortens it; Redis down, each paces alone). ``python -m reliability.sync_faults
throttling_storm`` runs the storm full size.
"""

from __future__ import annotations

import json

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from connectors.facebook import FacebookClient, GraphConfig, UsageGovernor
from connectors.transport import NoGovernor
from reliability.sync_storm import StormPlan, throttling_storm
from tests.facebook.helpers import FakeClock
from workers.redis_server import free_port
from workers.throttle import RedisSharedUsage, share_graph_usage

PAGE = "104200000000001"


def _usage(percent: float, regain_minutes: float = 0) -> dict[str, str]:
    entry = {"type": "pages", "call_count": percent, "total_cputime": 1, "total_time": 1,
             "estimated_time_to_regain_access": regain_minutes}
    return {"X-Business-Use-Case-Usage": json.dumps({PAGE: [entry]})}


def _governor(clock: FakeClock, shared: RedisSharedUsage | None) -> UsageGovernor:
    return UsageGovernor(sleep=clock.sleep, clock=clock, shared=shared)


def test_a_sync_slows_waits_out_a_throttling_storm_resumes_and_loses_nothing() -> None:
    plan = StormPlan()
    result = throttling_storm(plan)

    assert result.polls == ["finished", "finished"]
    counted = result.census
    assert (len(counted.lost), len(counted.duplicated), len(counted.unexpected),
            len(counted.mangled)) == (0, 0, 0, 0)
    assert counted.stored == counted.expected > 0
    assert counted.checked_texts == plan.comments + plan.lost + 1  # and the warm-up's
    assert result.webhook_answers == {200: result.webhooks_sent}
    assert result.slowed >= 1, "some sync request followed an answer in the slow zone"
    assert result.slow_violations == []
    assert result.sync_refused >= 1, "the sync met the throttle: the climb was its alone"
    assert result.wait_violations == []
    assert result.waits >= result.sync_refused
    assert result.calls_after_window > 0


def test_a_wait_one_job_was_told_holds_back_every_job_on_that_page(
        redis_client: redis.Redis) -> None:
    clock = FakeClock()
    told = _governor(clock, RedisSharedUsage(redis_client, "facebook", PAGE))
    other = _governor(clock, RedisSharedUsage(redis_client, "facebook", PAGE))
    elsewhere = _governor(clock, RedisSharedUsage(redis_client, "facebook", "104200000000002"))

    told.observe(_usage(85))
    other.before_request("GET /{page}/feed")
    assert other.pauses == [pytest.approx(told.pace(85))]  # its own answers said nothing

    told.observe(_usage(100, regain_minutes=1))
    other.before_request("GET /{lead}")
    assert 59 < other.pauses[-1] <= 60
    elsewhere.before_request("GET /{page}/feed")
    assert elsewhere.pauses == []


def test_a_late_lower_reading_never_shortens_a_named_wait(redis_client: redis.Redis) -> None:
    clock = FakeClock()
    shared = RedisSharedUsage(redis_client, "facebook", PAGE)
    told, late, waiting = (_governor(clock, shared) for _ in range(3))

    told.observe(_usage(100, regain_minutes=2))
    late.observe(_usage(20))  # an answer sent before the throttle, received after it
    waiting.before_request("POST /batch")

    assert 119 < waiting.pauses[0] <= 120
    assert waiting.pace(shared.read().percent) == 0  # after the wait, the next answer decides


def test_without_redis_each_governor_paces_alone() -> None:
    clock = FakeClock()
    gone = redis.Redis(port=free_port(), socket_connect_timeout=0.2, socket_timeout=0.2,
                       retry=Retry(NoBackoff(), 0))
    governor = _governor(clock, RedisSharedUsage(gone, "facebook", PAGE))

    governor.observe(_usage(85))
    governor.before_request("GET /{page}/feed")

    assert governor.pauses == [pytest.approx(governor.pace(85))]


def test_a_pages_client_gets_its_shared_usage_once_and_a_callers_own_governor_is_kept(
        redis_client: redis.Redis) -> None:
    config = GraphConfig(version="v25.0", base_url="http://127.0.0.1:9")
    client = FacebookClient(config, access_token="EAAGsandboxPageToken")
    assert share_graph_usage(redis_client, client, PAGE)
    first = client.governor.shared  # type: ignore[attr-defined]
    assert share_graph_usage(redis_client, client, "another page")
    assert client.governor.shared is first  # type: ignore[attr-defined]

    own = FacebookClient(config, access_token="EAAGsandboxPageToken", governor=NoGovernor())
    assert not share_graph_usage(redis_client, own, PAGE)
