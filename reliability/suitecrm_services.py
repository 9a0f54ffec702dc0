"""Stopping and starting the real SuiteCRM's Apache and MariaDB, and always bringing them back.

The real SuiteCRM of ``../shared/suitecrm-live/`` runs on this machine: Apache (mod_php)
on loopback and MariaDB, both started by its ``up.sh`` (idempotent: it starts what is
down and checks SuiteCRM answers). A scenario stops one of them the way an operator or a
crash does (``apache2ctl stop``: in-flight requests are cut; ``mariadb-admin shutdown``:
every connection is dropped), waits, and starts it again with ``up.sh``.

Why ``restored()`` and ``answers()``: other people share this SuiteCRM. Whatever happens
in the scenario (an assertion, a Ctrl-C), both services are started again and the
instance is checked to answer a token request and a database read before the scenario
returns; a failure to restore is raised loudly rather than left for the next person.

Only a root process on the machine that runs this SuiteCRM can do this:
``LiveServices.unavailable()`` says why not, so callers can skip with that reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_UP = ROOT.parent / "shared" / "suitecrm-live" / "up.sh"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
REQUIRED = ("SUITECRM_URL", "SUITECRM_CLIENT_ID", "SUITECRM_CLIENT_SECRET",
            "SUITECRM_PASSWORD_CLIENT_ID", "SUITECRM_PASSWORD_CLIENT_SECRET")


class RestoreError(RuntimeError):
    """Apache or MariaDB could not be brought back: someone must look now."""


@dataclass(frozen=True, slots=True)
class LiveSuiteCRM:
    """The real SuiteCRM the scenario writes to, from the ``SUITECRM_*`` settings."""

    url: str
    sync_client: tuple[str, str] = field(repr=False)
    password_client: tuple[str, str] = field(repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> LiveSuiteCRM | None:
        """The configured SuiteCRM, or None when a setting is missing."""
        if any(not env.get(name) for name in REQUIRED):
            return None
        return cls(env["SUITECRM_URL"].rstrip("/"),
                   (env["SUITECRM_CLIENT_ID"], env["SUITECRM_CLIENT_SECRET"]),
                   (env["SUITECRM_PASSWORD_CLIENT_ID"], env["SUITECRM_PASSWORD_CLIENT_SECRET"]))


class LiveServices:
    """Apache and MariaDB of the local SuiteCRM: stop one, start both, check it answers."""

    def __init__(self, crm: LiveSuiteCRM, *, up_script: Path | None = None) -> None:
        self.crm = crm
        self.up_script = up_script or Path(os.environ.get("SUITECRM_LIVE_UP", DEFAULT_UP))

    def unavailable(self) -> str | None:
        """Why this process cannot stop and start the services (None: it can)."""
        host = urlsplit(self.crm.url).hostname or ""
        if host not in LOOPBACK:
            return f"SUITECRM_URL={self.crm.url} is not on this machine's loopback"
        if os.geteuid() != 0:
            return "stopping Apache and MariaDB needs root"
        for tool in ("apache2ctl", "mariadb-admin"):
            if shutil.which(tool) is None:
                return f"{tool} is not installed here"
        if not self.up_script.is_file():
            return f"{self.up_script} (which starts them again) does not exist"
        return None

    # -- faults --------------------------------------------------------------------

    def stop_apache(self, *, timeout: float = 30) -> None:
        """``apache2ctl stop``; returns once no apache2 process is left."""
        _run(["apache2ctl", "stop"])
        _wait(lambda: not _running("apache2"), timeout, "Apache did not stop")

    def stop_mariadb(self, *, timeout: float = 60) -> None:
        """``mariadb-admin shutdown``; returns once the server process is gone."""
        _run(["mariadb-admin", "shutdown"])
        _wait(lambda: not _running("mariadbd"), timeout, "MariaDB did not stop")

    def start(self, *, timeout: float = 180) -> None:
        """``up.sh`` starts whatever is down (MariaDB first); then SuiteCRM must answer."""
        done = subprocess.run([str(self.up_script)], capture_output=True, text=True,  # noqa: S603
                              timeout=timeout, check=False)
        if done.returncode != 0:
            raise RestoreError(f"{self.up_script} failed ({done.returncode}): "
                               f"{done.stderr.strip()[-500:]}")
        problem = self.answers()
        if problem:
            raise RestoreError(f"SuiteCRM does not answer after {self.up_script}: {problem}")

    @contextmanager
    def restored(self) -> Iterator[LiveServices]:
        """Whatever happens inside, both services run and SuiteCRM answers afterwards."""
        try:
            yield self
        finally:
            self.start()

    # -- checks --------------------------------------------------------------------

    def answers(self) -> str | None:
        """None when SuiteCRM issues a token and reads a record (so Apache, PHP and
        MariaDB all work), else what failed."""
        try:
            token = requests.post(f"{self.crm.url}/Api/access_token", timeout=20, data={
                "grant_type": "client_credentials", "client_id": self.crm.sync_client[0],
                "client_secret": self.crm.sync_client[1]})
            if token.status_code != 200:
                return f"token request answered {token.status_code}"
            read = requests.get(
                f"{self.crm.url}/Api/V8/module/Users", params={"page[size]": "1"},
                timeout=20, headers={"Authorization": f"Bearer {token.json()['access_token']}",
                                     "Accept": "application/vnd.api+json"})
            return None if read.status_code == 200 else f"a read answered {read.status_code}"
        except (requests.RequestException, ValueError, KeyError) as exc:
            return f"{type(exc).__name__}: {exc}"

    def refuses(self) -> bool:
        """Whether SuiteCRM fails a token request now (the fault is in effect)."""
        return self.answers() is not None


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=60,  # noqa: S603
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.strip()[-300:]}")


def _running(name: str) -> bool:
    found = subprocess.run(["pgrep", "-x", name], capture_output=True,  # noqa: S603,S607
                           timeout=10, check=False)
    return found.returncode == 0


def _wait(condition: Callable[[], bool], timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(message)
        time.sleep(0.2)
