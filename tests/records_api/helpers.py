"""Helpers of the records tests: reading every page, making test records."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

import requests

from connectors.suitecrm import SuiteCRMClient
from tests.mobile.conftest import Api

SALLY, MAX, WILL = "seed_sally_id", "seed_max_id", "seed_will_id"


def ok(answer: requests.Response) -> Any:
    assert answer.status_code == 200, answer.text
    return answer.json()


def search_all(api: Api, kind: str, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    """Every row of a search, following next_cursor to the end."""
    rows: list[dict[str, Any]] = []
    query = dict(params)
    for _ in range(100):
        page = ok(api("GET", f"/records/{kind}", params=query, headers=headers))
        rows.extend(page["items"])
        if page["next_cursor"] is None:
            return rows
        query["cursor"] = page["next_cursor"]
    raise AssertionError("the cursor never ended")


def ids(rows: list[dict[str, Any]]) -> list[str]:
    return [row["id"] for row in rows]


def person(crm: SuiteCRMClient, module: str, owner: str, last_name: str,
           **fields: Any) -> str:
    attributes = {"first_name": "Anna", "last_name": last_name, "assigned_user_id": owner,
                  **fields}
    return crm.create(module, attributes).id


def named(crm: SuiteCRMClient, module: str, owner: str, name: str, **fields: Any) -> str:
    return crm.create(module, {"name": name, "assigned_user_id": owner, **fields}).id


def interaction(crm: SuiteCRMClient, owner: str, *, occurred_at: datetime,
                **fields: Any) -> str:
    attributes = {"network": "facebook", "external_id": "ext-" + secrets.token_hex(6),
                  "kind": "comment", "direction": "inbound", "status": "new",
                  "occurred_at": occurred_at, "assigned_user_id": owner, **fields}
    return crm.create("SCRM_SocialInteractions", attributes).id


def minute(moment: datetime) -> datetime:
    """SuiteCRM answers datetimes to the minute: tests write whole minutes."""
    return moment.astimezone(UTC).replace(second=0, microsecond=0)
