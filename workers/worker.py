"""Worker processes: RQ workers on the SocialCRM queues, with the runtime installed.

Why RQ's ``SimpleWorker`` (jobs run in the worker process, no fork per job): the
runtime caches the SuiteCRM service client (one OAuth token for all jobs) and the
token store's connections per process, and a fork per job would throw them away after
every job, logging in to SuiteCRM again for each. Isolation comes from processes instead:
``--processes N`` runs N workers under RQ's ``WorkerPool``, which respawns one that
dies; a job's timeout is enforced in-process by RQ's signal-based death penalty.

The pool forks its workers from the process that installed the runtime, so each child
inherits the runtime's factories but builds its own clients on first use (nothing is
built before the fork, so no socket is shared between processes).

Queue order is priority order: a worker always takes the first non-empty queue in its
list, so with the default (crm, webhooks, outbound, sync) a backfill on ``sync`` waits
while a rep's update on ``crm`` is pending.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import redis
from rq import Queue, SimpleWorker
from rq.worker_pool import WorkerPool

from workers.queues import PURPOSES, Purpose, queue_name
from workers.recovery import recover
from workers.runtime import Runtime, current, install

log = logging.getLogger(__name__)

DEFAULT_ORDER: tuple[Purpose, ...] = ("crm", "webhooks", "outbound", "sync")
WORKER_CLASS = "workers.worker.SocialCRMWorker"


class QuickExitWorker(SimpleWorker):
    """RQ's in-process worker, stopping in about a second instead of up to a minute
    (``rq worker --worker-class workers.worker.QuickExitWorker`` for jobs that need no
    runtime, such as intake)."""

    def unsubscribe(self) -> None:
        """Stop listening for commands without hanging on exit.

        RQ 3.0 unsubscribes, then calls ``stop()`` on redis-py's listener thread; since
        redis-py 8 that joins with no time limit, while the thread, no longer
        subscribed, waits up to 60 s for a subscription: every worker took up to a
        minute to stop. The thread is a daemon, so a bounded wait is enough.
        """
        thread: Any = self.pubsub_thread  # None until the worker subscribed
        pubsub: Any = self.pubsub
        if not thread or pubsub is None:
            return
        self.log.info("Worker %s: unsubscribing from channel %s", self.name,
                      self.pubsub_channel_name)
        pubsub.unsubscribe()
        thread.stop(timeout=1)
        pubsub.close()


class SocialCRMWorker(QuickExitWorker):
    """An RQ worker that refuses to start in a process without a SocialCRM runtime
    (one started by plain ``rq worker``), instead of failing every job it takes."""

    def work(self, *args: Any, **kwargs: Any) -> bool:
        current()  # raises RuntimeNotInstalled with what to run instead
        return bool(super().work(*args, **kwargs))


def purposes_in_order(chosen: Sequence[str] | None) -> list[Purpose]:
    """The chosen purposes in the order given (default: priority order); unknown names
    are a ``ValueError`` naming the known ones."""
    if not chosen:
        return list(DEFAULT_ORDER)
    unknown = [name for name in chosen if name not in PURPOSES]
    if unknown:
        raise ValueError(f"unknown queue {', '.join(unknown)}: choose from "
                         f"{', '.join(DEFAULT_ORDER)}")
    ordered: list[Purpose] = []
    for name in chosen:
        purpose = next(p for p in PURPOSES if p == name)
        if purpose not in ordered:
            ordered.append(purpose)
    return ordered


def run_workers(runtime: Runtime, purposes: Sequence[Purpose], *, burst: bool = False,
                processes: int = 1, logging_level: str = "INFO") -> bool:
    """Install ``runtime`` and work the queues until stopped (or, with ``burst``, until
    they are empty). Returns whether any job ran (always True for a pool)."""
    if processes < 1:
        raise ValueError("processes must be at least 1")
    install(runtime)
    connection = redis.Redis.from_url(runtime.redis_url)
    # A worker killed mid-job leaves its job started and a rep's lock held for minutes:
    # give them back before taking new work (and every minute: the schedule's recovery).
    recovered = recover(connection, purposes)
    if any(recovered.as_dict().values()):
        log.warning("recovered what dead workers left: %s", recovered.as_dict())
    names = [queue_name(purpose) for purpose in purposes]
    log.info("working %s with %d process(es)%s", ", ".join(names), processes,
             " until the queues are empty" if burst else "")
    if processes == 1:
        worker = SocialCRMWorker([Queue(name, connection=connection) for name in names],
                                 connection=connection)
        return bool(worker.work(burst=burst, with_scheduler=True,
                                logging_level=logging_level))
    pool = WorkerPool(names, connection=connection, num_workers=processes,
                      worker_class=SocialCRMWorker)
    pool.start(burst=burst, logging_level=logging_level)
    return True
