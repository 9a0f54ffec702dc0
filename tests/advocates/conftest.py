"""Fixtures for the advocates and kudos tests.

The mobile API's fixtures (``tests.mobile.conftest``: the real app over HTTP, a real
Redis, logins, real ``socialcrm worker`` processes) are re-exported. ``suitecrm`` is
overridden: a fresh SuiteCRM sandbox with the plugin and *without* demo data per test,
so a ranking holds exactly the profiles its test made. ``crm`` is the service account's
client on it; ``in_process`` installs a worker runtime in this process and runs RQ's
in-process worker until the queues are empty.

Records are made with the service account, as the sync makes them: ``profile(...)``,
``interaction(...)`` (inbound, with a sentiment label and score, a time in days before
``NOW``).
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis

from connectors.suitecrm import Record, SuiteCRMClient
from sandboxes.suitecrm import DEMO_SYNC_CLIENT, SuiteCRMSandbox
from tests.mobile.conftest import (  # noqa: F401 (fixtures)
    api,
    api_config,
    login,
    max_headers,
    run_worker,
    sally_headers,
)
from tests.outbox.worker import BurstSimpleWorker, run_burst
from workers import runtime
from workers.queues import queue_name

SALLY, MAX, WILL, CHRIS = "seed_sally_id", "seed_max_id", "seed_will_id", "seed_chris_id"
NOW = datetime.now(UTC).replace(second=0, microsecond=0)  # V8 answers times to the minute
_numbers = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def days_ago(days: float, minutes: float = 0) -> datetime:
    return NOW - timedelta(days=days, minutes=minutes)


@pytest.fixture()
def suitecrm() -> Iterator[SuiteCRMSandbox]:
    with SuiteCRMSandbox(port=0, seed=False, with_plugin=True) as running:
        yield running


@pytest.fixture()
def crm(suitecrm: SuiteCRMSandbox) -> SuiteCRMClient:
    return SuiteCRMClient.service_account(suitecrm.url, *DEMO_SYNC_CLIENT)


def profile(crm: SuiteCRMClient, name: str, *, network: str = "facebook",
            **attributes: Any) -> Record:
    return crm.create("SCRM_SocialProfiles", {
        "name": name, "display_name": name, "handle": name.lower().replace(" ", "."),
        "network": network, "external_id": unique("ext"), **attributes})


def interaction(crm: SuiteCRMClient, profile_id: str | None, body: str, *,
                label: str = "positive", score: float = 0.8, days: float = 1,
                minutes: float = 0, **attributes: Any) -> Record:
    values: dict[str, Any] = {
        "name": body[:40] or "comment", "network": "facebook",
        "external_id": f"c-{next(_numbers)}-{uuid.uuid4().hex[:6]}", "kind": "comment",
        "direction": "inbound", "status": "new", "body": body,
        "occurred_at": days_ago(days, minutes), "sentiment_label": label,
        "sentiment_score": score if label != "negative" else -abs(score), **attributes}
    if profile_id:
        values["profile_id"] = profile_id
    return crm.create("SCRM_SocialInteractions", values)


class InProcess:
    """A worker runtime installed in this process, and a way to run queued jobs."""

    def __init__(self, redis_url: str, options: dict[str, Any]) -> None:
        self.redis_url = redis_url
        self.options = options

    def run_jobs(self, *purposes: str) -> None:
        connection = redis.Redis.from_url(self.redis_url)
        try:
            run_burst(BurstSimpleWorker, connection,
                      [queue_name(p) for p in purposes or ("sync",)])  # type: ignore[arg-type]
        finally:
            connection.close()


@pytest.fixture()
def in_process(redis_url: str, redis_client: redis.Redis,
               crm: SuiteCRMClient) -> Iterator[InProcess]:
    options: dict[str, Any] = {}
    runtime.install(runtime.Runtime(redis_url=redis_url, suitecrm=lambda: crm,
                                    options=options))
    try:
        yield InProcess(redis_url, options)
    finally:
        runtime.uninstall()
