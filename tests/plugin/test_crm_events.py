"""Signing, verifying and parsing CRM change notices; PHP signer and Python verifier agree."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from plugin.build import PACKAGE_DIR
from plugin.crm_events import CrmEvent, CrmEventError, CrmNotice, parse_notice, sign, verify
from tests.plugin.conftest import PhpRunner

SECRET = "Zoë 🙂 Ñandú shared secret"
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
# Computed once with `openssl dgst -sha256 -hmac` and frozen: both signers must hit it.
VECTOR_BODY = '{"note":"Zoë 🙂 Ñandú","n":1}'.encode()
VECTOR_SIGNATURE = "sha256=f58b06b1a76d3d0e932262a68f80b9b6f42a938534ddcbb4c93c405c5e7e759d"


def _notice(events: list[Any] | None = None, **changes: Any) -> bytes:
    data = {"schema": 2, "notice_id": NOTICE_ID, "events": [EVENT] if events is None else events,
            "unsent": 0,
            **changes}
    return json.dumps({k: v for k, v in data.items() if v is not ...}).encode()


def _body(**changes: Any) -> bytes:
    """A one-event notice whose event has ``changes`` (``...`` removes a key)."""
    data = {**EVENT, **changes}
    return _notice([{k: v for k, v in data.items() if v is not ...}])


def _php_sign(php: PhpRunner, body: bytes, secret: str) -> str:
    out = php.json("run_events.php", stdin={
        "package": str(PACKAGE_DIR), "settings": {},
        "steps": [{"op": "sign", "body_b64": base64.b64encode(body).decode(), "secret": secret}],
    })
    assert out["problems"] == []
    signature: str = out["results"][0]
    return signature


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


def test_sign_matches_the_frozen_vector_and_verify_accepts_it() -> None:
    assert sign(VECTOR_BODY, SECRET) == VECTOR_SIGNATURE
    assert verify(VECTOR_BODY, VECTOR_SIGNATURE, SECRET)
    upper_hex = "sha256=" + VECTOR_SIGNATURE.removeprefix("sha256=").upper()
    assert verify(VECTOR_BODY, f"  {upper_hex} ", SECRET)


@pytest.mark.parametrize(
    ("body", "header", "secret"),
    [
        (VECTOR_BODY + b" ", VECTOR_SIGNATURE, SECRET),
        (VECTOR_BODY, VECTOR_SIGNATURE, SECRET + "x"),
        (VECTOR_BODY, VECTOR_SIGNATURE, ""),
        (VECTOR_BODY, "", SECRET),
        (VECTOR_BODY, VECTOR_SIGNATURE.removeprefix("sha256="), SECRET),
        (VECTOR_BODY, "sha1=" + VECTOR_SIGNATURE.removeprefix("sha256="), SECRET),
        (VECTOR_BODY, VECTOR_SIGNATURE[:-2], SECRET),
        (VECTOR_BODY, VECTOR_SIGNATURE[:-1] + "g", SECRET),
    ],
)
def test_verify_rejects_tampering_and_malformed_headers(body: bytes, header: str,
                                                        secret: str) -> None:
    assert not verify(body, header, secret)


def test_php_signer_and_python_verifier_agree_on_non_ascii(php: PhpRunner) -> None:
    php_signature = _php_sign(php, VECTOR_BODY, SECRET)
    assert php_signature == VECTOR_SIGNATURE
    assert verify(VECTOR_BODY, php_signature, SECRET)
    tampered = VECTOR_BODY.replace("Zoë".encode(), b"Zoe")
    assert not verify(tampered, php_signature, SECRET)


def test_php_and_python_sign_every_byte_alike(php: PhpRunner) -> None:
    body = bytes(range(256)) + "Ñandú 🙂".encode()
    assert _php_sign(php, body, "plain-ascii-secret-123") == sign(body, "plain-ascii-secret-123")


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
