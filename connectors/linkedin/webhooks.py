"""LinkedIn webhooks: the validation challenge, the signature, and parsing notifications.

* Validation: LinkedIn calls ``GET <webhook>?challengeCode=<uuid>`` on registration and
  again about every 2 hours, with a 3 s deadline, and expects
  ``{"challengeCode": ..., "challengeResponse": hex HMAC-SHA256(client secret, code)}``.
* Signature: each POST carries ``X-LI-Signature``. It is computed over the *raw* request
  bytes: re-serialising parsed JSON changes escapes and key order of non-ASCII text, so
  the check would fail exactly on the comments that are not in English. The header's
  hex digest may come with or without a leading ``hmacsha256=``; both are accepted.
* Notifications arrive in batches and are redelivered until acknowledged, so the same
  ``notificationId`` can arrive more than once: every event keeps it as ``event_id``
  for the caller's dedupe. An action we do not know becomes ``kind="unknown"`` with the
  raw notification, never dropped.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from connectors.errors import BadResponseError
from connectors.linkedin.parse import LI, identity, optional
from connectors.social import WebhookEvent, utc_from_epoch_millis

# The signed string is this prefix followed by the raw body. LinkedIn's webhook page
# says the header is "the HMACSHA256 hash of the JSON-encoded string representation of
# the POST body prefixed by hmacsha256=", which also reads as "the hash, prefixed by
# hmacsha256=": so the signed prefix is configuration (``LinkedInConfig(signature_prefix=
# ...)``), and a header that carries it before the hex digest is accepted as well.
DEFAULT_SIGNATURE_PREFIX = "hmacsha256="
HEADER_PREFIX = "hmacsha256="
SIGNATURE_HEADER = "X-LI-Signature"

SOCIAL_ACTIONS: Mapping[str, tuple[str, str]] = {
    "LIKE": ("reaction", "add"),
    "COMMENT": ("comment", "add"),
    "ADMIN_COMMENT": ("comment", "add"),
    "COMMENT_EDIT": ("comment", "edited"),
    "COMMENT_DELETE": ("comment", "remove"),
    "SHARE": ("share", "add"),
    "SHARE_MENTION": ("mention", "add"),
}
LEAD_ACTIONS: Mapping[str, str] = {"CREATED": "add", "DELETED": "remove"}


def _hmac_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def challenge_response(challenge_code: str, client_secret: str) -> dict[str, str]:
    """The JSON body that answers LinkedIn's ``challengeCode`` validation request."""
    return {
        "challengeCode": challenge_code,
        "challengeResponse": _hmac_hex(client_secret, challenge_code.encode("utf-8")),
    }


def signature(body: bytes, client_secret: str, *,
              prefix: str = DEFAULT_SIGNATURE_PREFIX) -> str:
    """``X-LI-Signature`` for ``body``: hex HMAC-SHA256(client secret, prefix + body).

    The prefix defaults to ``hmacsha256=`` as documented (secondary source); pass
    another one if LinkedIn's live signatures show a different scheme.
    """
    if not isinstance(body, bytes | bytearray):
        raise TypeError("sign the raw request bytes, not parsed or re-encoded text")
    return _hmac_hex(client_secret, prefix.encode("utf-8") + bytes(body))


def verify_signature(body: bytes, header: str | None, client_secret: str, *,
                     prefix: str = DEFAULT_SIGNATURE_PREFIX) -> bool:
    """True only when ``header`` is the signature of exactly these bytes.

    The header may carry ``hmacsha256=`` before the hex digest or not, in either
    case. Constant-time comparison of the digests; a missing or empty header, or an
    empty secret, is a failure. ``prefix`` as in ``signature``.
    """
    if not header or not client_secret:
        return False
    given = header.strip().lower()
    if given.startswith(HEADER_PREFIX):
        given = given[len(HEADER_PREFIX):]
    expected = signature(body, client_secret, prefix=prefix)
    return hmac.compare_digest(expected.encode("ascii"), given.encode("ascii", "replace"))


