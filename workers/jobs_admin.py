"""What ``socialcrm jobs`` shows and does: queue counts, jobs, failures, requeue, purge.

Everything reads RQ's own structures (queues and registries), so it agrees with
``rq info`` and rq-dashboard. Two things are added for people: a failure's *reason* is
the exception's last line (what went wrong, not a wall of traceback; the traceback is
there for ``--verbose``), and a job's arguments are summarised with anything secret
masked (values of keys that sound secret, every known secret, and long values cut).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import redis
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job
from rq.registry import BaseRegistry, FailedJobRegistry

from connectors.redaction import MASK, known_secrets, redact
from workers.queues import PURPOSES, Purpose, queue

SECRET_WORDS = ("token", "secret", "password", "key", "authorization")
MAX_ARG_CHARS = 40
MAX_ARGS_CHARS = 120


class JobAdminError(Exception):
    """A request about a job that cannot be done; the message fits on one line."""


@dataclass(frozen=True, slots=True)
class QueueCounts:
    purpose: Purpose
    name: str
    queued: int
    started: int
    scheduled: int
    deferred: int
    failed: int


@dataclass(frozen=True, slots=True)
class JobView:
    """One job as people read it (``traceback`` only for failed jobs)."""

    id: str
    queue: str
    function: str
    args: str
    status: str
    enqueued_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    reason: str = ""
    traceback: str = ""


def _summary(value: Any, secrets: Sequence[str], key: str = "") -> str:
    if key and any(word in key.lower() for word in SECRET_WORDS):
        return MASK
    if isinstance(value, dict):
        inner = ", ".join(f"{k}={_summary(v, secrets, str(k))}" for k, v in value.items())
        return "{" + inner + "}"
    text = redact(repr(value), secrets)
    return text if len(text) <= MAX_ARG_CHARS else text[:MAX_ARG_CHARS - 1] + "…"


def summarize_args(args: Iterable[Any], kwargs: dict[str, Any],
                   extra_secrets: Sequence[str] = ()) -> str:
    """``a, b, key=value`` with secrets masked and long values cut."""
    secrets = [*extra_secrets, *known_secrets()]
    parts = [_summary(a, secrets) for a in args]
    parts += [f"{k}={_summary(v, secrets, k)}" for k, v in kwargs.items()]
    text = ", ".join(parts)
    return text if len(text) <= MAX_ARGS_CHARS else text[:MAX_ARGS_CHARS - 1] + "…"


def reason_of(traceback: str) -> str:
    """The exception's last line: ``ValueError: page 123 is gone``."""
    lines = [line.strip() for line in traceback.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no reason recorded)"


def view(job: Job, extra_secrets: Sequence[str] = ()) -> JobView:
    traceback = ""
    found = job.get_status(refresh=False)
    status = str(getattr(found, "value", found) or "unknown")  # a JobStatus enum
    if status == "failed":
        result = job.latest_result()
        traceback = redact((result.exc_string if result else None) or "",
                           [*extra_secrets, *known_secrets()])
    try:
        args = summarize_args(job.args, job.kwargs, extra_secrets)
    except Exception:  # a job whose payload cannot be read is still listed
        args = "(unreadable)"
    return JobView(id=job.id, queue=job.origin, function=str(job.func_name), args=args,
                   status=status, enqueued_at=job.enqueued_at, started_at=job.started_at,
                   ended_at=job.ended_at, reason=reason_of(traceback) if traceback else "",
                   traceback=traceback)


def counts(connection: redis.Redis) -> list[QueueCounts]:
    found = []
    for purpose in PURPOSES:
        q = queue(connection, purpose)
        found.append(QueueCounts(
            purpose=purpose, name=q.name, queued=q.count,
            started=q.started_job_registry.count, scheduled=q.scheduled_job_registry.count,
            deferred=q.deferred_job_registry.count, failed=q.failed_job_registry.count))
    return found


def _fetch(connection: redis.Redis, ids: Sequence[str], extra_secrets: Sequence[str]
           ) -> list[JobView]:
    return [view(job, extra_secrets) for job in Job.fetch_many(ids, connection=connection)
            if job is not None]


def jobs(connection: redis.Redis, purposes: Sequence[Purpose] = PURPOSES, *,
         limit: int = 50, extra_secrets: Sequence[str] = ()) -> list[JobView]:
    """Jobs waiting or running (queued, started, scheduled for a retry, deferred)."""
    found: list[JobView] = []
    for purpose in purposes:
        q = queue(connection, purpose)
        registries: list[BaseRegistry] = [q.started_job_registry, q.scheduled_job_registry,
                                          q.deferred_job_registry]
        ids = [*(r_id for r in registries for r_id in r.get_job_ids(0, limit - 1)),
               *q.get_job_ids(0, limit)]
        found += _fetch(connection, ids[:limit], extra_secrets)
    return found


def failed(connection: redis.Redis, purposes: Sequence[Purpose] = PURPOSES, *,
           limit: int = 50, extra_secrets: Sequence[str] = ()) -> list[JobView]:
    """Failed jobs, newest failure first in each queue."""
    found: list[JobView] = []
    for purpose in purposes:
        registry = _failed_registry(connection, purpose)
        found += _fetch(connection, registry.get_job_ids(0, limit - 1, desc=True),
                        extra_secrets)
    return found


def _failed_registry(connection: redis.Redis, purpose: Purpose) -> FailedJobRegistry:
    registry: FailedJobRegistry = queue(connection, purpose).failed_job_registry
    return registry


def requeue(connection: redis.Redis, job_id: str) -> JobView:
    """Put one failed job back on its queue."""
    try:
        job = Job.fetch(job_id, connection=connection)
    except NoSuchJobError:
        raise JobAdminError(f"no job {job_id!r} (it may have expired)") from None
    try:
        job.requeue()
    except InvalidJobOperation:
        status = job.get_status(refresh=True)
        raise JobAdminError(f"job {job_id!r} is not failed (it is {status}): only failed "
                            "jobs can be requeued") from None
    return view(job)


def requeue_all(connection: redis.Redis, purposes: Sequence[Purpose] = PURPOSES) -> int:
    count = 0
    for purpose in purposes:
        registry = _failed_registry(connection, purpose)
        for job_id in registry.get_job_ids():
            try:
                registry.requeue(job_id)
                count += 1
            except (InvalidJobOperation, NoSuchJobError):
                continue  # requeued or expired meanwhile
    return count


def purge_failed(connection: redis.Redis, purposes: Sequence[Purpose] = PURPOSES) -> int:
    """Delete every failed job (and its record) of the given queues."""
    count = 0
    for purpose in purposes:
        registry = _failed_registry(connection, purpose)
        for job_id in registry.get_job_ids():
            registry.remove(job_id, delete_job=True)
            count += 1
    return count
