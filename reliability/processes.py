"""The real processes a fault scenario breaks: Redis with AOF, the API under gunicorn, a
fleet of ``socialcrm worker`` processes.

Why real processes and not threads: the faults are process faults (SIGKILL of Redis or of
a worker mid-request). Killing a thread proves nothing about what a dead process leaves
behind in Redis (a started job, a held lock) or about what an fsync policy keeps.

The worker fleet restarts a worker that exits, as systemd (``Restart=always``) or a
container orchestrator does in production; it counts the restarts so a scenario can
report them. The fleet never restarts a worker it killed on purpose unless told to.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Self

import redis
import requests

from workers.redis_server import find_redis_server, free_port

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "reliability-runs-secret-key-0123456789"  # noqa: S105 - the runs' own
Fsync = Literal["always", "everysec"]


@dataclass(frozen=True, slots=True)
class Credentials:
    """The OAuth clients of the SuiteCRM the processes talk to."""

    suitecrm_url: str
    sync_client: tuple[str, str]
    password_client: tuple[str, str]


def environment(redis_url: str, crm: Credentials) -> dict[str, str]:
    """What the API and the workers read: the same settings for both, like ``socialcrm
    run`` hands its children (nothing inherited that could point elsewhere)."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("SUITECRM_", "SOCIALCRM_", "FACEBOOK_", "LINKEDIN_",
                                  "REDIS_"))}
    env.update({
        "REDIS_URL": redis_url, "SUITECRM_URL": crm.suitecrm_url,
        "SUITECRM_CLIENT_ID": crm.sync_client[0], "SUITECRM_CLIENT_SECRET": crm.sync_client[1],
        "SUITECRM_PASSWORD_CLIENT_ID": crm.password_client[0],
        "SUITECRM_PASSWORD_CLIENT_SECRET": crm.password_client[1],
        "SOCIALCRM_SECRET_KEY": SECRET_KEY, "SOCIALCRM_LOG_LEVEL": "WARNING",
    })
    return env


class RedisServer:
    """``redis-server`` with AOF on, killed with SIGKILL and restarted on the same port
    and data directory (so it reloads what its AOF holds, nothing more)."""

    def __init__(self, data_dir: Path, *, fsync: Fsync = "always",
                 binary: str | None = None) -> None:
        self.data_dir = data_dir
        self.fsync = fsync
        self.binary = binary or os.environ.get("SOCIALCRM_TEST_REDIS_SERVER") \
            or find_redis_server()
        self.port = free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._process = subprocess.Popen(  # noqa: S603 - our binary, our arguments
            [self.binary, "--bind", "127.0.0.1", "--port", str(self.port),
             "--dir", str(self.data_dir), "--save", "", "--appendonly", "yes",
             "--appendfsync", self.fsync, "--loglevel", "warning", "--logfile", ""],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        client = redis.Redis.from_url(self.url, socket_timeout=1)
        deadline = time.monotonic() + 30  # loading a large AOF takes a moment
        try:
            while True:
                try:
                    if client.ping():
                        return self
                except (redis.ConnectionError, redis.BusyLoadingError):
                    if time.monotonic() > deadline or self._process.poll() is not None:
                        raise RuntimeError("redis-server did not come back") from None
                    time.sleep(0.05)
        finally:
            client.close()

    def kill(self) -> None:
        """SIGKILL: no shutdown, no final fsync; what the AOF holds is what survives."""
        process, self._process = self._process, None
        if process is not None:
            process.kill()
            process.wait(timeout=10)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


class ApiServer:
    """The API as production serves it: gunicorn with ``socialcrm.wsgi:create()``."""

    def __init__(self, env: Mapping[str, str], *, threads: int = 8) -> None:
        self.port = free_port()
        self.env = dict(env)
        self.threads = threads
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [sys.executable, "-m", "gunicorn", "socialcrm.wsgi:create()",
                "--bind", f"127.0.0.1:{self.port}", "--workers", "1",
                "--threads", str(self.threads), "--timeout", "120", "--log-level", "warning"]

    def start(self) -> Self:
        self._process = subprocess.Popen(  # noqa: S603 - our own command line
            self.command(), cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, start_new_session=True)
        return self._ready()

    def _ready(self) -> Self:
        """Wait until the API answers; its errors when it dies first."""
        assert self._process is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError("the API did not start: " + self._errors())
            try:
                if requests.get(self.url + "/api/v1/openapi.json", timeout=2).ok:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError("the API did not answer within 60 s")

    def _errors(self) -> str:
        stream = self._process.stderr if self._process else None
        return stream.read().decode(errors="replace")[-2000:] if stream else ""

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


class WorkerFleet:
    """``size`` long-running ``socialcrm worker`` processes on ``queues``, each restarted
    when it exits (a supervisor's ``Restart=always``)."""

    def __init__(self, env: Mapping[str, str], *, size: int = 2,
                 queues: tuple[str, ...] = ("crm",), restart: bool = True) -> None:
        self.env = dict(env)
        self.size = size
        self.queues = queues
        self.restart = restart
        self.restarts = 0
        self.processes: list[subprocess.Popen[bytes]] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None

    def _spawn(self) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "socialcrm", "worker"]
        for name in self.queues:
            command += ["--queues", name]
        return subprocess.Popen(command, cwd=ROOT, env=self.env,  # noqa: S603
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)

    def start(self) -> WorkerFleet:
        with self._lock:
            self.processes = [self._spawn() for _ in range(self.size)]
        self._watcher = threading.Thread(target=self._watch, daemon=True,
                                         name="worker-fleet")
        self._watcher.start()
        return self

    def _watch(self) -> None:
        while not self._stopping.wait(0.5):
            with self._lock:
                for index, process in enumerate(self.processes):
                    if process.poll() is not None and self.restart:
                        self.processes[index] = self._spawn()
                        self.restarts += 1

    def kill(self, index: int = 0) -> int:
        """SIGKILL one worker (mid-job or not); returns its pid. Reaped at once, as
        its supervisor would, so the pid is really gone."""
        with self._lock:
            process = self.processes[index]
            process.kill()
            process.wait(timeout=10)
            return process.pid

    def stop(self) -> None:
        self._stopping.set()
        if self._watcher is not None:
            self._watcher.join(timeout=5)
        with self._lock:
            for process in self.processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in self.processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=5)
