"""Social-to-Case on the SuiteCRM sandbox (served over HTTP, with the SocialCRM package)
and a real Redis for the round-robin turns.

``world`` creates what a test needs in SuiteCRM (accounts, contacts, interactions) with
fresh ids and names, so tests never see each other's records.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
import redis

from connectors.suitecrm import SuiteCRMClient
from connectors.transport import RetryPolicy
from plugin.sync.cases import CaseFacts
from sandboxes.suitecrm import DEMO_SYNC_CLIENT, SuiteCRMSandbox
from workers.rotation import RedisRotation

try:
    from plugin.sentiment import Sentiment
except ImportError:  # written in parallel; the fields the brief fixes for it
    @dataclass(frozen=True, slots=True)
    class Sentiment:  # type: ignore[no-redef]
        score: float | None
        label: str | None
        language: str
        supported: bool
        scorer: str = "test"

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)  # a Monday
SALLY, MAX, WILL = "seed_sally_id", "seed_max_id", "seed_will_id"


def negative(language: str = "en", score: float = -0.6) -> Sentiment:
    return Sentiment(score=score, label="negative", language=language, supported=True,
                     scorer="test")


def neutral(language: str = "en") -> Sentiment:
    return Sentiment(score=0.0, label="neutral", language=language, supported=True,
                     scorer="test")


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SuiteCRMSandbox]:
    with SuiteCRMSandbox(port=0, seed=False, with_plugin=True) as running:
        yield running


@pytest.fixture(autouse=True)
def clean_faults(sandbox: SuiteCRMSandbox) -> Iterator[None]:
    sandbox.faults.clear()
    yield
    sandbox.faults.clear()


def connect(url: str) -> SuiteCRMClient:
    return SuiteCRMClient.service_account(
        url, *DEMO_SYNC_CLIENT, timeout=5.0,
        retry=RetryPolicy(max_attempts=3, base_delay=0.05, jitter=lambda: 0.0))


@pytest.fixture()
def crm(sandbox: SuiteCRMSandbox) -> SuiteCRMClient:
    return connect(sandbox.url)


@pytest.fixture()
def rotation(redis_client: redis.Redis) -> RedisRotation:
    return RedisRotation(redis_client)


_numbers = itertools.count(1)


@dataclass
class World:
    """Records in SuiteCRM for one test, each with a fresh id."""

    crm: SuiteCRMClient
    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:8])

    def account(self, owner: str | None = None) -> str:
        attributes = {"name": f"Гитары {self.tag} {next(_numbers)}"}
        if owner:
            attributes["assigned_user_id"] = owner
        return self.crm.create("Accounts", attributes).id

    def contact(self, account_id: str | None = None) -> str:
        attributes = {"last_name": f"Иванов {self.tag} {next(_numbers)}"}
        if account_id:
            attributes["account_id"] = account_id
        return self.crm.create("Contacts", attributes).id

    def facts(self, body: str, *, kind: str = "comment", thread: str | None = "thread-1",
              sentiment: Any = None, occurred_at: datetime = NOW, **links: Any) -> CaseFacts:
        """Store an interaction as the sync would, and the facts the Case step gets."""
        external = f"{self.tag}_{next(_numbers)}"
        attributes: dict[str, Any] = {
            "network": "facebook", "external_id": external, "kind": kind, "body": body,
            "occurred_at": occurred_at, "status": "new", "direction": "inbound"}
        if thread:
            attributes["thread_external_id"] = f"{self.tag}-{thread}"
        for name in ("profile_id", "contact_id", "lead_id", "account_id"):
            if links.get(name):
                attributes[name] = links[name]
        record = self.crm.create("SCRM_SocialInteractions", attributes)
        return CaseFacts(
            interaction_id=record.id, network="facebook", kind=kind, body=body,
            occurred_at=occurred_at,
            thread_external_id=attributes.get("thread_external_id"),
            sentiment=sentiment, **links)


@pytest.fixture()
def world(crm: SuiteCRMClient) -> World:
    return World(crm)
