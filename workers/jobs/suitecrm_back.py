"""When SuiteCRM answers again, the jobs that failed for want of it run now.

A job that failed because SuiteCRM did not answer waits for its retry on the job's
backoff (a rep's update: 5 s, 15 s, 1 min, 5 min, 15 min...). After an outage of a few
minutes the next step is minutes away, and the rep's update waited that long after
SuiteCRM was back. ``workers.throttle`` marks such a job as waiting for SuiteCRM; this
job, run by the scheduler every :data:`EVERY_SECONDS`, finds the marked jobs among those
waiting for a retry and, when SuiteCRM answers one small read, puts them on their queues
at once (their retries left unchanged). A job throttled with a named wait is never
marked: that wait is the service's to choose. Nothing waits: nothing is read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import redis
from rq import get_current_job
from rq.job import Job

from connectors.errors import ConnectorError
from connectors.suitecrm.responses import SERVICE as SUITECRM
from workers.queues import PURPOSES, Purpose, queue
from workers.throttle import WAITS_FOR

FUNCTION = "workers.jobs.suitecrm_back.run_waiting_job"
EVERY_SECONDS = 30


def waiting_jobs(connection: redis.Redis, purposes: Sequence[Purpose] = PURPOSES
                 ) -> list[tuple[Purpose, Job]]:
    """The jobs waiting for a retry that failed because SuiteCRM did not answer."""
    found = []
    for purpose in purposes:
        scheduled = queue(connection, purpose).scheduled_job_registry
        for job in Job.fetch_many(scheduled.get_job_ids(), connection=connection):
            if job is not None and job.meta.get(WAITS_FOR) == SUITECRM:
                found.append((purpose, job))
    return found


def run_waiting(connection: redis.Redis, answers: Callable[[], object],
                purposes: Sequence[Purpose] = PURPOSES) -> list[str]:
    """Put the jobs waiting for SuiteCRM on their queues now if ``answers()`` (one small
    read of SuiteCRM) succeeds; the ids of the jobs moved."""
    waiting = waiting_jobs(connection, purposes)
    if not waiting:
        return []
    try:
        answers()
    except ConnectorError:
        return []  # still away: the jobs keep their backoff
    moved = []
    for purpose, job in waiting:
        target = queue(connection, purpose)
        if target.scheduled_job_registry.remove(job):  # not moved by RQ's scheduler meanwhile
            target.enqueue_job(job)
            moved.append(job.id)
    return moved


def run_waiting_job() -> dict[str, list[str]]:
    """RQ entry point: :func:`run_waiting` with the process runtime's SuiteCRM client."""
    from workers.runtime import current  # the runtime's factories, as recover_job does

    job = get_current_job()
    runtime = current()
    connection = job.connection if job is not None else runtime.redis()
    crm = runtime.suitecrm()
    return {"moved": run_waiting(connection, lambda: crm.list("Users", fields=["user_name"],
                                                              page_size=1))}
