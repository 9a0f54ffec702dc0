"""The quick updates' RQ jobs: apply a rep's queue (``crm``), post a reply (``outbound``).

Both take an update id only and reload everything (``workers.updates.store``); both are
queued under a job id derived from the update, so an update is queued at most once per
job however often the API or a retried step asks. Transient failures raise and RQ
retries them with the backoff below (a ``Retry-After`` is obeyed instead, see
``workers.throttle``); on a job's last attempt the work gives up with a readable reason
instead of raising, so no update stays ``queued`` for ever.
"""

from __future__ import annotations

from typing import Any

import redis
from rq import get_current_job

from workers.queues import JobPolicy, enqueue
from workers.runtime import current
from workers.throttle import obeys_retry_after
from workers.updates.delivery import deliver
from workers.updates.model import Update
from workers.updates.runner import apply_pending
from workers.updates.store import UpdateStore

APPLY_FUNCTION = "workers.jobs.updates.apply_updates"
POST_FUNCTION = "workers.jobs.updates.post_reply"
# A rep waits on these: retry soon, then less often, for about an hour in all.
APPLY_POLICY = JobPolicy(timeout_seconds=600, retries=6,
                         backoff_seconds=(5, 15, 60, 300, 900, 1800),
                         failure_ttl_seconds=7 * 24 * 3600, result_ttl_seconds=24 * 3600)
POST_POLICY = JobPolicy(timeout_seconds=120, retries=5, backoff_seconds=(10, 60, 300, 900, 1800),
                        failure_ttl_seconds=7 * 24 * 3600, result_ttl_seconds=24 * 3600)


def apply_job_id(update_id: str) -> str:
    return f"update-{update_id}"


def post_job_id(update_id: str) -> str:
    return f"reply-post-{update_id}"


def enqueue_apply(connection: redis.Redis, update_id: str) -> bool:
    """Queue the application of the rep's queue up to ``update_id``; False when queued."""
    return enqueue(connection, "crm", APPLY_FUNCTION, update_id,
                   job_id=apply_job_id(update_id), policy=APPLY_POLICY)


def enqueue_post(connection: redis.Redis, update_id: str) -> bool:
    """Queue the network post of a recorded reply; False when queued already."""
    return enqueue(connection, "outbound", POST_FUNCTION, update_id,
                   job_id=post_job_id(update_id), policy=POST_POLICY)


def _connection() -> redis.Redis:
    job = get_current_job()
    return job.connection if job is not None else current().redis()


def last_attempt() -> bool:
    """Whether RQ will not retry the running job if it fails (no job: run by hand)."""
    job = get_current_job()
    return job is None or not job.retries_left


@obeys_retry_after
def apply_updates(update_id: str) -> dict[str, Any]:
    """RQ entry point: apply the queue of the rep who made ``update_id`` (in order)."""
    runtime = current()
    store = UpdateStore(_connection())
    update = store.get(update_id)
    if update is None:
        return {"update": update_id, "gone": True}

    def post(reply: Update) -> None:
        store.start_delivery(reply.id)
        enqueue_post(store.redis, reply.id)

    summary = apply_pending(store, update.user_id,
                            crm_for=lambda: runtime.rep_suitecrm(update.user_id),
                            post=post, last_attempt=last_attempt())
    return {"update": update_id, **summary.as_dict()}


@obeys_retry_after
def post_reply(update_id: str) -> dict[str, Any]:
    """RQ entry point: post the reply recorded by ``update_id`` to its network, once."""
    store = UpdateStore(_connection())
    update = store.get(update_id)
    if update is None:
        return {"update": update_id, "gone": True}
    delivery = deliver(store, current(), update, last_attempt=last_attempt())
    return {"update": update_id, **delivery}
