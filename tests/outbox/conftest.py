"""A SuiteCRM sandbox with the SocialCRM package (and so its change outbox), a real Redis,
and helpers that make changes the way users do: through V8, as the admin or as a rep.

The sandbox appends outbox rows exactly where the package's hooks would (see
``sandboxes/suitecrm/outbox.py``); the drain reads and prunes them over HTTP.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis

from connectors.suitecrm import SuiteCRMClient
from connectors.suitecrm.query import Filter
from connectors.transport import RetryPolicy
from plugin.outbox import MODULE
from sandboxes.suitecrm import DEMO_MOBILE_CLIENT, DEMO_SYNC_CLIENT, SuiteCRMSandbox
from workers.crm_outbox import STREAM

NO_RETRY = RetryPolicy(max_attempts=1, base_delay=0.0, jitter=lambda: 0.0)
SALLY = "seed_sally_id"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SuiteCRMSandbox]:
    with SuiteCRMSandbox(seed=False, with_plugin=True) as running:
        yield running


@pytest.fixture(autouse=True)
def fresh(sandbox: SuiteCRMSandbox) -> Iterator[None]:
    """Every test starts with an empty SuiteCRM (and so an empty outbox), no faults."""
    sandbox.reset()
    sandbox.faults.clear()
    yield
    sandbox.faults.clear()


@pytest.fixture()
def crm(sandbox: SuiteCRMSandbox) -> SuiteCRMClient:
    """The service account (client_credentials, acts as the admin)."""
    return SuiteCRMClient.service_account(sandbox.url, *DEMO_SYNC_CLIENT, retry=NO_RETRY)


@pytest.fixture()
def sally(sandbox: SuiteCRMSandbox) -> SuiteCRMClient:
    """A sales rep, logged in with her password."""
    return SuiteCRMClient.login(sandbox.url, *DEMO_MOBILE_CLIENT, "sally", "sally-Passw0rd",
                                retry=NO_RETRY)


def task(crm: SuiteCRMClient, name: str, **attributes: Any) -> str:
    due = datetime.now(UTC) + timedelta(days=2)
    return crm.create("Tasks", {"name": name, "status": "Not Started", "priority": "High",
                                "date_due": due, **attributes}).id


@dataclass(frozen=True)
class Item:
    """One change on the SuiteCRM stream, as the feed store will read it."""

    entry_id: str
    fields: dict[str, str]
    event: dict[str, Any]

    @property
    def key(self) -> tuple[str, str, str, tuple[str, ...]]:
        return (self.event["module"], self.event["record_id"], self.event["action"],
                tuple(self.event["changed_fields"]))


def stream(client: redis.Redis) -> list[Item]:
    items = []
    for entry_id, raw in client.xrange(STREAM):
        fields = {k.decode(): v.decode() for k, v in raw.items()}
        items.append(Item(entry_id.decode(), fields, json.loads(fields["event"])))
    return items


def outbox_rows(crm: SuiteCRMClient) -> list[tuple[int, str, str, str]]:
    """What SuiteCRM's outbox holds now: (sequence, module, record id, action)."""
    rows = crm.list(MODULE, filter=Filter.where(sequence__gt=0), sort="sequence",
                    page_size=1000).records
    return [(int(r["sequence"]), r["record_module"], r["record_id"], r["action"])
            for r in rows]
