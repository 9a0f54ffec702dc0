"""The running system of the failover scenarios: the SuiteCRM sandbox, a Sentinel-managed
Redis (``reliability.sentinel_cluster``), the API under gunicorn and ``socialcrm worker``
processes, every process given the same ``redis+sentinel://`` URL.

Why the workers are never restarted here (unlike ``reliability.processes.WorkerFleet``'s
default): the point is that they ride out the failover by themselves. Their output and the
API's go to files in the run's directory, so a scenario can count the outage lines the
workers logged, and a chatty outage can never fill a pipe nobody reads.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Self

from connectors.suitecrm import SuiteCRMClient
from reliability.processes import ROOT, ApiServer, Credentials, WorkerFleet, environment
from reliability.sentinel_cluster import SentinelCluster
from reliability.sentinel_webhooks import APP_SECRET
from sandboxes.suitecrm import DEMO_MOBILE_CLIENT, DEMO_SYNC_CLIENT, SuiteCRMSandbox
from workers.queues import Purpose
from workers.redis_connect import ReplicatedRedis, connect

QUEUES: tuple[Purpose, ...] = ("crm", "webhooks")


class LoggedApiServer(ApiServer):
    """``ApiServer``, its output into a file instead of a pipe."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        super().__init__(env)
        self.log = log

    def start(self) -> Self:
        with self.log.open("ab") as output:
            self._process = subprocess.Popen(  # noqa: S603 - our own command line
                self.command(), cwd=ROOT, env=self.env, stdout=output, stderr=output,
                start_new_session=True)
        return self._ready()

    def _errors(self) -> str:
        return self.log.read_text(errors="replace")[-2000:]


class LoggedWorkers(WorkerFleet):
    """``WorkerFleet`` that never restarts a worker and keeps each one's output."""

    def __init__(self, env: dict[str, str], logs: Path, size: int) -> None:
        super().__init__(env, size=size, queues=QUEUES, restart=False)
        self.logs = logs
        self._spawned = 0

    def _spawn(self) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "socialcrm", "worker"]
        for name in self.queues:
            command += ["--queues", name]
        self._spawned += 1
        with (self.logs / f"worker-{self._spawned}.log").open("ab") as output:
            return subprocess.Popen(command, cwd=ROOT, env=self.env,  # noqa: S603
                                    stdout=output, stderr=output, start_new_session=True)

    def alive(self) -> int:
        return sum(1 for process in self.processes if process.poll() is None)

    def lines(self, text: str) -> int:
        """How many lines of the workers' output contain ``text``."""
        return sum(path.read_text(errors="replace").count(text)
                   for path in self.logs.glob("worker-*.log"))


@dataclass
class SentinelStack:
    cluster: SentinelCluster
    sandbox: SuiteCRMSandbox
    api: LoggedApiServer
    workers: LoggedWorkers
    url: str

    def redis(self) -> ReplicatedRedis:
        return connect(self.url, socket_timeout=5)

    def crm(self) -> SuiteCRMClient:
        return SuiteCRMClient.service_account(self.sandbox.url, *DEMO_SYNC_CLIENT)


@contextmanager
def sentinel_stack(*, workers: int = 2, replicas: int = 2,
                   url_options: dict[str, str] | None = None,
                   down_after_ms: int = 1000) -> Iterator[SentinelStack]:
    """Everything started, stopped in reverse order (workers first, Redis last).
    ``down_after_ms``: how long the Sentinels wait before they call a server down."""
    with ExitStack() as cleanup:
        workdir = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="rel-sen-")))
        cluster = SentinelCluster(workdir / "redis", replicas=replicas,
                                  down_after_ms=down_after_ms)
        cleanup.callback(cluster.stop)
        cluster.start()
        sandbox = cleanup.enter_context(SuiteCRMSandbox(port=0, seed=True, with_plugin=True))
        url = cluster.url(**(url_options or {}))
        env = environment(url, Credentials(sandbox.url, DEMO_SYNC_CLIENT, DEMO_MOBILE_CLIENT))
        env["FACEBOOK_APP_SECRET"] = APP_SECRET
        fleet = LoggedWorkers(env, workdir, workers)
        fleet.start()
        cleanup.callback(fleet.stop)
        api = LoggedApiServer(env, workdir / "api.log").start()
        cleanup.callback(api.stop)
        yield SentinelStack(cluster, sandbox, api, fleet, url)
