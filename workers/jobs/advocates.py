"""The advocate refresh as RQ jobs on ``sync``, debounced per profile.

``enqueue_profile_refresh(redis, profile_id)`` is what the sync calls after it writes an
interaction of a profile. A busy profile (a customer writing ten comments in a minute)
must not queue ten refreshes, yet no comment may be missed, so:

* a **pending slot** per profile (``SET NX`` with a short expiry, holding a fresh
  token) admits one queued refresh; while it is held, more requests are refused (False);
* the job **frees its slot first**, before it reads anything: whatever is written after
  that moment queues a new refresh, whatever was written before is read by this one;
* the slot expires after ``PENDING_SECONDS`` should a job be lost, and the job frees only
  its own token (a slot taken again after an expiry belongs to the newer job);
* each job has its own id (``advocates-<profile>-<token>``), so a finished job's kept
  result never blocks the next one.

Inside, a per-profile Redis lock keeps two refreshes of one profile from interleaving
their writes (one just queued may start while the previous one still writes).
``rescore_all`` queues a refresh of every profile with a score, so that scores decay
even for profiles that say nothing more: the scheduler should run it once a day.
"""

from __future__ import annotations

import logging
import re
import secrets
from datetime import UTC, datetime
from typing import Any

import redis
from redis.exceptions import LockError
from rq import get_current_job

from connectors.errors import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from connectors.suitecrm import Filter
from plugin.advocates import AdvocatePolicy
from plugin.advocates.facts import PROFILES
from workers import queues, runtime
from workers.advocates import refresh_profile
from workers.queues import JobPolicy
from workers.throttle import obeys_retry_after

log = logging.getLogger(__name__)

FUNCTION = "workers.jobs.advocates.refresh_job"
RESCORE_ALL = "workers.jobs.advocates.rescore_all"
POLICY_OPTION = "advocate_policy"  # Runtime.options: an AdvocatePolicy (default if absent)
PENDING_PREFIX = "socialcrm:advocates:pending:"
PENDING_SECONDS = 600
LOCK_PREFIX = "socialcrm:lock:advocates:"
LOCK_WAIT_SECONDS = 30
POLICY = JobPolicy(timeout_seconds=120, retries=3, backoff_seconds=(30, 120, 600),
                   result_ttl_seconds=3600)
PERMANENT = (PermissionDeniedError, AuthenticationError, ValidationError,
             runtime.RuntimeNotInstalled)
_PROFILE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # what an RQ job id may hold
# Delete the slot only when it still holds this job's token.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RefreshFailed(Exception):
    """A refresh no retry can make succeed; the message says what to fix."""


class ProfileBusy(Exception):
    """Another worker held the profile's lock too long; RQ retries the job later."""


def enqueue_profile_refresh(connection: redis.Redis, profile_id: str) -> bool:
    """Queue a refresh of the profile's score; False when one is queued already."""
    if not _PROFILE_ID.match(profile_id):
        raise ValueError(f"not a SuiteCRM record id: {profile_id!r}")
    token = secrets.token_hex(8)
    if not connection.set(PENDING_PREFIX + profile_id, token, nx=True, ex=PENDING_SECONDS):
        return False
    try:
        queued = queues.enqueue(connection, "sync", FUNCTION, profile_id, token,
                                job_id=f"advocates-{profile_id}-{token}", policy=POLICY)
    except BaseException:
        connection.delete(PENDING_PREFIX + profile_id)  # nothing queued: free the slot
        raise
    if not queued:  # a fresh id is never taken; should it be, nothing holds the slot
        connection.delete(PENDING_PREFIX + profile_id)
    return queued


@obeys_retry_after
def refresh_job(profile_id: str, token: str = "") -> dict[str, Any]:
    """RQ entry point: free the pending slot, then refresh under the profile's lock."""
    job = get_current_job()
    try:
        current = runtime.current()
        connection = job.connection if job is not None else current.redis()
        if token:
            connection.eval(_RELEASE, 1, PENDING_PREFIX + profile_id, token)
        policy = current.options.get(POLICY_OPTION)
        lock = connection.lock(LOCK_PREFIX + profile_id, timeout=POLICY.timeout_seconds,
                               blocking_timeout=LOCK_WAIT_SECONDS)
        with lock:
            return refresh_profile(
                connection, current.suitecrm(), profile_id, now=datetime.now(UTC),
                policy=policy if isinstance(policy, AdvocatePolicy) else None).as_dict()
    except NotFoundError:
        return {"profile_id": profile_id, "outcome": "gone"}  # deleted meanwhile
    except LockError as exc:
        raise ProfileBusy(f"profile {profile_id} is being refreshed by another worker; "
                          "retried later") from exc
    except PERMANENT as exc:
        if job is not None:
            job.retries_left = 0  # a refusal or a missing runtime never heals alone
        raise RefreshFailed(f"advocate refresh of {profile_id}: {exc}") from exc


def rescore_all(max_profiles: int = 5000) -> dict[str, int]:
    """Scheduler entry point: queue a refresh of every profile with a score above 0."""
    current = runtime.current()
    job = get_current_job()
    connection = job.connection if job is not None else current.redis()
    queued = busy = 0
    scored = current.suitecrm().iterate(PROFILES, filter=Filter.where(advocate_score__gt=0),
                                        fields=["advocate_score"], page_size=200)
    for count, profile in enumerate(scored):
        if count >= max_profiles:
            break
        if enqueue_profile_refresh(connection, profile.id):
            queued += 1
        else:
            busy += 1
    log.info("advocate rescore: %d queued, %d already queued", queued, busy)
    return {"queued": queued, "already_queued": busy}
