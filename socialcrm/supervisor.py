"""One supervisor for the whole system: the API server, the workers and the scheduler.

Why honcho: starting several long-running processes, prefixing and interleaving their
output, and stopping every one of them (SIGTERM, then SIGKILL after a grace period) when
one dies or Ctrl-C arrives is exactly what its ``Manager`` does, Procfile-style, and each
child runs in its own session so nothing is left behind. What stays in this process
(the embedded Redis, the demo sandboxes) is stopped by ``RunningSystem.close`` after the
children are gone.

Every child gets the same settings through its environment, fully resolved (the embedded
Redis' URL, the sandboxes' URLs and demo credentials), so a child never guesses: it runs
exactly as it would on another machine pointed at the same services.
"""

from __future__ import annotations

import os
import shlex
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TextIO

import requests
from honcho.manager import Manager
from honcho.printer import Printer

from socialcrm.settings import OPTIONS, Settings

API_SERVER_WORKERS = 2  # gunicorn processes; each serves requests on its own threads
API_SERVER_THREADS = 4


@dataclass(frozen=True, slots=True)
class Child:
    """One supervised process: a name for its output lines and its command line."""

    name: str
    argv: tuple[str, ...]

    @property
    def command(self) -> str:
        return shlex.join(self.argv)


def settings_environment(settings: Settings, base: Mapping[str, str] | None = None
                         ) -> dict[str, str]:
    """``base`` (the current environment) with every resolved setting written over it."""
    env = dict(os.environ if base is None else base)
    for option in OPTIONS:
        value = getattr(settings, option.attr)
        if value is None:
            env.pop(option.env, None)
        else:
            env[option.env] = str(value)
    return env


def children(settings: Settings) -> list[Child]:
    """The API under gunicorn, ``SOCIALCRM_WORKERS`` workers and the scheduler."""
    python = sys.executable
    api = Child("api", (
        python, "-m", "gunicorn", "--workers", str(API_SERVER_WORKERS),
        "--threads", str(API_SERVER_THREADS), "--worker-class", "gthread",
        "--bind", f"{settings.api_host}:{settings.api_port}", "--graceful-timeout", "5",
        "--log-level", settings.log_level.lower(), "socialcrm.wsgi:create()"))
    workers = [Child(f"worker.{n}", (python, "-m", "socialcrm", "worker"))
               for n in range(1, settings.worker_processes + 1)]
    scheduler = Child("scheduler", (python, "-m", "socialcrm", "scheduler"))
    return [api, *workers, scheduler]


def wait_for_api(settings: Settings, *, seconds: float = 90.0) -> bool:
    """Whether the API answers ``/health`` within ``seconds`` (it needs its Redis)."""
    url = f"http://{settings.api_host}:{settings.api_port}/health"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.3)
    return False


class SignalSafePrinter(Printer):  # type: ignore[misc]  # honcho ships no types
    """honcho's printer, safe to call from honcho's own signal handler.

    Why: on Ctrl-C honcho prints "SIGINT received" from the signal handler. When the
    signal lands while the main loop is inside ``print`` relaying a child's line (likely
    with DEBUG logs), that is a reentrant write to the same buffered stream: Python raises
    ``RuntimeError`` in the handler, the loop dies and the children are never stopped. A
    write that arrives during another is queued and written right after it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._busy = False
        self._pending: list[Any] = []

    def write(self, message: Any) -> None:
        if self._busy:
            self._pending.append(message)
            return
        self._busy = True
        try:
            super().write(message)
            while self._pending:
                super().write(self._pending.pop(0))
        finally:
            self._busy = False


def supervise(settings: Settings, *, output: TextIO | None = None,
              when_started: Callable[[], None] | None = None) -> int:
    """Run every child until one stops or a signal arrives; stop them all; return the
    exit code. ``when_started`` runs on a thread once the children are launched (the demo
    scenario waits there for the API, then plays)."""
    manager = Manager(SignalSafePrinter(output or sys.stdout, colour=False))
    env = settings_environment(settings)
    for child in children(settings):
        manager.add_process(child.name, child.command, env=env)
    if when_started is not None:
        threading.Thread(target=when_started, name="after-start", daemon=True).start()
    manager.loop()
    return manager.returncode or 0
