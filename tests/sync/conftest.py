"""The SuiteCRM sandbox (with the SocialCRM package) over HTTP, a real Redis, and helpers
that build items and count the SuiteCRM calls the sync makes.

Every test uses its own external ids (``uid``), so tests share one sandbox per module
without seeing each other's records.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from rq import Queue
from rq.job import Job

from connectors.social import Network, SocialIdentity
from connectors.suitecrm import Filter, Record, SuiteCRMClient
from connectors.transport import CallCounter, RetryPolicy
from plugin.sync.items import SocialItem
from sandboxes.suitecrm import DEMO_SYNC_CLIENT, SuiteCRMSandbox
from tests.webhooks.conftest import api_config, http, service  # noqa: F401 (fixtures)

PAGE = "104200000000001"
T0 = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
FAST_RETRY = RetryPolicy(max_attempts=2, base_delay=0.01, jitter=lambda: 0.0)
MODULE = "SCRM_SocialInteractions"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SuiteCRMSandbox]:
    with SuiteCRMSandbox(port=0, seed=False, with_plugin=True) as running:
        yield running


@pytest.fixture(autouse=True)
def clean_faults(sandbox: SuiteCRMSandbox) -> Iterator[None]:
    sandbox.faults.clear()
    yield
    sandbox.faults.clear()


@pytest.fixture()
def counter() -> CallCounter:
    return CallCounter()


@pytest.fixture()
def crm(sandbox: SuiteCRMSandbox, counter: CallCounter) -> SuiteCRMClient:
    client = SuiteCRMClient.service_account(sandbox.url, *DEMO_SYNC_CLIENT, timeout=5.0,
                                            retry=FAST_RETRY, counter=counter)
    client.fields(MODULE)  # metadata and token once, so call counts show the sync alone
    client.fields("SCRM_SocialProfiles")
    counter.reset()
    return client


@pytest.fixture()
def uid() -> str:
    return secrets.token_hex(5)


def record_calls(counter: CallCounter) -> int:
    """SuiteCRM calls on records (token and metadata calls left out)."""
    return sum(n for (_, endpoint), n in counter.snapshot().items() if "/module" in endpoint)


def person(external_id: str, name: str = "Анна Ли 🎸") -> SocialIdentity:
    return SocialIdentity(network=Network.FACEBOOK, external_id=external_id, name=name)


def fb_item(external_id: str, *, verb: str = "add", kind: str = "comment",
            body: str | None = "Hello", at: datetime = T0, occurred: datetime | None = None,
            author: SocialIdentity | None = None, **fields: Any) -> SocialItem:
    """A Facebook item as a webhook would announce it at ``at``."""
    return SocialItem(network=Network.FACEBOOK, external_id=external_id, kind=kind,  # type: ignore[arg-type]
                      verb=verb, owner_id=PAGE, occurred_at=occurred or at,  # type: ignore[arg-type]
                      event_time=at, body=body, author=author, **fields)


def interactions(crm: SuiteCRMClient, external_id: str) -> list[Record]:
    """Every interaction SuiteCRM holds for one external id (to prove there is one)."""
    return list(crm.iterate(MODULE, filter=Filter.where(external_id=external_id)))


def later(seconds: int) -> datetime:
    return T0 + timedelta(seconds=seconds)


def finished_functions(queue: Queue) -> Counter[str]:
    """How many jobs of each function ``queue`` finished (drains woken by the writes run
    beside the sync's own jobs)."""
    ids = queue.finished_job_registry.get_job_ids()
    return Counter(job.func_name for job in Job.fetch_many(ids, connection=queue.connection)
                   if job is not None)
