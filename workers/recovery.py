"""Recovering what a dead worker left behind: its started job and the rep's lock it held.

Why this exists. A worker killed in the middle of a job (SIGKILL, OOM killer, a host
lost, a Redis outage that crashed it) leaves three things in Redis:

* the job in RQ's started registry, ``STARTED``. RQ 3 does recover it by itself
  (``StartedJobRegistry.cleanup`` retries an abandoned job that has retries left), but
  only once the entry expires, which for a ``SimpleWorker`` is the job's timeout plus
  60 s (the apply job: 600 + 60 s), and only at a worker's next maintenance pass (every
  10 minutes): 11 to 21 minutes during which the rep's update waits, and a job on its
  last attempt is moved to the failed registry instead, leaving its update ``queued``;
* the rep's lock (``workers.updates.runner.LOCK``, 11 minutes): every other job of that
  rep waits 30 s for it, fails and is retried later, so the whole rep queue stalls;
* possibly a rep's pending updates with no job left to apply them.

:func:`recover` finds the started jobs whose worker is gone and puts them back at the
front of their queue at once (without using up a retry: the job did not fail, its process
died; jobs are safe to run twice, and a create finds the record a lost answer made), then
releases rep locks that no live worker holds, then queues the head of any rep queue that
no job will apply.

When is a worker gone? Its RQ key expired (it stopped heartbeating), or it runs on this
host and its process no longer exists (a pid reused by a newer process counts as gone).
A worker on another host is trusted until its key expires: only that host can see its
processes. So run this on every worker host: at worker start-up (a restarted worker
cleans up after the one it replaces) and every minute from the scheduler
(:data:`FUNCTION`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import redis
from rq import Queue, Worker
from rq.exceptions import NoSuchJobError
from rq.executions import Execution
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry
from rq.worker import BaseWorker

from workers.jobs.updates import apply_job_id, enqueue_apply
from workers.queues import PURPOSES, Purpose, queue_name
from workers.updates.runner import LOCK, LOCK_SECONDS
from workers.updates.store import PREFIX, UpdateStore

log = logging.getLogger(__name__)

FUNCTION = "workers.recovery.recover_job"
APPLY_JOB_PREFIX = apply_job_id("")
PENDING_PATTERN = PREFIX + "pending:*"
CLOCK_SLACK_SECONDS = 0.5  # the worker hosts' clocks may differ a little
LIVE_STATES = frozenset({JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.STARTED,
                         JobStatus.DEFERRED})
# Delete the lock only if it is still the acquisition seen before looking at the workers.
_RELEASE_IF_SAME = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


@dataclass
class Recovered:
    """What one pass put right (job ids, rep user ids)."""

    requeued_jobs: list[str] = field(default_factory=list)
    released_locks: list[str] = field(default_factory=list)
    queued_reps: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[str]]:
        return {"requeued_jobs": self.requeued_jobs, "released_locks": self.released_locks,
                "queued_reps": self.queued_reps}


def recover(connection: redis.Redis, purposes: Sequence[Purpose] = PURPOSES) -> Recovered:
    """One recovery pass over ``purposes``' queues (see the module docstring)."""
    done = Recovered()
    locks = _rep_locks(connection)  # read before the workers: see _release_stale_locks
    running = _live_executions(connection)
    for purpose in purposes:
        done.requeued_jobs += _requeue_abandoned(connection, queue_name(purpose), running)
    done.released_locks = _release_stale_locks(connection, locks, running)
    done.queued_reps = _queue_orphaned_reps(connection)
    if done.requeued_jobs or done.released_locks or done.queued_reps:
        log.warning("recovered after dead workers: %s", done.as_dict())
    return done


def recover_job() -> dict[str, list[str]]:
    """RQ entry point for the scheduler: one pass on the job's own Redis."""
    from rq import get_current_job

    from workers.runtime import current
    job = get_current_job()
    connection = job.connection if job is not None else current().redis()
    return recover(connection).as_dict()


def _live_executions(connection: redis.Redis) -> set[str]:
    """The composite keys (``job:execution``) that live workers are running now."""
    running: set[str] = set()
    for worker in Worker.all(connection=connection):
        if not _alive(worker):
            continue
        members = cast("set[bytes]", connection.smembers(worker.executions_key))
        running.update(member.decode() for member in members)
    return running


def _alive(worker: BaseWorker) -> bool:
    """False when the worker's process is known to be gone (this host only)."""
    if worker.hostname != socket.gethostname() or not worker.pid:
        return True
    return process_alive(worker.pid, since=worker.birth_date)