def _load(payload: bytes | str | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(payload, Mapping):
        return payload
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadResponseError(f"webhook body is not JSON: {exc}", service="linkedin") from None
    if not isinstance(data, dict):
        raise BadResponseError("webhook body is not a JSON object", service="linkedin")
    return data


def _when(item: Mapping[str, Any], fallback: datetime) -> datetime:
    for key in ("lastModifiedAt", "occurredAt", "occuredAt", "createdAt"):
        if isinstance(item.get(key), int | float):
            return utc_from_epoch_millis(item[key])
    return fallback


def _owner(item: Mapping[str, Any]) -> str:
    owner = item.get("organizationalEntity") or item.get("owner") or ""
    if isinstance(owner, Mapping):
        owner = next(iter(owner.values()), "")
    return str(owner)


def _unknown(item: Mapping[str, Any], verb: str, at: datetime, event_id: str | None,
             payload_type: str) -> WebhookEvent:
    raw = dict(item)
    raw.setdefault("type", payload_type)
    return WebhookEvent(network=LI, kind="unknown", verb=verb, object_id="",
                        owner_id=_owner(item), occurred_at=at, event_id=event_id, raw=raw)


def _social_action(item: Mapping[str, Any], at: datetime, payload_type: str) -> WebhookEvent:
    action = str(item.get("action") or "")
    event_id = str(item["notificationId"]) if item.get("notificationId") is not None else None
    if action not in SOCIAL_ACTIONS:
        return _unknown(item, action.lower(), at, event_id, payload_type)
    kind, verb = SOCIAL_ACTIONS[action]
    decorated = optional(item, "decoratedGeneratedActivity", kind) or {}
    if not isinstance(decorated, Mapping):
        decorated = {}
    object_id = (decorated.get("entity") or item.get("generatedActivity")
                 or item.get("sourcePost") or "")
    author = decorated.get("owner") or decorated.get("actor") or item.get("actor")
    if action == "ADMIN_COMMENT" and not author:
        author = _owner(item)
    return WebhookEvent(
        network=LI, kind=kind, verb=verb, object_id=str(object_id), owner_id=_owner(item),
        occurred_at=at, post_id=item.get("sourcePost"),
        parent_id=decorated.get("parentComment"), author=identity(author),
        body=decorated.get("text"), event_id=event_id, raw=item,
    )


def _lead(item: Mapping[str, Any], at: datetime, payload_type: str) -> WebhookEvent:
    action = str(item.get("leadAction") or "")
    response = str(item.get("leadGenFormResponse") or item.get("leadFormResponse") or "")
    event_id = (str(item["notificationId"]) if item.get("notificationId") is not None
                else f"{response}:{action}" if response else None)
    if action not in LEAD_ACTIONS or not response:
        return _unknown(item, action.lower(), at, event_id, payload_type)
    return WebhookEvent(network=LI, kind="lead", verb=LEAD_ACTIONS[action], object_id=response,
                        owner_id=_owner(item), occurred_at=at, event_id=event_id, raw=item)


def parse_notifications(payload: bytes | str | Mapping[str, Any], *,
                        received_at: datetime | None = None) -> list[WebhookEvent]:
    """Every notification in a webhook POST (or a pull-API page) as ``WebhookEvent``s.

    ``received_at`` stands in for the time of an event that carries none.
    """
    data = _load(payload)
    fallback = received_at or datetime.now(UTC)
    payload_type = str(data.get("type") or "")
    items = data.get("notifications")
    if not isinstance(items, list):
        elements = data.get("elements")
        items = elements if isinstance(elements, list) else [data]
    events = []
    for item in items:
        if not isinstance(item, Mapping):
            events.append(_unknown({"value": item}, "", fallback, None, payload_type))
            continue
        at = _when(item, fallback)
        if "leadAction" in item:
            events.append(_lead(item, at, payload_type))
        elif "action" in item:
            events.append(_social_action(item, at, payload_type))
        else:
            event_id = item.get("notificationId")
            events.append(_unknown(item, "", at, str(event_id) if event_id else None,
                                   payload_type))
    return events
