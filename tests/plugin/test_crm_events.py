"""Parsing CRM change notices: typed records out, and every bad body ends in CrmEventError.

Signing and the time window are in test_notice_signature.py.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from plugin.build import PACKAGE_DIR
from plugin.crm_events import CrmEvent, CrmEventError, CrmNotice, parse_notice
from tests.plugin.conftest import PhpRunner

NOTICE_ID = "6f1d2c3b-4a59-4e8d-9c7b-1a2b3c4d5e6f"
EVENT = {
    "event_id": "0b7cf4b4-9a57-4d4e-8f3a-2a1d6c1b9e11",
    "module": "Calls",
    "record_id": "5f0e2a5c-8d3b-4b8e-9c1f-0a3b2c4d5e6f",
    "action": "update",
    "changed_fields": ["description", "status"],
    "assigned_user_id": "1",
    "modified_user_id": "seed_sally_id",
    "occurred_at": "2026-11-22T08:03:51Z",
}


def _notice(events: list[Any] | None = None, **changes: Any) -> bytes:
    data = {"schema": 2, "notice_id": NOTICE_ID, "events": [EVENT] if events is None else events,
            "unsent": 0,
            **changes}
    return json.dumps({k: v for k, v in data.items() if v is not ...}).encode()


def _body(**changes: Any) -> bytes:
    """A one-event notice whose event has ``changes`` (``...`` removes a key)."""
    data = {**EVENT, **changes}
    return _notice([{k: v for k, v in data.items() if v is not ...}])


def test_parse_notice_returns_typed_records() -> None:
    second = {**EVENT, "event_id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "action": "delete",
              "changed_fields": []}
    notice = parse_notice(_notice([EVENT, second], unsent=3))
    assert notice.notice_id == NOTICE_ID
    assert notice.unsent == 3
    assert [e.action for e in notice.events] == ["update", "delete"]
    assert notice == CrmNotice(schema=2, notice_id=NOTICE_ID, events=notice.events, unsent=3)
    (event,) = parse_notice(_body()).events
    assert event == CrmEvent(
        event_id=EVENT["event_id"],
        module="Calls",
        record_id=EVENT["record_id"],
        action="update",
        changed_fields=("description", "status"),
        assigned_user_id="1",
        modified_user_id="seed_sally_id",
        occurred_at=datetime(2026, 11, 22, 8, 3, 51, tzinfo=UTC),
    )


def test_parse_notice_accepts_null_users_and_ignores_unknown_keys() -> None:
    (event,) = parse_notice(_body(assigned_user_id=None, modified_user_id="",
                                  future_key={"x": 1})).events
    assert event.assigned_user_id is None
    assert event.modified_user_id is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"\xff\xfe", "body"),
        (b"{not json", "body"),
        (b"[1, 2]", "body"),
        (b"x" * (64 * 1024 + 1), "body"),
        (_notice(schema=1), "schema"),
        (_notice(schema=True), "schema"),
        (_notice(schema=...), "schema"),
        (_notice(notice_id="not-a-uuid"), "notice_id"),
        (_notice(notice_id=...), "notice_id"),
        (_notice(events=[]), "events"),
        (_notice(events={"0": EVENT}), "events"),
        (_notice(events=[EVENT, "x"]), "events[1]"),
        (_notice(unsent=-1), "unsent"),
        (_notice(unsent="2"), "unsent"),
        (_notice(unsent=...), "unsent"),
        (_body(event_id="not-a-uuid"), "events[0].event_id"),
        (_body(event_id="0b7cf4b4-9a57-1d4e-8f3a-2a1d6c1b9e11"), "events[0].event_id"),
        (_body(event_id="{0b7cf4b4-9a57-4d4e-8f3a-2a1d6c1b9e11}"), "events[0].event_id"),
        (_body(module="Calls; DROP"), "events[0].module"),
        (_body(module=7), "events[0].module"),
        (_body(record_id=""), "events[0].record_id"),
        (_body(record_id="x" * 37), "events[0].record_id"),
        (_body(action="merge"), "events[0].action"),
        (_body(action=...), "events[0].action"),
        (_body(changed_fields="status"), "events[0].changed_fields"),
        (_body(changed_fields=["status", "bad field"]), "events[0].changed_fields[1]"),
        (_body(changed_fields=["status", 3]), "events[0].changed_fields[1]"),
        (_body(assigned_user_id=12), "events[0].assigned_user_id"),
        (_body(occurred_at="2026-11-22 08:03:51"), "events[0].occurred_at"),
        (_body(occurred_at="2026-02-30T08:03:51Z"), "events[0].occurred_at"),
        (_body(occurred_at="2026-11-22T08:03:51+02:00"), "events[0].occurred_at"),
    ],
)
def test_parse_notice_names_the_bad_field(body: bytes, field: str) -> None:
    with pytest.raises(CrmEventError) as caught:
        parse_notice(body)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")
    assert isinstance(caught.value, ValueError)


def test_php_built_notice_parses_in_python(php: PhpRunner) -> None:
    out = php.json("run_events.php", stdin={
        "package": str(PACKAGE_DIR), "settings": {},
        "steps": [{
            "op": "build", "action": "create", "now": 1795334631,
            "bean": {"module_dir": "SCRM_SocialInteractions", "id": "rec-1",
                     "field_defs": {"body": {"type": "text"}, "network": {"type": "enum"}},
                     "values": {"body": "Zoë 🙂 Ñandú says hi", "network": "facebook",
                                "assigned_user_id": "u1", "modified_user_id": "u2"}},
        }],
    })
    body = out["results"][0]["body"].encode()
    (event,) = parse_notice(body).events
    assert event.module == "SCRM_SocialInteractions"
    assert event.action == "create"
    assert event.changed_fields == ("body", "network")
    assert event.occurred_at == datetime.fromtimestamp(1795334631, tz=UTC)
    assert "Zoë".encode() not in body
