"""The outbox drain as an RQ job, and the wake-up that queues it.

A SuiteCRM change notice is a wake-up call: the changes themselves are in the package's
outbox, so taking a notice in only asks for a drain (:func:`request_drain`); a periodic
drain (the scheduler) catches up when a notice never came.

One drain at a time per SuiteCRM: many wake-ups arrive together (a mass update of 50
records under PHP-FPM may send five notices), and two drains at once would read the same
rows twice. So:

* at most one drain *waits* in the queue: a wake-up sets a marker (``SET NX``) and
  queues a job only when there was none; the job clears the marker when it starts, so a
  wake-up that comes while a drain runs queues the next one, which reads what the running
  drain may have missed;
* at most one drain *runs*: the job holds a Redis lock while it drains; a second job
  waits for it and then drains what is left.

The job takes no arguments and no secrets: the worker process's runtime
(``workers.runtime``) gives it the service account's SuiteCRM client and, in its options,
the service account's own user id when the site has one (``SERVICE_USER_OPTION``) and how
many applied rows to keep in SuiteCRM as a margin (``KEEP_OPTION``, default
``workers.crm_outbox.DEFAULT_KEEP``, never fewer than its ``LOOKBACK``).
"""

from __future__ import annotations

import logging
import uuid

import redis
from rq import get_current_job

from workers import runtime
from workers.crm_outbox import DEFAULT_KEEP, LOOKBACK, DrainResult, drain
from workers.jobs import close_loop, feed
from workers.queues import JobPolicy, Purpose, enqueue
from workers.throttle import obeys_retry_after

log = logging.getLogger(__name__)

FUNCTION = "workers.jobs.outbox.drain_job"
PURPOSE: Purpose = "webhooks"  # realtime: a wake-up follows a user's change
QUEUED_KEY = "socialcrm:outbox:suitecrm:queued"
LOCK_KEY = "socialcrm:outbox:suitecrm:lock"
SERVICE_USER_OPTION = "suitecrm_service_user_id"
KEEP_OPTION = "suitecrm_outbox_keep"
POLICY = JobPolicy(timeout_seconds=600, retries=5, backoff_seconds=(5, 30, 120, 600, 1800),
                   failure_ttl_seconds=7 * 24 * 3600, result_ttl_seconds=3600)
# A queued marker outlives no job: if the queue is lost (a Redis restore), wake-ups
# queue drains again after this long.
QUEUED_TTL_SECONDS = 900
LOCK_SECONDS = POLICY.timeout_seconds + 60  # held no longer than the job may run
LOCK_WAIT_SECONDS = 120  # then RQ retries the job later


def request_drain(connection: redis.Redis) -> bool:
    """Queue a drain unless one is already waiting to start; True when this queued it."""
    if not connection.set(QUEUED_KEY, "1", nx=True, ex=QUEUED_TTL_SECONDS):
        return False
    try:
        enqueue(connection, PURPOSE, FUNCTION, job_id=f"suitecrm-outbox-{uuid.uuid4().hex}",
                policy=POLICY)
    except BaseException:
        connection.delete(QUEUED_KEY)
        raise
    return True


@obeys_retry_after
def drain_job() -> dict[str, int | bool]:
    """RQ entry point: drain the outbox with the runtime's SuiteCRM client; the result
    as a small dict. Queues the next drain when this one stopped with rows left."""
    current = runtime.current()
    job = get_current_job()
    connection = job.connection if job is not None else current.redis()
    result = drain_once(connection, current)
    if result.more:
        request_drain(connection)
    if result.applied:
        feed.enqueue_drain(connection)  # the reps' feeds take the changes in now
        close_loop.enqueue_drain(connection)  # a closed social Case gets its draft now
    return result.as_dict()


def drain_once(connection: redis.Redis, current: runtime.Runtime) -> DrainResult:
    """One drain under the lock (waiting for a running one first)."""
    connection.delete(QUEUED_KEY)  # from now on a wake-up queues the next drain
    service_user = current.options.get(SERVICE_USER_OPTION)
    # Never under the look-back: a late row below the newest pruned one would go unread.
    keep = max(int(current.options.get(KEEP_OPTION, DEFAULT_KEEP)), LOOKBACK)
    with connection.lock(LOCK_KEY, timeout=LOCK_SECONDS, blocking_timeout=LOCK_WAIT_SECONDS):
        result = drain(connection, current.suitecrm(), keep=keep,
                       service_user_id=str(service_user) if service_user else None)
    log.info("change outbox drained: %s", result)
    return result
