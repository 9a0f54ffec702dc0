"""The one way work is put on RQ queues: queue by purpose, timeout, retries, job id.

Why queues by purpose: a backfill on ``sync`` must never delay a rep's update on ``crm`` or
a webhook on ``webhooks``; workers choose which queues they serve and in what order.
Why one facade: every job gets the same explicit policy (timeout, ``rq.Retry`` with
backoff, how long a failure is kept for reading) and an explicit connection, never an
implicit global one. A deterministic ``job_id`` with RQ's ``unique=True`` is what stops
duplicate work: a redelivered webhook maps to the same id, and RQ refuses the second job
atomically (``DuplicateJobError``), which :func:`enqueue` reports as ``False``.

Queue names stay plain RQ names, so ``rq info`` and rq-dashboard show them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

import redis
from rq import Queue, Retry
from rq.exceptions import DuplicateJobError

Purpose = Literal["webhooks", "sync", "crm", "outbound"]
PURPOSES: tuple[Purpose, ...] = ("webhooks", "sync", "crm", "outbound")
QUEUE_PREFIX = "socialcrm-"


@dataclass(frozen=True, slots=True)
class JobPolicy:
    """How long a job may run, how it is retried, and how long its outcome is kept."""

    timeout_seconds: int = 180
    retries: int = 5
    backoff_seconds: tuple[int, ...] = (10, 30, 120, 600, 1800)
    failure_ttl_seconds: int = 7 * 24 * 3600
    result_ttl_seconds: int = 24 * 3600


DEFAULT_POLICY = JobPolicy()


def queue_name(purpose: Purpose) -> str:
    """The RQ queue name of a purpose (``socialcrm-webhooks``...)."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown queue purpose {purpose!r}; one of {PURPOSES}")
    return QUEUE_PREFIX + purpose


def queue(connection: redis.Redis, purpose: Purpose) -> Queue:
    return Queue(queue_name(purpose), connection=connection)


def enqueue(connection: redis.Redis, purpose: Purpose, function: str, *args: Any,
            job_id: str, policy: JobPolicy = DEFAULT_POLICY) -> bool:
    """Queue ``function`` (a dotted path: a worker on another host imports it by name) with
    ``args`` (ids and small JSON only). True when queued, False when ``job_id`` exists."""
    try:
        queue(connection, purpose).enqueue_call(
            function, args=args, job_id=job_id, unique=True,
            timeout=policy.timeout_seconds, **_options(policy))
    except DuplicateJobError:
        return False
    return True


def enqueue_in(connection: redis.Redis, purpose: Purpose, function: str, *args: Any,
               job_id: str, delay: timedelta, policy: JobPolicy = DEFAULT_POLICY) -> bool:
    """:func:`enqueue`, put on its queue ``delay`` from now by RQ's scheduler (which every
    ``socialcrm worker`` runs). False when ``job_id`` exists, waiting or queued."""
    try:
        queue(connection, purpose).enqueue_in(delay, function, *args, job_id=job_id,
                                              unique=True, job_timeout=policy.timeout_seconds,
                                              **_options(policy))
    except DuplicateJobError:
        return False
    return True


def _options(policy: JobPolicy) -> dict[str, Any]:
    retry = Retry(max=policy.retries, interval=list(policy.backoff_seconds)) \
        if policy.retries else None
    return {"retry": retry, "failure_ttl": policy.failure_ttl_seconds,
            "result_ttl": policy.result_ttl_seconds}
