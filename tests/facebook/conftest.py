"""Fixtures: a Graph sandbox served over HTTP on a free loopback port, and clients for it.

Clients use a ``FakeClock`` whose ``sleep`` advances time instead of waiting, shared by
the transport's backoff and the usage governor, so every wait is recorded and no test
sleeps for real. ``make_client(**overrides)`` takes ``GraphConfig`` fields and the
client's own arguments (``access_token``, ``session``, ``counter``, ``governor``) alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import fields
from typing import Any

import pytest

from connectors.facebook import FacebookClient, GraphConfig, UsageGovernor
from connectors.transport import RetryPolicy
from sandboxes.facebook import FacebookSandbox
from tests.facebook.helpers import FakeClock

VERSION = "v25.0"  # the sandbox's newest version
CONFIG_FIELDS = frozenset(f.name for f in fields(GraphConfig))


@pytest.fixture()
def sandbox() -> Iterator[FacebookSandbox]:
    with FacebookSandbox() as running:
        yield running


@pytest.fixture()
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture()
def make_client(sandbox: FacebookSandbox, clock: FakeClock) -> Callable[..., FacebookClient]:
    def build(**overrides: Any) -> FacebookClient:
        options: dict[str, Any] = {
            "version": VERSION, "base_url": sandbox.url, "app_id": sandbox.app_id,
            "app_secret": sandbox.app_secret, "access_token": sandbox.page_token,
            "retry": RetryPolicy(jitter=lambda: 0.0), "sleep": clock.sleep, "clock": clock,
            "timeout": 5.0,
        }
        options.update(overrides)
        config = GraphConfig(**{k: v for k, v in options.items() if k in CONFIG_FIELDS})
        return FacebookClient(config, **{k: v for k, v in options.items()
                                         if k not in CONFIG_FIELDS})

    return build


@pytest.fixture()
def client(make_client: Callable[..., FacebookClient]) -> FacebookClient:
    return make_client()


@pytest.fixture()
def governor(clock: FakeClock) -> UsageGovernor:
    return UsageGovernor(sleep=clock.sleep, clock=clock)
