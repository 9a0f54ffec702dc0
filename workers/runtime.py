"""What a worker process needs beyond a job's arguments: its clients and its rules.

Why a process-wide runtime: jobs take only ids and small dicts (they may run on another
host, after a restart), so they cannot carry a SuiteCRM client or a token. The process
that runs them (``socialcrm worker``, which builds everything from the settings; a test
that runs jobs in-process) installs one ``Runtime`` before the first job, and a job asks
it for what it needs. Nothing here reads the environment: the layering keeps settings
above the workers, so the runtime is handed down, never looked up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import redis

from connectors.facebook import FacebookClient
from connectors.linkedin import LinkedInClient
from connectors.suitecrm import SuiteCRMClient
from workers.redis_connect import connect

if TYPE_CHECKING:
    from workers.rep_sessions import SessionStore
    from workers.tokens import TokenStore


T = TypeVar("T")


class RuntimeNotInstalled(RuntimeError):
    """A job ran in a process that never installed a runtime (started by plain ``rq``)."""


@dataclass(frozen=True)
class Runtime:
    """Factories and configuration one worker process shares among its jobs.

    ``suitecrm`` returns the service account's client (the process caches it: one token
    for all jobs). ``facebook`` and ``linkedin`` return a client for a connected Page or
    organization id, from the stored encrypted token. ``options`` holds plain,
    already-validated configuration (sync rules and the like) by name. ``tokens`` gives
    the encrypted token store (the checks read expiry dates from it); ``sessions`` the
    reps' API sessions, through which jobs act as a rep (``rep_suitecrm``).
    """

    redis_url: str
    suitecrm: Callable[[], SuiteCRMClient]
    facebook: Callable[[str], FacebookClient] | None = None
    linkedin: Callable[[str], LinkedInClient] | None = None
    options: dict[str, Any] = field(default_factory=dict)
    tokens: Callable[[], TokenStore] | None = None
    sessions: Callable[[], SessionStore] | None = None

    def rep_suitecrm(self, user_id: str) -> SuiteCRMClient:
        """A SuiteCRM client acting as the rep ``user_id`` (their newest live session), so
        what a job writes for a rep shows the rep, not the service account. Raises
        ``workers.rep_sessions.RepSignedOut`` when the rep has no live session."""
        if self.sessions is None:
            from workers.rep_sessions import RepSignedOut
            raise RepSignedOut("this worker has no access to reps' sessions (no password "
                               "client configured)")
        return self.sessions().crm_for_user(user_id)

    def redis(self) -> redis.Redis:
        """A client on the process's Redis (connection pools are per client)."""
        return connect(self.redis_url)


_lock = threading.Lock()
_current: Runtime | None = None


def install(runtime: Runtime) -> None:
    """Make ``runtime`` the one this process's jobs use (replacing any earlier one)."""
    global _current
    with _lock:
        _current = runtime


def uninstall() -> None:
    global _current
    with _lock:
        _current = None


def current() -> Runtime:
    """The installed runtime; a clear error when the process never installed one."""
    runtime = _current
    if runtime is None:
        raise RuntimeNotInstalled(
            "no SocialCRM runtime in this process: run workers with `socialcrm worker`, "
            "which connects them to SuiteCRM and the networks")
    return runtime


def cached(factory: Callable[[], T]) -> Callable[[], T]:
    """Wrap a factory so the process builds its product once, on first use (a worker
    pool forks before any job runs, so each child builds its own)."""
    built: list[T] = []
    guard = threading.Lock()

    def get() -> T:
        with guard:
            if not built:
                built.append(factory())
            return built[0]

    return get
