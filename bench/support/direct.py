"""Work done by threads of this process, all starting at once: the comparison batches.

``create_directly`` is the ceiling: Social Interactions created straight through V8.
``ingest_directly`` runs the sync's own ``ingest_with`` (full rules, same Redis) on
threads instead of RQ worker processes: beside the worker batches it shows what the job
system itself costs. Each thread has its own SuiteCRM client (token and metadata fetched
before the clock starts) and its own Redis connection, as each worker process has.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis

from bench.support.target import Cleanup, CrmTarget
from connectors.suitecrm import SuiteCRMClient
from plugin.sync.ids import INTERACTIONS, PROFILES
from plugin.sync.items import SocialItem
from plugin.sync.steps import SyncSteps
from workers.jobs.ingest import ingest_with


@dataclass(frozen=True, slots=True)
class Timed:
    """``records`` written in ``seconds``, using ``cpu_seconds`` of the writing threads."""

    records: int
    seconds: float
    cpu_seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.records / self.seconds


def _warm_clients(target: CrmTarget, threads: int) -> list[SuiteCRMClient]:
    clients = [target.client() for _ in range(threads)]
    for crm in clients:
        crm.fields(INTERACTIONS)  # token and metadata before the clock starts
        crm.fields(PROFILES)
    return clients


def on_threads(threads: int, work: Callable[[int], None]) -> tuple[float, float]:
    """Run ``work(index)`` on ``threads`` threads released together; wall seconds and
    the threads' CPU seconds. The first error is raised here."""
    start = threading.Barrier(threads + 1)
    errors: list[BaseException] = []
    cpu: list[float] = []

    def body(index: int) -> None:
        start.wait()
        began = time.thread_time()
        try:
            work(index)
        except BaseException as exc:  # reported below, in the measuring thread
            errors.append(exc)
        cpu.append(time.thread_time() - began)

    running = [threading.Thread(target=body, args=(n,), name=f"bench-{n}")
               for n in range(threads)]
    for thread in running:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in running:
        thread.join()
    seconds = time.perf_counter() - began
    if errors:
        raise RuntimeError(f"a benchmark thread failed: {errors[0]!r}") from errors[0]
    return seconds, sum(cpu)


def create_directly(target: CrmTarget, payloads: list[tuple[str, dict[str, Any]]],
                    threads: int, cleanup: Cleanup) -> Timed:
    """Create every ``(record id, attributes)`` with ``threads`` clients at once."""
    clients = _warm_clients(target, threads)

    def work(index: int) -> None:
        for record_id, attributes in payloads[index::threads]:
            clients[index].create(INTERACTIONS, attributes, record_id=record_id)
            cleanup.add(INTERACTIONS, record_id)

    seconds, cpu = on_threads(threads, work)
    return Timed(len(payloads), seconds, cpu)


def ingest_directly(target: CrmTarget, redis_url: str, steps: SyncSteps,
                    items: list[SocialItem], threads: int, cleanup: Cleanup) -> Timed:
    """``ingest_with`` every item (full rules) on ``threads`` threads at once."""
    clients = _warm_clients(target, threads)
    connections = [redis.Redis.from_url(redis_url) for _ in range(threads)]

    def work(index: int) -> None:
        for item in items[index::threads]:
            summary = ingest_with(connections[index], clients[index], item.to_json(),
                                  steps=steps.steps, annotate=steps.annotate,
                                  prepare=steps.prepare, site=steps.rules)
            cleanup.add_summary(summary)
            if summary.get("outcome") != "created":
                raise RuntimeError(f"{item.external_id} was not created: {summary}")

    seconds, cpu = on_threads(threads, work)
    return Timed(len(items), seconds, cpu)
