"""The mobile API's processes as ``socialcrm run`` starts them: gunicorn and the workers.

Why one settings object for both: a rep logs in through the API, which seals the rep's
SuiteCRM tokens with ``SOCIALCRM_SECRET_KEY`` in Redis; a worker writes the rep's
updates with those tokens, so it must read the same Redis with the same key. Both get
their environment from ``socialcrm.supervisor.settings_environment`` and their command
lines from ``socialcrm.supervisor.children``, so the benchmark runs what production
runs with those settings.

``ApiServer`` also serves the bare floor app with the same command line, and reads what
the memory figure needs: the resident memory of gunicorn's master and its worker
processes, from Linux ``/proc``.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from types import TracebackType

from bench.support.gunicorn import ROOT, GunicornServer
from bench.support.target import CrmTarget
from socialcrm.settings import Settings
from socialcrm.supervisor import children, settings_environment
from workers.redis_server import free_port

STOP_SECONDS = 20


def stack_settings(target: CrmTarget, redis_url: str) -> Settings:
    """Settings of one run: ``target``'s SuiteCRM, ``redis_url``, a fresh secret key and
    a free port for the API; everything else as ``socialcrm run`` defaults it."""
    return Settings(
        redis_url=redis_url, suitecrm_url=target.url,
        suitecrm_client_id=target.sync_client[0], suitecrm_client_secret=target.sync_client[1],
        suitecrm_password_client_id=target.password_client[0],
        suitecrm_password_client_secret=target.password_client[1],
        secret_key=secrets.token_urlsafe(32), api_host="127.0.0.1", api_port=free_port(),
        log_level="WARNING")


class ApiServer(GunicornServer):
    """``with ApiServer(settings, app=...)``: gunicorn as ``socialcrm run`` starts the
    API, serving ``app`` at ``url``; its processes' resident memory can be read."""

    def resident_bytes(self) -> dict[int, int]:
        """VmRSS of gunicorn's master and each of its children, by process id."""
        process = self._process
        if process is None:
            raise RuntimeError("the API is not running")
        pids = [process.pid, *_children(process.pid)]
        return {pid: _resident(pid) for pid in pids}


def _children(parent: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[1]) == parent:  # field 4: the parent's id
            found.append(int(stat.parent.name))
    return found


def _resident(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class WorkerPool:
    """``with WorkerPool(settings)``: the ``socialcrm worker`` processes of
    ``socialcrm run`` (``SOCIALCRM_WORKERS`` of them), serving every queue."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._logs = Path(tempfile.mkdtemp(prefix="bench-mobile-workers-"))
        self._processes: list[subprocess.Popen[bytes]] = []

    @property
    def count(self) -> int:
        return len(self._processes)

    def __enter__(self) -> WorkerPool:
        env = settings_environment(self.settings)
        for child in children(self.settings):
            if child.name.startswith("worker."):
                with (self._logs / f"{child.name}.log").open("wb") as log:
                    self._processes.append(subprocess.Popen(  # noqa: S603 - our command
                        child.argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
        return self

    def check_alive(self) -> None:
        """Raise with the workers' last output when one has exited."""
        for process in self._processes:
            if process.poll() is not None:
                logs = " ".join(path.read_text(errors="replace")[-800:]
                                for path in self._logs.glob("*.log"))
                raise RuntimeError(f"a worker exited ({process.returncode}): {logs}")

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        for process in self._processes:
            process.terminate()  # SIGTERM: RQ's warm shutdown
        for process in self._processes:
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(self._logs, ignore_errors=True)


class PeakMemory:
    """``with PeakMemory(server) as peak``: the API processes' resident memory sampled
    on a thread every ``period`` seconds; ``peak.total`` the highest sum seen and
    ``peak.processes`` how many processes it summed."""

    def __init__(self, server: ApiServer, period: float = 0.25) -> None:
        self._server = server
        self._period = period
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="peak-memory", daemon=True)
        self.total = 0
        self.processes = 0
        self.largest = 0  # the largest single process at any sample

    def _sample(self) -> None:
        while True:
            sizes = self._server.resident_bytes()
            if sum(sizes.values()) > self.total:
                self.total, self.processes = sum(sizes.values()), len(sizes)
            self.largest = max(self.largest, *sizes.values())
            if self._stop.wait(self._period):
                return

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
