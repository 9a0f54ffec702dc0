"""Periodic work: one table, run by RQ's own cron scheduler (``rq.cron``).

Why RQ's scheduler: the jobs it enqueues are ordinary RQ jobs on our queues (they show
in ``rq info`` and ``socialcrm jobs``, fail into the same registry, run on the same
workers), and ``CronScheduler`` already handles intervals, cron strings, heartbeats and
a clean stop. We add one thing: a leader lease, so a scheduler can run on every host for
failover while only one of them enqueues.

Adding periodic work is one line in ``SCHEDULE``: a name, the job's dotted path, and
``every`` (seconds) or ``cron``. An ``every`` entry runs as soon as a scheduler starts
leading, then every interval; a ``cron`` entry at the times its expression names (local
time of the scheduler's host).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import redis
from rq.cron import CronScheduler
from rq.utils import import_attribute

from workers.jobs.advocates import RESCORE_ALL as RESCORE_ADVOCATES
from workers.jobs.checks import (
    CHECK_API_VERSIONS,
    CHECK_TOKENS,
    TOKEN_ALERT_DAYS,
    VERSION_ALERT_DAYS,
)
from workers.jobs.close_loop import FUNCTION as DRAIN_CLOSURES
from workers.jobs.feed import FUNCTION as DRAIN_FEED
from workers.jobs.outbox import FUNCTION as DRAIN_OUTBOX
from workers.jobs.poll import POLL_ALL
from workers.jobs.reconcile import FUNCTION as RECONCILE
from workers.jobs.sla import FUNCTION as SLA_WATCH
from workers.jobs.suitecrm_back import EVERY_SECONDS as SUITECRM_BACK_EVERY
from workers.jobs.suitecrm_back import FUNCTION as SUITECRM_BACK
from workers.jobs.waves import FUNCTION as WAVE_CHECK
from workers.queues import DEFAULT_POLICY, Purpose, queue_name
from workers.recovery import FUNCTION as RECOVER
from workers.worker import FIRST_WAIT_SECONDS, MAX_WAIT_SECONDS, REDIS_DOWN

log = logging.getLogger(__name__)

HOUR = 3600
DAY = 24 * HOUR
LEADER_KEY = "socialcrm:scheduler:leader"


@dataclass(frozen=True, slots=True)
class Periodic:
    """One line of the schedule. ``kwargs`` are the job's arguments (small JSON)."""

    name: str
    function: str
    every: int | None = None
    cron: str | None = None
    purpose: Purpose = "sync"
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    timeout_seconds: int = 600

    def __post_init__(self) -> None:
        if (self.every is None) == (self.cron is None):
            raise ValueError(f"schedule entry {self.name!r}: give either every or cron")
        if self.every is not None and self.every < 1:
            raise ValueError(f"schedule entry {self.name!r}: every must be at least 1 second")


SCHEDULE: tuple[Periodic, ...] = (
    Periodic("token-expiry", CHECK_TOKENS, every=6 * HOUR,
             kwargs={"alert_days": TOKEN_ALERT_DAYS}),
    Periodic("api-versions", CHECK_API_VERSIONS, every=DAY,
             kwargs={"alert_days": VERSION_ALERT_DAYS}),
    Periodic("poll", POLL_ALL, every=300),
    Periodic("reconcile", RECONCILE, every=600, timeout_seconds=1800),
    # Notices wake the drain at once; this turn catches what no notice announced.
    Periodic("outbox-drain", DRAIN_OUTBOX, every=60, purpose="webhooks"),
    Periodic("feed-drain", DRAIN_FEED, every=60, purpose="webhooks"),
    # Warnings before an answer is due, alerts to managers once it is late.
    Periodic("sla-watch", SLA_WATCH, every=60, purpose="webhooks"),
    # A complaint wave ends when nothing more comes: let the alerting sources' time run.
    Periodic("wave-check", WAVE_CHECK, every=300, purpose="webhooks"),
    # Jobs and reps' locks that a killed worker left behind go back to the queues.
    Periodic("recover-abandoned", RECOVER, every=60, purpose="crm"),
    # Jobs that failed while SuiteCRM was away run as soon as it answers again.
    Periodic("suitecrm-back", SUITECRM_BACK, every=SUITECRM_BACK_EVERY, purpose="crm"),
    # Advocate scores decay with time: recompute them once a day.
    Periodic("advocates-rescore", RESCORE_ADVOCATES, every=DAY, timeout_seconds=1800),
    # Closed social Cases get a drafted public reply (the close-loop group of the stream).
    Periodic("close-loop", DRAIN_CLOSURES, every=60, purpose="webhooks"),
)


