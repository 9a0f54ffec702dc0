"""Real worker processes, started exactly as ``socialcrm run`` starts them.

Why processes and not threads in the benchmark's own process: production ingests on RQ
worker processes (``socialcrm worker``, one per ``SOCIALCRM_WORKERS``), each with its own
SuiteCRM client, its own sentiment scorer and its own interpreter lock, and RQ handles
every job. (Threads calling the ingest directly, ``bench.support.direct``, are only the
comparison that shows what the job system costs.) The command line and the environment
come from ``socialcrm.supervisor`` itself (``children``, ``settings_environment``), so the
workers are the ones ``socialcrm run`` would start with the same settings.

``WorkerProcesses.ingest(items)`` queues one ingest job per item through
``workers.jobs.ingest.enqueue_item`` (the poller's way in) and waits until every job
has finished; the elapsed time runs from the first enqueue to the last job's end as RQ
recorded it.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from rq.job import Job, JobStatus

from bench.support.redis_count import CommandCount, server_commands
from bench.support.target import CrmTarget
from plugin.sync.items import SocialItem
from socialcrm.settings import Settings
from socialcrm.supervisor import children, settings_environment
from workers.jobs.ingest import enqueue_item, job_id
from workers.queues import DEFAULT_POLICY, queue

ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 600  # a batch that takes longer than this is a hang, not a measurement


@dataclass(frozen=True, slots=True)
class Batch:
    """One batch of ingest jobs: how long it took, what each job answered, who ran it,
    the CPU the worker processes used meanwhile, and how many jobs RQ had to retry."""

    seconds: float
    summaries: list[dict[str, Any]]
    workers: set[str]
    cpu_seconds: float
    redis_commands: int  # sent by the worker processes (RQ and the ingest's own)
    retried: int


class WorkerProcesses:
    """``with WorkerProcesses(target, redis_url, count) as pool``: ``count`` workers."""

    def __init__(self, target: CrmTarget, redis_url: str, count: int) -> None:
        self.count = count
        self._commands = CommandCount(redis_url)
        self._redis = self._commands.client
        self._settings = Settings(
            redis_url=redis_url, suitecrm_url=target.url,
            suitecrm_client_id=target.sync_client[0],
            suitecrm_client_secret=target.sync_client[1],
            suitecrm_password_client_id=target.password_client[0],
            suitecrm_password_client_secret=target.password_client[1],
            secret_key=secrets.token_urlsafe(32), log_level="WARNING",
            worker_processes=count)
        self._logs = Path(tempfile.mkdtemp(prefix="bench-workers-"))
        self._processes: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> WorkerProcesses:
        env = settings_environment(self._settings)
        for child in children(self._settings):
            if not child.name.startswith("worker."):
                continue  # the API and the scheduler play no part in ingesting
            with (self._logs / f"{child.name}.log").open("wb") as log:
                self._processes.append(subprocess.Popen(  # noqa: S603 - our command line
                    child.argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        for process in self._processes:
            process.terminate()  # SIGTERM: RQ's warm shutdown
        for process in self._processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(self._logs, ignore_errors=True)

    def ingest(self, items: Sequence[SocialItem]) -> Batch:
        """Queue one ingest job per item, wait for all; raise if a job failed."""
        ids = [job_id(item.to_json()) for item in items]
        registries = queue(self._redis, "sync")
        failed_before = registries.failed_job_registry.count
        cpu, commands = self.cpu_seconds(), self._worker_commands()
        started = datetime.now(UTC)
        for item in items:
            if not enqueue_item(self._redis, item):
                raise RuntimeError(f"{item.external_id} was queued already: ids are not fresh")
        self._wait(ids, failed_before)
        commands = self._worker_commands() - commands
        jobs = [job for job in Job.fetch_many(ids, connection=self._redis) if job]
        if len(jobs) != len(ids) or any(j.get_status(refresh=False) != JobStatus.FINISHED
                                        for j in jobs):
            raise RuntimeError("an ingest job is missing or unfinished")
        ended = max(_utc(job.ended_at) for job in jobs)
        return Batch(seconds=(ended - started).total_seconds(),
                     summaries=[dict(job.return_value() or {}) for job in jobs],
                     workers={str(job.worker_name) for job in jobs},
                     cpu_seconds=self.cpu_seconds() - cpu, redis_commands=commands,
                     retried=sum(job.retries_left != DEFAULT_POLICY.retries for job in jobs))

    def cpu_seconds(self) -> float:
        """User and system CPU the worker processes have used so far (Linux ``/proc``)."""
        ticks = 0
        for process in self._processes:
            fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
        return ticks / os.sysconf("SC_CLK_TCK")

    def _worker_commands(self) -> int:
        """Commands Redis executed for everyone but this process, so far."""
        return server_commands(self._redis) - self._commands.sent

    def _wait(self, ids: Sequence[str], failed: int) -> None:
        """Until every one of the ingest jobs ``ids`` has finished (a cheap poll: the
        benchmark must not load the machine it measures); raise on a failed job. Other
        jobs the ingest queues on the same queue (the authors' advocate refreshes) run
        beside them, as in production, and are not waited for."""
        registries = queue(self._redis, "sync")
        deadline = time.monotonic() + WAIT_SECONDS
        while not all(job is not None and job.get_status(refresh=False) == JobStatus.FINISHED
                      for job in Job.fetch_many(list(ids), connection=self._redis)):
            self._check_alive()
            if registries.failed_job_registry.count > failed:
                (first, *_) = registries.failed_job_registry.get_job_ids()
                info = (Job.fetch(first, connection=self._redis).exc_info or "").strip()
                raise RuntimeError(f"an ingest job failed: {info.splitlines()[-1:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"ingest jobs unfinished after {WAIT_SECONDS} s")
            time.sleep(0.1)

    def _check_alive(self) -> None:
        for process in self._processes:
            if process.poll() is not None:
                logs = " ".join(p.read_text(errors="replace")[-800:]
                                for p in self._logs.glob("*.log"))
                raise RuntimeError(f"a worker exited ({process.returncode}): {logs}")


def _utc(moment: datetime | None) -> datetime:
    if moment is None:
        raise RuntimeError("a finished job without an end time")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