def process_alive(pid: int, *, since: datetime | None = None) -> bool:
    """Whether ``pid`` runs, is not a zombie, and (when ``since`` is given and /proc
    tells) started before ``since``: a later start is another process under a reused pid."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        boot = next(int(line.split()[1]) for line in Path("/proc/stat").read_text()
                    .splitlines() if line.startswith("btime "))
    except (OSError, StopIteration, IndexError, ValueError):
        return True  # no /proc: trust the pid
    if stat[0] == "Z":
        return False
    if since is not None:
        started = boot + int(stat[19]) / os.sysconf("SC_CLK_TCK")
        if started > since.replace(tzinfo=since.tzinfo or UTC).timestamp() + 2:
            return False
    return True


def _requeue_abandoned(connection: redis.Redis, name: str, running: set[str]) -> list[str]:
    queue = Queue(name, connection=connection)
    registry = StartedJobRegistry(name, connection=connection)
    requeued = []
    for job_id, execution_id in registry.get_job_and_execution_ids(cleanup=False):
        composite = f"{job_id}:{execution_id}"
        if composite in running:
            continue
        _forget_execution(connection, registry, job_id, execution_id)
        try:
            job = Job.fetch(job_id, connection=connection)
        except NoSuchJobError:
            continue
        if job.get_status() != JobStatus.STARTED:
            continue  # a leftover entry of a job that ended
        if any(other.startswith(f"{job_id}:") for other in running):
            continue  # already taken up again by a live worker (queued anew meanwhile)
        queue.enqueue_job(job, at_front=True)
        requeued.append(job_id)
    return requeued


def _forget_execution(connection: redis.Redis, registry: StartedJobRegistry, job_id: str,
                      execution_id: str) -> None:
    execution = Execution(execution_id, job_id, connection=connection)
    # The execution's hash may have expired: then only the registry entry is left.
    with contextlib.suppress(ValueError, KeyError, TypeError):
        execution.refresh()  # type: ignore[no-untyped-call]
    with connection.pipeline() as pipe:
        pipe.zrem(registry.key, execution.composite_key)
        pipe.delete(execution.key)
        if execution.worker_name:
            pipe.srem(execution.worker_executions_key, execution.composite_key)
        pipe.execute()


def _rep_locks(connection: redis.Redis) -> dict[str, tuple[bytes, float]]:
    """Each held rep lock's user id, token (which acquisition holds it) and when it was
    taken (epoch seconds, from its TTL: the runner takes it for ``LOCK_SECONDS``)."""
    locks: dict[str, tuple[bytes, float]] = {}
    for key in connection.scan_iter(match=LOCK + "*", count=500):
        with connection.pipeline(transaction=False) as pipe:
            pipe.get(key)
            pipe.pttl(key)
            token, ttl_ms = pipe.execute()
        if token is not None and int(ttl_ms) > 0:
            taken_at = time.time() - (LOCK_SECONDS * 1000 - int(ttl_ms)) / 1000
            locks[_text(key).removeprefix(LOCK)] = (token, taken_at)
    return locks


def _release_stale_locks(connection: redis.Redis, locks: dict[str, tuple[bytes, float]],
                         running: set[str]) -> list[str]:
    """Release each lock of a rep that no live worker is applying.

    Sound without a lock of its own: a live holder runs one of the rep's apply jobs for
    as long as it holds the lock, so it shows in ``running`` (read after the token), and
    it started that run before it took the lock. A run of the rep that started after the
    lock was taken is waiting for it, not holding it (after a Redis failover every worker
    rejoins at once, and one may take the rep's next job before another's recovery pass
    finds the lock the dead run held). A holder that finished meanwhile released the
    lock, and a new acquisition has another token: the compare-and-delete leaves both
    alone."""
    started = _reps_being_applied(connection, running)
    release = connection.register_script(_RELEASE_IF_SAME)
    released = []
    for user_id, (token, taken_at) in locks.items():
        if user_id in started and started[user_id] <= taken_at + CLOCK_SLACK_SECONDS:
            continue
        if release(keys=[LOCK + user_id], args=[token]):
            released.append(user_id)
    return released


def _reps_being_applied(connection: redis.Redis, running: Iterable[str]) -> dict[str, float]:
    """The reps whose queue a live worker's run is applying, each with the earliest
    start of those runs (epoch seconds; 0 when the run's record is gone: assume early)."""
    store = UpdateStore(connection)
    reps: dict[str, float] = {}
    for composite in running:
        job_id, _, execution_id = composite.partition(":")
        if not job_id.startswith(APPLY_JOB_PREFIX):
            continue
        update = store.get(job_id.removeprefix(APPLY_JOB_PREFIX))
        if update is None:
            continue
        try:
            began = Execution.fetch(execution_id, job_id, connection).created_at.timestamp()
        except (ValueError, KeyError, TypeError):
            began = 0.0
        reps[update.user_id] = min(began, reps.get(update.user_id, began))
    return reps


def _queue_orphaned_reps(connection: redis.Redis) -> list[str]:
    """Queue the head of every rep queue that no live job will apply (its job was lost,
    or ended for good while the update was still pending)."""
    store = UpdateStore(connection)
    queued = []
    for key in connection.scan_iter(match=PENDING_PATTERN, count=500):
        user_id = _text(key).removeprefix(PREFIX + "pending:")
        pending = store.pending(user_id)
        if not pending or any(_job_lives(connection, apply_job_id(i)) for i in pending):
            continue
        head = pending[0]
        if not enqueue_apply(connection, head):
            Queue(queue_name("crm"), connection=connection).enqueue_job(
                Job.fetch(apply_job_id(head), connection=connection), at_front=True)
        queued.append(user_id)
    return queued


def _job_lives(connection: redis.Redis, job_id: str) -> bool:
    try:
        status: Any = Job.fetch(job_id, connection=connection).get_status()
    except NoSuchJobError:
        return False
    return status in LIVE_STATES


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