def adjusted(entries: Iterable[Periodic], *, every: Mapping[str, int] | None = None,
             alert_days: int | None = None) -> tuple[Periodic, ...]:
    """``entries`` with intervals overridden by name (``every``) and ``alert_days`` set in
    every entry that takes it; an unknown name is a ``ValueError`` naming the known ones."""
    table = tuple(entries)
    unknown = set(every or {}) - {entry.name for entry in table}
    if unknown:
        known = ", ".join(entry.name for entry in table)
        raise ValueError(f"no schedule entry {', '.join(sorted(unknown))} (entries: {known})")
    result = []
    for entry in table:
        if every and entry.name in every:
            entry = replace(entry, every=every[entry.name], cron=None)
        if alert_days is not None and "alert_days" in entry.kwargs:
            entry = replace(entry, kwargs={**entry.kwargs, "alert_days": alert_days})
        result.append(entry)
    return tuple(result)


class LeaderCronScheduler(CronScheduler):
    """A ``CronScheduler`` that enqueues only while it holds the leader lease.

    The lease is renewed on every loop (the scheduler wakes at least once a minute), so
    a standby on another host takes over within ``lease_seconds`` of the leader's death.
    """

    lease_seconds = 180
    _RENEW = ("if redis.call('get', KEYS[1]) == ARGV[1] then "
              "return redis.call('expire', KEYS[1], ARGV[2]) else return 0 end")
    _RELEASE = ("if redis.call('get', KEYS[1]) == ARGV[1] then "
                "return redis.call('del', KEYS[1]) else return 0 end")

    def leads(self) -> bool:
        """Take the lease if it is free, renew it if it is ours."""
        conn: redis.Redis = self.connection
        if conn.set(LEADER_KEY, self.name, nx=True, ex=self.lease_seconds):
            log.info("scheduler %s now leads: it enqueues the periodic jobs", self.name)
            return True
        return bool(conn.eval(self._RENEW, 1, LEADER_KEY, self.name,
                              str(self.lease_seconds)))

    def enqueue_jobs(self) -> list[Any]:
        if not self.leads():
            return []
        return list(super().enqueue_jobs())

    def run(self) -> None:
        """Loop until SIGINT/SIGTERM (``CronScheduler.start``, typed)."""
        self.start()  # type: ignore[no-untyped-call]

    def register_death(self, pipeline: Any = None) -> None:
        self.connection.eval(self._RELEASE, 1, LEADER_KEY, self.name)
        super().register_death(pipeline)


def build_scheduler(connection: redis.Redis, entries: Iterable[Periodic] = SCHEDULE
                    ) -> LeaderCronScheduler:
    """A scheduler with every entry registered on its queue (not started)."""
    scheduler = LeaderCronScheduler(connection=connection, name="")
    for entry in entries:
        scheduler.register(
            import_attribute(entry.function), queue_name(entry.purpose),
            kwargs=dict(entry.kwargs), interval=entry.every, cron=entry.cron,
            job_timeout=entry.timeout_seconds, name=entry.name,
            result_ttl=DEFAULT_POLICY.result_ttl_seconds,
            failure_ttl=DEFAULT_POLICY.failure_ttl_seconds)
    return scheduler


def run_scheduler(connection: redis.Redis, entries: Iterable[Periodic] = SCHEDULE) -> None:
    """Run the scheduler until it is stopped, riding out Redis outages and failovers.

    Why: RQ's scheduler raises when Redis goes away, and ``socialcrm run``'s supervisor
    stops every process when one exits; so, like the workers (``workers.worker``), the
    scheduler logs one line, waits with a capped, jittered back-off and starts again with
    a fresh lease (the leader lease of the old one expires by itself)."""
    chosen = list(entries)
    wait = FIRST_WAIT_SECONDS
    began: float | None = None
    while True:
        try:
            connection.ping()
            if began is not None:
                log.warning("scheduler: Redis answers again after %.1f s",
                            time.monotonic() - began)
                began, wait = None, FIRST_WAIT_SECONDS
            build_scheduler(connection, chosen).run()
            return  # stopped (SIGINT/SIGTERM)
        except REDIS_DOWN as error:
            if began is None:
                began = time.monotonic()
                log.warning("scheduler: Redis unreachable (%s); retrying for as long as it "
                            "takes, at most every %g s", error, MAX_WAIT_SECONDS)
            connection.connection_pool.disconnect()  # none may stay on a demoted primary
            time.sleep(random.uniform(wait / 2, wait))
            wait = min(wait * 2, MAX_WAIT_SECONDS)
