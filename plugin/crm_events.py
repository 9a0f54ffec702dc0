"""The signed change notices SuiteCRM's logic hooks send to ``POST /webhooks/suitecrm``.

One notice carries every change one SuiteCRM request made (a mass update of 50 Calls is
one notice of 50 events), and ``unsent`` counts the request's changes it could not carry
(under Apache's mod_php the user waits for the notice, so only one is sent), which the
service must reconcile. The PHP side (``SCRM_ChangeNotifier``) signs the exact body bytes
with HMAC-SHA256 and the shared secret; this module checks that signature and turns the
body into typed records. An event names a record and which fields changed, never their
values.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

WEBHOOK_PATH = "/webhooks/suitecrm"
SIGNATURE_HEADER = "X-SocialCRM-Signature"
NOTICE_ID_HEADER = "X-SocialCRM-Notice-Id"
TIMESTAMP_HEADER = "X-SocialCRM-Timestamp"
SIGNATURE_PREFIX = "sha256="
SCHEMA_VERSION = 2
MAX_BODY_BYTES = 64 * 1024

Action = Literal["create", "update", "delete"]
ACTIONS: tuple[Action, ...] = ("create", "update", "delete")

_MODULE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,99}$")
_FIELD = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,99}$")
_RECORD_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,35}$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_HEX_DIGEST = re.compile(r"^[0-9a-fA-F]{64}$")


class CrmEventError(ValueError):
    """The body is not a valid change notice; ``field`` names the offending part
    (``events[2].module`` for a field of the third event)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True, slots=True)
class CrmEvent:
    event_id: str
    module: str
    record_id: str
    action: Action
    changed_fields: tuple[str, ...]
    assigned_user_id: str | None
    modified_user_id: str | None
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class CrmNotice:
    schema: int
    notice_id: str
    events: tuple[CrmEvent, ...]
    unsent: int  # changes of the same SuiteCRM request that no notice carries


def sign(body: bytes, secret: str) -> str:
    """The ``X-SocialCRM-Signature`` value for ``body``: ``sha256=<hex>``."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def verify(body: bytes, signature_header: str, secret: str) -> bool:
    """True when ``signature_header`` is the signature of ``body`` under ``secret``.

    An empty secret never verifies: an unconfigured receiver must not accept anything.
    """
    if not secret or not signature_header:
        return False
    header = signature_header.strip()
    if not header.startswith(SIGNATURE_PREFIX):
        return False
    given = header[len(SIGNATURE_PREFIX):]
    if not _HEX_DIGEST.match(given):
        return False
    expected = sign(body, secret)[len(SIGNATURE_PREFIX):]
    return hmac.compare_digest(expected, given.lower())


def parse_notice(body: bytes) -> CrmNotice:
    """Decode and validate one notice body; raises :class:`CrmEventError` on bad input.

    Keys the schema does not know are ignored, so the PHP side can add some later.
    """
    if len(body) > MAX_BODY_BYTES:
        raise CrmEventError("body", f"larger than {MAX_BODY_BYTES} bytes")
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CrmEventError("body", "not UTF-8") from exc
    except ValueError as exc:
        raise CrmEventError("body", f"not JSON ({exc.msg})") from exc
    if not isinstance(data, dict):
        raise CrmEventError("body", "not a JSON object")
    schema = _required(data, "schema")
    if isinstance(schema, bool) or schema != SCHEMA_VERSION:
        raise CrmEventError("schema", f"expected {SCHEMA_VERSION}, got {schema!r}")
    events = _required(data, "events")
    if not isinstance(events, list) or not events:
        raise CrmEventError("events", "must be a non-empty list")
    unsent = _required(data, "unsent")
    if isinstance(unsent, bool) or not isinstance(unsent, int) or not 0 <= unsent < 10**9:
        raise CrmEventError("unsent", "must be a count")
    return CrmNotice(
        schema=SCHEMA_VERSION,
        notice_id=_uuid4(data, "notice_id"),
        events=tuple(parse_event(item, f"events[{index}].")
                     for index, item in enumerate(events)),
        unsent=unsent,
    )


def parse_event(data: Any, where: str = "") -> CrmEvent:
    """Validate one event object of a notice; ``where`` prefixes the field in errors."""
    try:
        if not isinstance(data, dict):
            raise CrmEventError("", "not a JSON object")
        action = _text(data, "action")
        if action not in ACTIONS:
            raise CrmEventError("action", f"must be one of {', '.join(ACTIONS)}")
        return CrmEvent(
            event_id=_uuid4(data, "event_id"),
            module=_matching(data, "module", _MODULE, "not a SuiteCRM module name"),
            record_id=_matching(data, "record_id", _RECORD_ID, "not a SuiteCRM record id"),
            action=action,
            changed_fields=_fields(_required(data, "changed_fields")),
            assigned_user_id=_optional_id(data, "assigned_user_id"),
            modified_user_id=_optional_id(data, "modified_user_id"),
            occurred_at=_timestamp(_text(data, "occurred_at")),
        )
    except CrmEventError as exc:
        if not where:
            raise
        raise CrmEventError(f"{where}{exc.field}".rstrip("."), exc.problem) from None


def _required(data: dict[str, Any], key: str) -> Any:
    if key not in data:
        raise CrmEventError(key, "missing")
    return data[key]


def _text(data: dict[str, Any], key: str) -> str:
    value = _required(data, key)
    if not isinstance(value, str):
        raise CrmEventError(key, "must be a string")
    return value


def _matching(data: dict[str, Any], key: str, pattern: re.Pattern[str], problem: str) -> str:
    value = _text(data, key)
    if not pattern.match(value):
        raise CrmEventError(key, problem)
    return value


def _uuid4(data: dict[str, Any], key: str) -> str:
    value = _text(data, key)
    try:
        parsed = uuid.UUID(value)
    except ValueError as exc:
        raise CrmEventError(key, "not a UUID") from exc
    if str(parsed) != value.lower() or parsed.version != 4:
        raise CrmEventError(key, "not a canonical UUID version 4")
    return str(parsed)


def _fields(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise CrmEventError("changed_fields", "must be a list")
    for index, name in enumerate(value):
        if not isinstance(name, str) or not _FIELD.match(name):
            raise CrmEventError(f"changed_fields[{index}]", "not a field name")
    return tuple(value)


def _optional_id(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _RECORD_ID.match(value):
        raise CrmEventError(key, "not a SuiteCRM user id")
    return value


def _timestamp(value: str) -> datetime:
    if not _TIMESTAMP.match(value):
        raise CrmEventError("occurred_at", "expected YYYY-MM-DDTHH:MM:SSZ")
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError as exc:
        raise CrmEventError("occurred_at", "not a valid date and time") from exc
