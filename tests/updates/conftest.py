# ruff: noqa: RUF001 - Cyrillic text is the test data
"""Quick updates as a rep's phone meets them: the real API over HTTP, the seeded SuiteCRM
sandbox, a real Redis, and workers that write as the rep (real ``socialcrm worker``
processes, or RQ's worker in this process with a runtime installed, to stage faults).

Fixtures of ``tests.mobile.conftest`` are re-exported; added here:

* ``crm``: the service account's client, for setting up records and reading back what
  the rep's updates wrote (``created_by``, ``modified_user_id``);
* ``in_process``: a worker runtime installed in this process (the reps' sessions of the
  API's Redis, the service account, the Facebook sandbox's Page when started); with
  ``run_jobs(*purposes)`` running RQ's in-process worker until the queues are empty.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
import requests

from connectors.suitecrm import PasswordClient, Record, SuiteCRMClient
from sandboxes.suitecrm import DEMO_MOBILE_CLIENT, DEMO_SYNC_CLIENT, SuiteCRMSandbox
from tests.mobile.conftest import (  # noqa: F401
    SECRET_KEY,
    Api,
    api,
    api_config,
    login,
    max_headers,
    run_worker,
    sally_headers,
    suitecrm,
)
from tests.outbox.worker import BurstSimpleWorker, run_burst
from workers import runtime
from workers.queues import Purpose, queue_name
from workers.rep_sessions import SessionStore
from workers.tokens import TokenCipher

SALLY = "seed_sally_id"
MAX = "seed_max_id"
# Text that must come back exactly as written: emoji (with a skin tone and a ZWJ family),
# Cyrillic, Chinese, quotes that SuiteCRM answers HTML-encoded.
WORLD_TEXT = "Звонок с клиентом 👍🏽 客户很满意 «O'Brien» \"ok\" 👨‍👩‍👧"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def post(server: Api, headers: dict[str, str], body: Any,
         key: str | None = None) -> requests.Response:
    """POST /updates with ``key`` (a fresh one by default) as the Idempotency-Key."""
    return server("POST", "/updates", json=body,
                  headers={**headers, "Idempotency-Key": key or unique("key")})


def status_of(server: Api, headers: dict[str, str], update_id: str) -> dict[str, Any]:
    answer = server("GET", f"/updates/{update_id}", headers=headers)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


@pytest.fixture()
def crm(suitecrm: SuiteCRMSandbox) -> SuiteCRMClient:  # noqa: F811
    return SuiteCRMClient.service_account(suitecrm.url, *DEMO_SYNC_CLIENT)


def make_record(crm: SuiteCRMClient, module: str, **attributes: Any) -> Record:
    """A record created by the service account (as an admin or a colleague would)."""
    return crm.create(module, attributes)


@pytest.fixture()
def contact(crm: SuiteCRMClient) -> Record:
    return make_record(crm, "Contacts", first_name="Anna", last_name=unique("Petrova"),
                       assigned_user_id=SALLY, phone_mobile="+49 30 1234567",
                       title="Buyer")


class InProcess:
    """A worker runtime installed in this process, and a way to run queued jobs."""

    def __init__(self, server: Api, installed: runtime.Runtime) -> None:
        self.api = server
        self.runtime = installed

    def run_jobs(self, *purposes: Purpose) -> None:
        connection = redis.Redis.from_url(self.api.redis_url)
        try:
            run_burst(BurstSimpleWorker, connection,
                      [queue_name(p) for p in purposes or ("crm",)])
        finally:
            connection.close()


def sessions_for(server: Api) -> Callable[[], SessionStore]:
    store = SessionStore(redis.Redis.from_url(server.redis_url), TokenCipher(SECRET_KEY),
                         suitecrm_url=server.suitecrm_url,
                         password_client=PasswordClient(*DEMO_MOBILE_CLIENT))
    return lambda: store


@pytest.fixture()
def in_process(api: Api, crm: SuiteCRMClient) -> Iterator[InProcess]:  # noqa: F811
    installed = runtime.Runtime(redis_url=api.redis_url, suitecrm=lambda: crm,
                                sessions=sessions_for(api))
    runtime.install(installed)
    try:
        yield InProcess(api, installed)
    finally:
        runtime.uninstall()
