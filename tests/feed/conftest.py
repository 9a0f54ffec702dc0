"""The feed store on a real Redis and the SuiteCRM sandbox (with the SocialCRM package)
served over HTTP; records are created through the V8 API like the sync creates them."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import redis

from connectors.suitecrm import Record, SuiteCRMClient
from connectors.transport import RetryPolicy
from sandboxes.suitecrm import DEMO_SYNC_CLIENT, SuiteCRMSandbox
from workers import feed
from workers.jobs.intake import stream_key

SALLY, MAX, WILL = "seed_sally_id", "seed_max_id", "seed_will_id"
CRM_STREAM = stream_key("suitecrm")


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SuiteCRMSandbox]:
    with SuiteCRMSandbox(port=0, seed=False, with_plugin=True) as running:
        yield running


@pytest.fixture()
def crm(sandbox: SuiteCRMSandbox) -> Iterator[SuiteCRMClient]:
    sandbox.reset()
    sandbox.faults.clear()
    yield SuiteCRMClient.service_account(
        sandbox.url, *DEMO_SYNC_CLIENT, timeout=2.0, sleep=lambda _seconds: None,
        retry=RetryPolicy(max_attempts=2, base_delay=0.0, jitter=lambda: 0.0))
    sandbox.faults.clear()


def unique(text: str) -> str:
    return f"{text} {uuid.uuid4().hex[:6]}"


def account(crm: SuiteCRMClient, owner: str, name: str = "Acme") -> Record:
    return crm.create("Accounts", {"name": unique(name), "assigned_user_id": owner})


def create(crm: SuiteCRMClient, module: str, **attributes: Any) -> Record:
    return crm.create(module, attributes)


def interaction(crm: SuiteCRMClient, *, assignee: str, account_id: str = "",
                name: str = "", body: str = "", **more: Any) -> Record:
    attributes = {"name": name, "network": "facebook", "external_id": uuid.uuid4().hex,
                  "kind": "comment", "body": body, "author_name": "Li Wei",
                  "occurred_at": datetime.now(UTC), "assigned_user_id": assignee,
                  "sentiment_label": "negative", "status": "new", **more}
    if account_id:
        attributes["account_id"] = account_id
    return crm.create("SCRM_SocialInteractions", attributes)


def crm_event(module: str, record_id: str, action: str = "update") -> dict[str, Any]:
    """A change event as the intake job appends it to the SuiteCRM stream."""
    return {"notice_id": str(uuid.uuid4()), "event_id": str(uuid.uuid4()), "module": module,
            "record_id": record_id, "action": action, "changed_fields": ["name"],
            "assigned_user_id": None, "modified_user_id": "1",
            "occurred_at": datetime.now(UTC).isoformat()}


def append_event(client: redis.Redis, event: dict[str, Any], stream: str = CRM_STREAM) -> str:
    entry_id = client.xadd(stream, {"delivery_id": "suitecrm-test", "event": json.dumps(event)})
    return entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)


def whole_timeline(client: redis.Redis, user: str, page: int = 7) -> list[dict[str, Any]]:
    """Every item of a rep's timeline, paged through, as compact dicts."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        got = feed.timeline(client, user, page, cursor)
        items += [item.to_dict() for item in got.items]
        if got.next_cursor is None:
            return items
        cursor = got.next_cursor


def all_timelines(client: redis.Redis) -> dict[str, list[dict[str, Any]]]:
    users = sorted(u.decode() for u in client.smembers(feed.LIVE.users))
    found = {user: whole_timeline(client, user) for user in users}
    return {user: items for user, items in found.items() if items}


def feed_keys(client: redis.Redis) -> set[str]:
    """Every feed key that is part of the timelines (caches and tombstones left out)."""
    return {key.decode() for key in client.scan_iter(match=feed.PREFIX + "*")
            if not key.decode().startswith((feed.PREFIX + "cache:", feed.PREFIX + "gone:"))}
