"""The signed change notices SuiteCRM's logic hooks send to ``POST /webhooks/suitecrm``.

One notice carries every change one SuiteCRM request made (a mass update of 50 Calls is
one notice of 50 events), and ``unsent`` counts the request's changes it could not carry
(under Apache's mod_php the user waits for the notice, so only one is sent), which the
service must reconcile. An event names a record and which fields changed, never their
values.

The PHP side (``SCRM_ChangeEvent``) signs ``<timestamp>.<body>``: the decimal Unix time it
also sends as ``X-SocialCRM-Timestamp``, a dot, then the exact body bytes, with HMAC-SHA256
and the shared secret (Stripe's scheme). Signing the time with the body is what lets the
service refuse a captured notice replayed later: :func:`authenticate` accepts a notice only
within ``tolerance`` seconds of its timestamp, either way (clocks drift), and a receiver
drops an ``event_id`` it has seen inside that span (``workers.seen_events``).
``tests/crm_notice_signature_vectors.json`` pins the scheme for both languages.

Every way a notice can be wrong ends in :class:`CrmEventError`: a bad body names the
offending field, an unproven or stale one is a :class:`NoticeAuthError` with a reason code.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from marshmallow import ValidationError

from plugin.crm_event_schema import (
    ACTIONS,
    MAX_BODY_BYTES,
    SCHEMA_VERSION,
    Action,
    EventSchema,
    NoticeSchema,
    decode_body,
)

__all__ = [
    "ACTIONS", "DEFAULT_TOLERANCE_SECONDS", "MAX_BODY_BYTES", "NOTICE_ID_HEADER",
    "SCHEMA_VERSION", "SIGNATURE_HEADER", "SIGNATURE_PREFIX", "TIMESTAMP_HEADER", "WEBHOOK_PATH",
    "Action", "AuthReason", "CrmEvent", "CrmEventError", "CrmNotice", "NoticeAuthError",
    "authenticate", "parse_event", "parse_notice", "receive", "sign", "verify",
]

WEBHOOK_PATH = "/webhooks/suitecrm"
SIGNATURE_HEADER = "X-SocialCRM-Signature"
NOTICE_ID_HEADER = "X-SocialCRM-Notice-Id"
TIMESTAMP_HEADER = "X-SocialCRM-Timestamp"
SIGNATURE_PREFIX = "sha256="
DEFAULT_TOLERANCE_SECONDS = 300

_HEX_DIGEST = re.compile(r"^[0-9a-fA-F]{64}$")
_UNIX_SECONDS = re.compile(r"^[1-9][0-9]{0,11}$")

AuthReason = Literal["no_secret", "no_signature", "malformed_signature", "no_timestamp",
                     "malformed_timestamp", "bad_signature", "unsigned_timestamp", "too_old",
                     "too_new"]


class CrmEventError(ValueError):
    """The notice must be refused; ``field`` names the offending part (``events[2].module``
    for a field of the third event, ``body`` for the whole, a header's name for a header)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class NoticeAuthError(CrmEventError):
    """Nothing proves the notice came from this SuiteCRM just now: answer 403, do not parse
    it. ``reason`` is a short code for logs and metrics."""

    def __init__(self, reason: AuthReason, header: str, problem: str) -> None:
        super().__init__(header, problem)
        self.reason = reason


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


def sign(body: bytes, secret: str, timestamp: int) -> str:
    """The ``X-SocialCRM-Signature`` value for ``body`` sent at ``timestamp``: ``sha256=<hex>``."""
    message = str(int(timestamp)).encode("ascii") + b"." + body
    return SIGNATURE_PREFIX + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def authenticate(body: bytes, *, signature: str | None, timestamp: str | None, secret: str,
                 now: float | None = None, tolerance: int = DEFAULT_TOLERANCE_SECONDS) -> int:
    """Check the headers of one notice; its timestamp, or :class:`NoticeAuthError`.

    The signature is checked before the time, so a forged timestamp reads as a bad signature,
    not as a clock problem. An empty secret never verifies: an unconfigured receiver must not
    accept anything.
    """
    if tolerance < 1:
        raise ValueError("the tolerance must be at least one second")
    if not secret:
        raise NoticeAuthError("no_secret", SIGNATURE_HEADER, "no shared secret is configured")
    given = (signature or "").strip()
    if not given:
        raise NoticeAuthError("no_signature", SIGNATURE_HEADER, "missing")
    digest = given.removeprefix(SIGNATURE_PREFIX)
    if digest == given or not _HEX_DIGEST.match(digest):
        raise NoticeAuthError("malformed_signature", SIGNATURE_HEADER,
                              f"expected {SIGNATURE_PREFIX}<64 hex digits>")
    stamp = (timestamp or "").strip()
    if not stamp:
        raise NoticeAuthError("no_timestamp", TIMESTAMP_HEADER, "missing")
    if not _UNIX_SECONDS.match(stamp):
        raise NoticeAuthError("malformed_timestamp", TIMESTAMP_HEADER, "expected Unix seconds")
    sent_at = int(stamp)
    if not _same(sign(body, secret, sent_at), digest):
        if _same(SIGNATURE_PREFIX + hmac.new(secret.encode("utf-8"), body, hashlib.sha256)
                 .hexdigest(), digest):
            raise NoticeAuthError("unsigned_timestamp", SIGNATURE_HEADER,
                                  "signs the body without the timestamp (an older SocialCRM "
                                  "package): install the current package in SuiteCRM")
        raise NoticeAuthError("bad_signature", SIGNATURE_HEADER,
                              "does not match the timestamp and body under the shared secret")
    age = (time.time() if now is None else now) - sent_at
    if age > tolerance:
        raise NoticeAuthError("too_old", TIMESTAMP_HEADER,
                              f"sent {age:.0f} s ago, more than the {tolerance} s accepted "
                              "(a replay, or SuiteCRM's clock is behind)")
    if -age > tolerance:
        raise NoticeAuthError("too_new", TIMESTAMP_HEADER,
                              f"{-age:.0f} s in the future, more than the {tolerance} s accepted "
                              "(SuiteCRM's clock is ahead)")
    return sent_at


def verify(body: bytes, *, signature: str | None, timestamp: str | None, secret: str,
           now: float | None = None, tolerance: int = DEFAULT_TOLERANCE_SECONDS) -> bool:
    """:func:`authenticate` as a yes or no."""
    try:
        authenticate(body, signature=signature, timestamp=timestamp, secret=secret, now=now,
                     tolerance=tolerance)
    except NoticeAuthError:
        return False
    return True


def receive(body: bytes, headers: Mapping[str, str], secret: str, *, now: float | None = None,
            tolerance: int = DEFAULT_TOLERANCE_SECONDS) -> CrmNotice:
    """Authenticate one webhook request (any header-name case), then parse its body."""
    lowered = {name.lower(): value for name, value in headers.items()}
    authenticate(body, signature=lowered.get(SIGNATURE_HEADER.lower()),
                 timestamp=lowered.get(TIMESTAMP_HEADER.lower()), secret=secret, now=now,
                 tolerance=tolerance)
    notice = parse_notice(body)
    notice_id = lowered.get(NOTICE_ID_HEADER.lower())
    if notice_id is not None and notice_id.strip().lower() != notice.notice_id:
        raise CrmEventError(NOTICE_ID_HEADER, "does not match the body's notice_id")
    return notice


def parse_notice(body: bytes) -> CrmNotice:
    """Decode and validate one notice body; raises :class:`CrmEventError` on bad input.

    Keys the schema does not know are ignored, so the PHP side can add some later.
    """
    try:
        data: dict[str, Any] = NoticeSchema().load(decode_body(body))
    except ValidationError as exc:
        raise _as_error(exc, "") from None
    return CrmNotice(schema=data["schema"], notice_id=data["notice_id"],
                     events=tuple(CrmEvent(**event) for event in data["events"]),
                     unsent=data["unsent"])


def parse_event(data: Any, where: str = "") -> CrmEvent:
    """Validate one event object of a notice; ``where`` prefixes the field in errors."""
    try:
        return CrmEvent(**EventSchema().load(data))
    except ValidationError as exc:
        raise _as_error(exc, where.rstrip(".")) from None


def _same(expected: str, digest: str) -> bool:
    return hmac.compare_digest(expected.removeprefix(SIGNATURE_PREFIX), digest.lower())


def _as_error(exc: ValidationError, where: str) -> CrmEventError:
    field, problem = _first_error(exc.messages, where)
    return CrmEventError(field or "body", problem)


def _first_error(messages: Any, path: str) -> tuple[str, str]:
    """The first (path, message) of marshmallow's nested error dict, as ``events[2].module``."""
    if isinstance(messages, Mapping):
        for key, inner in messages.items():
            if key == "_schema":
                return _first_error(inner, path)
            if isinstance(key, int):
                return _first_error(inner, f"{path}[{key}]")
            return _first_error(inner, f"{path}.{key}" if path else str(key))
    if isinstance(messages, list) and messages:
        return _first_error(messages[0], path)
    return path, str(messages)
