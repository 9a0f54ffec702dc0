"""A job that was told to wait retries when the service said, not on the fixed backoff.

Why: when SuiteCRM, Graph or LinkedIn answer "too many requests" or "unavailable" with a
``Retry-After``, the connectors raise ``RetryLaterError`` carrying it. RQ would retry on
the job's fixed intervals (10 s, 30 s, 2 min...): too early hammers a service that asked
for quiet, too late delays the rep. So the running job's next retry is set to exactly the
asked wait, and a throttle (the service is fine, just busy) costs no retry: only real
failures use up a job's retries.

Graph's usage and throttles are per Page, but a worker builds a Graph client (and its
usage governor) per job, so alone each job, process and host would learn a throttle by
calling into it. ``RedisSharedUsage`` is the governors' common memory per Page (one small
hash): the latest usage any of them saw and the longest wait any answer named, on Redis'
clock so hosts agree; ``share_graph_usage`` hands it to a client's governor. A named wait
only grows (a late answer from before the throttle cannot shorten it) and lapses by itself.
After a named wait the next answer decides the pace, as in a governor alone.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar, cast

import redis
from redis.exceptions import RedisError
from rq import get_current_job
from rq.job import Job

from connectors.errors import RateLimitedError, RetryLaterError, UnavailableError
from connectors.facebook import FacebookClient, UsageGovernor
from connectors.facebook.governor import SharedReading
from connectors.suitecrm.responses import SERVICE as SUITECRM  # what its errors name

log = logging.getLogger(__name__)

WAITS_FOR = "socialcrm_waits_for"  # job meta: the service a failed job waits for

P = ParamSpec("P")
R = TypeVar("R")

USAGE_PREFIX = "socialcrm:throttle:usage:"
USAGE_TTL_SECONDS = 900  # a usage reading older than this says nothing any more

# KEYS[1] the Page's hash. ARGV[1] percent, ARGV[2] named wait in milliseconds (-1: none),
# ARGV[3] TTL seconds. Fields: pace (the percent to pace by: 0 once a wait was named, the
# next answer decides after it), resume (Redis time in milliseconds when access is
# back; milliseconds stay exact in Lua's numbers and their text).
_RECORD = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local wait = tonumber(ARGV[2])
if wait >= 0 then
  local resume = now + wait
  local stored = tonumber(redis.call('HGET', KEYS[1], 'resume') or '0')
  if stored > resume then resume = stored end
  redis.call('HSET', KEYS[1], 'pace', '0', 'resume', tostring(resume))
else
  redis.call('HSET', KEYS[1], 'pace', ARGV[1])
end
local ttl = tonumber(ARGV[3])
local resume = tonumber(redis.call('HGET', KEYS[1], 'resume') or '0')
if resume > now and math.ceil((resume - now) / 1000) > ttl then
  ttl = math.ceil((resume - now) / 1000)
end
redis.call('EXPIRE', KEYS[1], ttl)
return 1
"""
# KEYS[1] the Page's hash; returns {pace percent, milliseconds until access is back}.
_READ = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local pace = redis.call('HGET', KEYS[1], 'pace') or '0'
local resume = tonumber(redis.call('HGET', KEYS[1], 'resume') or '0')
local left = resume - now
if left < 0 then left = 0 end
return {pace, tostring(left)}
"""


def wait_as_told(job: Job | None, error: RetryLaterError) -> None:
    """Make ``job``'s next retry wait what ``error`` asked (nothing when it said nothing)."""
    if job is None or error.retry_after is None:
        return
    wait = max(1, math.ceil(error.retry_after))
    job.retry_intervals = [wait] * max(1, len(job.retry_intervals or ()))
    if isinstance(error, RateLimitedError) and job.retries_left is not None:
        job.retries_left += 1  # throttled, not failed: the retry is not used up


def mark_waiting(job: Job | None, error: RetryLaterError) -> None:
    """Mark a job that failed because SuiteCRM did not answer (down, refusing, timing
    out, 5xx without a named wait) as waiting for it, so ``workers.jobs.suitecrm_back``
    can run it as soon as SuiteCRM answers again instead of at its backoff's next step;
    any other reason clears the mark."""
    if job is None:
        return
    waits = (isinstance(error, UnavailableError) and error.service == SUITECRM
             and error.retry_after is None)
    if waits == (job.meta.get(WAITS_FOR) == SUITECRM):
        return
    if waits:
        job.meta[WAITS_FOR] = SUITECRM
    else:
        job.meta.pop(WAITS_FOR, None)
    try:
        job.save_meta()  # type: ignore[no-untyped-call]
    except RedisError as exc:  # the job's own error is the one to report
        log.warning("job %s: not marked as waiting for SuiteCRM (%s)", job.id, exc)


@contextmanager
def retries_as_told() -> Iterator[None]:
    """Around a job's work: a ``RetryLaterError`` sets the retry's wait (and marks a job
    waiting for SuiteCRM), then goes on up."""
    try:
        yield
    except RetryLaterError as error:
        job = get_current_job()
        wait_as_told(job, error)
        mark_waiting(job, error)
        raise


def obeys_retry_after(function: Callable[P, R]) -> Callable[P, R]:
    """The job function, with ``retries_as_told`` around it."""

    @wraps(function)
    def job(*args: P.args, **kwargs: P.kwargs) -> R:
        with retries_as_told():
            return function(*args, **kwargs)

    return job


class RedisSharedUsage:
    """``connectors.facebook.governor.SharedUsage`` in one Redis hash per Page.

    Redis trouble never breaks a Graph call: reading answers nothing shared and recording
    is skipped, each logged (the governor still obeys its own answers).
    """

    def __init__(self, client: redis.Redis, network: str, account_id: str) -> None:
        self.key = f"{USAGE_PREFIX}{network}:{account_id}"
        self._read = client.register_script(_READ)  # EVALSHA, loaded again if flushed
        self._record = client.register_script(_RECORD)

    def read(self) -> SharedReading:
        try:
            pace, left = cast("list[bytes]", self._read(keys=[self.key]))
        except RedisError as exc:
            log.warning("shared Graph usage unreadable (%s): this job paces alone", exc)
            return SharedReading()
        return SharedReading(percent=float(pace), wait=int(left) / 1000)

    def record(self, percent: float, wait: float | None) -> None:
        millis = -1 if wait is None else max(0, math.ceil(wait * 1000))
        try:
            self._record(keys=[self.key],
                         args=[repr(float(percent)), millis, USAGE_TTL_SECONDS])
        except RedisError as exc:
            log.warning("shared Graph usage not recorded (%s)", exc)


def share_graph_usage(client: redis.Redis, facebook: FacebookClient, page_id: str) -> bool:
    """Give ``facebook``'s usage governor the Page's shared usage, unless it has one already;
    False when its governor is not a ``UsageGovernor`` (a caller's own, left alone)."""
    governor = facebook.governor
    if not isinstance(governor, UsageGovernor):
        return False
    if governor.shared is None:
        governor.share(RedisSharedUsage(client, "facebook", page_id))
    return True
