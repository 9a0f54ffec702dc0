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

Redis outages and failovers. RQ retries a lost connection only while it waits for a job;
one lost while it starts (registers, subscribes, starts its scheduler), checks for
suspension, records a job's outcome or sends a heartbeat ends its loop, and the process
exits (under ``socialcrm run`` that stops everything).
``SocialCRMWorker`` rides such an outage out instead: it logs one line, retries with a
capped, jittered back-off until Redis (or, through Sentinel, the new primary) answers,
then registers itself anew and runs a recovery pass (``workers.recovery``), which gives
back the job it was running (jobs are safe to run twice: the create finds the record by
its derived id) and any rep lock it held; and it restarts RQ's scheduler process, which
dies on the same error, so the retries it schedules are not left waiting ten minutes.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import redis
from rq import Queue, SimpleWorker
from rq.exceptions import StopRequested
from rq.job import Job
from rq.worker import WorkerStatus
from rq.worker_pool import WorkerPool

from workers.queues import PURPOSES, Purpose, queue_name
from workers.recovery import recover
from workers.redis_connect import connect
from workers.runtime import Runtime, current, install

log = logging.getLogger(__name__)

DEFAULT_ORDER: tuple[Purpose, ...] = ("crm", "webhooks", "outbound", "sync")
WORKER_CLASS = "workers.worker.SocialCRMWorker"
# Redis gone, or (READONLY) no longer the primary: a failover behind a DNS name.
REDIS_DOWN = (redis.ConnectionError, redis.TimeoutError, redis.ReadOnlyError)
FIRST_WAIT_SECONDS = 0.5
MAX_WAIT_SECONDS = 30.0
T = TypeVar("T")


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
    (one started by plain ``rq worker``), instead of failing every job it takes, and that
    rides out a Redis outage or failover (see the module docstring)."""

    def work(self, *args: Any, **kwargs: Any) -> bool:
        current()  # raises RuntimeNotInstalled with what to run instead
        return bool(super().work(*args, **kwargs))

    def bootstrap(self, *args: Any, **kwargs: Any) -> None:
        """RQ's start (register, subscribe, set the state), riding out an outage that
        begins in the middle of it: once Redis answers the worker registers anew (the
        ride-out's rejoin) and listens for commands if it did not yet."""
        try:
            super().bootstrap(*args, **kwargs)
        except REDIS_DOWN as error:
            self._ride_out(error)
            if self.pubsub_thread is None:
                self._or_skip(self.subscribe)

    def _start_scheduler(self, *args: Any, **kwargs: Any) -> None:
        self._until_done(super()._start_scheduler, *args, **kwargs)

    # The steps of RQ's loop that talk to Redis and end the loop on a lost connection.
    def check_for_suspension(self, burst: bool) -> None:
        self._until_done(super().check_for_suspension, burst)

    def run_maintenance_tasks(self) -> None:
        self._or_skip(super().run_maintenance_tasks)

    def dequeue_job_and_maintain_ttl(self, timeout: int | None, max_idle_time: int | None = None
                                     ) -> tuple[Job, Queue] | None:
        # RQ ends its loop on None ("no job"), so after an outage ask again.
        return self._until_done(super().dequeue_job_and_maintain_ttl, timeout, max_idle_time)

    def execute_job(self, job: Job, queue: Queue) -> None:
        # Its outcome may not be recorded: the recovery pass after the outage gives it back.
        self._or_skip(super().execute_job, job, queue)

    def heartbeat(self, timeout: int | None = None, pipeline: Any = None) -> None:
        if pipeline is not None:  # part of a caller's pipeline: the caller sends it
            super().heartbeat(timeout, pipeline)
            return
        if self._or_skip(super().heartbeat, timeout) is not _SKIPPED:
            self._keep_scheduler_alive()

    def teardown(self) -> None:
        try:
            super().teardown()  # type: ignore[no-untyped-call]
        except REDIS_DOWN as error:  # stopping during an outage: nothing left to tell
            self.log.warning("Worker %s: stopped without deregistering, Redis unreachable "
                             "(%s)", self.name, error)

    def _until_done(self, step: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        while True:
            try:
                return step(*args, **kwargs)
            except REDIS_DOWN as error:
                self._ride_out(error)

    def _or_skip(self, step: Callable[..., T], *args: Any) -> T | object:
        try:
            return step(*args)
        except REDIS_DOWN as error:
            self._ride_out(error)
            return _SKIPPED

    def _ride_out(self, error: Exception) -> None:
        """Wait (capped, jittered back-off) until Redis answers, then rejoin; one log line
        when the outage starts, one when it ends. A stop request ends the wait."""
        began = time.monotonic()
        self.log.warning("Worker %s: Redis unreachable (%s); retrying for as long as it "
                         "takes, at most every %g s", self.name, error, MAX_WAIT_SECONDS)
        wait = FIRST_WAIT_SECONDS
        while True:
            if self._stop_requested:
                raise StopRequested()
            try:
                # A SIGTERM while busy records the request in Redis: that fails here too.
                time.sleep(random.uniform(wait / 2, wait))
                given_back = self._rejoin()
            except REDIS_DOWN:
                wait = min(wait * 2, MAX_WAIT_SECONDS)
                continue
            self.log.warning("Worker %s: Redis answers again after %.1f s; gave back %s",
                             self.name, time.monotonic() - began, given_back or "nothing")
            return

    def _rejoin(self) -> dict[str, list[str]]:
        """Register anew (Redis, or the new primary, may not know this worker, and must
        not take the job it was running for a live one), recover what the outage left
        (that job included) and restart RQ's scheduler if it died."""
        self.executions.clear()  # jobs run in this thread: none is running now
        self.connection.connection_pool.disconnect()  # none may stay on a demoted primary
        self.register_death()  # type: ignore[no-untyped-call]
        self.register_birth()  # type: ignore[no-untyped-call]
        self.set_state(WorkerStatus.IDLE)
        purposes = [p for p in PURPOSES if queue_name(p) in self.queue_names()]
        done = recover(self.connection, purposes).as_dict()
        self._keep_scheduler_alive()
        return {kind: items for kind, items in done.items() if items}

    def _keep_scheduler_alive(self) -> None:
        """Restart RQ's scheduler process when it died (as RQ's own maintenance pass does,
        which comes only every ten minutes); it takes its queues' locks back under its
        own name."""
        scheduler = self.scheduler
        process = getattr(scheduler, "_process", None)  # RQ's maintenance checks it so too
        if self._stop_requested or scheduler is None or process is None or process.is_alive():
            return  # (stopping: RQ stopped it on purpose, and would leave a new one behind)
        scheduler.acquire_locks(auto_start=True)  # type: ignore[no-untyped-call]
        if getattr(scheduler, "_process", None) is not process:
            self.log.warning("Worker %s: restarted RQ's scheduler, which had died",
                             self.name)


_SKIPPED = object()


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
    connection = connect(runtime.redis_url)
    # A worker killed mid-job leaves its job started and a rep's lock held for minutes:
    # give them back before taking new work (and every minute: the schedule's recovery).
    recovered = _when_redis_answers(lambda: recover(connection, purposes))
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


def _when_redis_answers(step: Callable[[], T]) -> T:
    """``step()``, retried with a capped back-off while Redis does not answer (a worker
    started during an outage waits for it instead of exiting)."""
    wait, logged = FIRST_WAIT_SECONDS, False
    while True:
        try:
            return step()
        except REDIS_DOWN as error:
            if not logged:
                log.warning("Redis unreachable (%s); waiting for it before starting", error)
                logged = True
            time.sleep(wait)
            wait = min(wait * 2, MAX_WAIT_SECONDS)
