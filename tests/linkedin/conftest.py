"""LinkedIn fixtures: a real sandbox over HTTP per test and a client with a fake clock.

One sandbox server runs for the whole session; each test gets it ``reset()`` to fresh
seeded data, modes and request log, which costs a seed instead of a server start.
The clock is shared by the client's throttle governor and its ``sleep``: sleeping
advances it, so waits are recorded and checked without the tests ever waiting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from connectors.linkedin import LinkedInClient, LinkedInConfig
from connectors.transport import CallCounter, RetryPolicy
from sandboxes.linkedin import CLIENT_SECRET, SANDBOX_TOKEN, LinkedInSandbox, SeedPlan

VERSION = "202610"
CONFIG_FIELDS = frozenset(f.name for f in fields(LinkedInConfig))


class FakeClock:
    """Starts today at noon UTC: LinkedIn's unmarked 429 waits are capped at the next UTC
    midnight, so a clock started at the real time made the throttle tests fail near it."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime.now(UTC).replace(hour=12, minute=0, second=0,
                                                      microsecond=0)
        self.sleeps: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += timedelta(seconds=seconds)

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture(scope="session")
def shared_sandbox() -> Iterator[LinkedInSandbox]:
    with LinkedInSandbox(quiet=True) as server:
        yield server


@pytest.fixture()
def sandbox(shared_sandbox: LinkedInSandbox) -> LinkedInSandbox:
    return shared_sandbox.reset()


@pytest.fixture(scope="module")
def big_sandbox() -> Iterator[LinkedInSandbox]:
    """200 posts x 25 first-level comments (5,000) plus replies; read-only tests."""
    plan = SeedPlan(posts=200, comments_per_post=25, reply_ratio=0.1, lead_responses=10)
    with LinkedInSandbox(plan=plan, quiet=True) as server:
        yield server


@pytest.fixture()
def clock() -> FakeClock:
    return FakeClock()


MakeClient = Callable[..., LinkedInClient]


def loopback_session() -> requests.Session:
    """A session that skips reading proxy settings from the environment on every call:
    the sandbox is on loopback, and the lookup is a sizeable part of each call's cost."""
    session = requests.Session()
    session.trust_env = False
    return session


@pytest.fixture()
def make_client(sandbox: LinkedInSandbox, clock: FakeClock) -> MakeClient:
    """Clients on the sandbox; ``options`` are ``LinkedInConfig`` fields and the client's
    own arguments (``access_token``, ``session``, ``counter``) alike."""

    def make(server: LinkedInSandbox | None = None, **options: Any) -> LinkedInClient:
        settings: dict[str, Any] = {
            "access_token": SANDBOX_TOKEN,
            "version": VERSION,
            "base_url": (server or sandbox).url,
            "client_id": "sandbox-linkedin-client",
            "client_secret": CLIENT_SECRET,
            "retry": RetryPolicy(jitter=lambda: 0.0),
            "sleep": clock.sleep,
            "clock": clock,
            "counter": CallCounter(),
            "page_size": 10,
            "session": loopback_session(),
        }
        settings.update(options)
        config = LinkedInConfig(**{k: v for k, v in settings.items() if k in CONFIG_FIELDS})
        return LinkedInClient(config, **{k: v for k, v in settings.items()
                                         if k not in CONFIG_FIELDS})

    return make


@pytest.fixture()
def client(make_client: MakeClient) -> LinkedInClient:
    return make_client()
