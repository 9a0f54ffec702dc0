"""Build and send LinkedIn webhook notifications, signed as LinkedIn signs them.

For the demo and the tests: ``send_linkedin_webhook(url, client_secret, "COMMENT")``
posts an organization social-action notification (or ``"lead"`` / ``"lead-deleted"``
for a Lead Sync notification) to any URL. The body is serialised once, as UTF-8 with
non-ASCII characters left unescaped, and those exact bytes are both signed and sent.
Signing uses the sandbox's own ``signing`` module, never the client's code, so the
client's verification is tested against an independent signer.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

import requests

from sandboxes.linkedin import texts
from sandboxes.linkedin.seed import (
    DEMO_FORM_ID,
    ORGANIZATION_URN,
    POST_BASE,
)
from sandboxes.linkedin.signing import SIGNATURE_HEADER, SIGNED_PREFIX, sign

SOCIAL_ACTION_TYPE = "ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS"
LEAD_TYPE = "LEAD_ACTION"
SOCIAL_ACTION_KINDS = ("LIKE", "COMMENT", "ADMIN_COMMENT", "COMMENT_EDIT", "COMMENT_DELETE",
                       "SHARE", "SHARE_MENTION")
LEAD_KINDS = {"lead": "CREATED", "lead-created": "CREATED", "lead-deleted": "DELETED"}
KINDS = SOCIAL_ACTION_KINDS + tuple(LEAD_KINDS)
DEFAULT_POST = f"urn:li:share:{POST_BASE + 1}"
DEFAULT_TEXT = texts.WEBHOOK_COMMENT


def _now_ms() -> int:
    return int(time.time() * 1000)


def social_action_notification(action: str, *, notification_id: int,
                               organization: str = ORGANIZATION_URN,
                               post: str = DEFAULT_POST, actor: str = "urn:li:person:sandboxUser1",
                               text: str = DEFAULT_TEXT, at_ms: int | None = None
                               ) -> dict[str, Any]:
    number = post.rsplit(":", 1)[-1]
    activity = f"urn:li:activity:{number}"
    at = at_ms if at_ms is not None else _now_ms()
    notification: dict[str, Any] = {
        "notificationId": notification_id, "organizationalEntity": organization,
        "action": action, "sourcePost": post, "lastModifiedAt": at,
    }
    if action in {"COMMENT", "ADMIN_COMMENT", "COMMENT_EDIT", "COMMENT_DELETE"}:
        comment = f"urn:li:comment:({activity},{notification_id})"
        notification["generatedActivity"] = comment
        owner = organization if action == "ADMIN_COMMENT" else actor
        notification["decoratedGeneratedActivity"] = {
            "comment": {"entity": comment, "owner": owner, "text": text}}
    elif action == "LIKE":
        notification["generatedActivity"] = f"urn:li:reaction:({actor},{activity})"
    else:
        notification["generatedActivity"] = f"urn:li:share:{notification_id}"
    return notification


def social_action_payload(actions: list[str], *, first_id: int = 700_001,
                          **options: Any) -> dict[str, Any]:
    """A batch (LinkedIn sends up to 10) of social-action notifications."""
    return {"type": SOCIAL_ACTION_TYPE, "notifications": [
        social_action_notification(action, notification_id=first_id + i, **options)
        for i, action in enumerate(actions)]}


def lead_payload(action: str = "CREATED", *, response_id: str, notification_id: int = 800_001,
                 organization: str = ORGANIZATION_URN, form_id: int = DEMO_FORM_ID,
                 lead_type: str = "SPONSORED", at_ms: int | None = None) -> dict[str, Any]:
    return {
        "type": LEAD_TYPE, "notificationId": notification_id, "leadAction": action,
        "leadGenFormResponse": f"urn:li:leadGenFormResponse:{response_id}",
        "leadGenForm": f"urn:li:versionedLeadGenForm:(urn:li:leadGenForm:{form_id},2)",
        "owner": {"organization": organization}, "leadType": lead_type,
        "occurredAt": at_ms if at_ms is not None else _now_ms(),
    }


def build_payload(kind: str, **options: Any) -> dict[str, Any]:
    """``COMMENT``, ``LIKE``... or ``lead`` / ``lead-deleted`` -> a ready payload."""
    key = kind.strip()
    if key.lower() in LEAD_KINDS:
        return lead_payload(LEAD_KINDS[key.lower()], **options)
    if key.upper() in SOCIAL_ACTION_KINDS:
        return social_action_payload([key.upper()], **options)
    raise ValueError(f"unknown webhook kind {kind!r}; use one of {', '.join(KINDS)}")


def encode_body(payload: Mapping[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def send_linkedin_webhook(url: str, client_secret: str,
                          payload_or_kind: Mapping[str, Any] | str, *,
                          session: requests.Session | None = None, timeout: float = 5.0,
                          prefix: str = SIGNED_PREFIX, header_prefix: str = "",
                          body: bytes | None = None,
                          **options: Any) -> requests.Response:
    """POST one signed notification; returns the receiver's response.

    ``header_prefix`` goes before the hex digest in the header (``"hmacsha256="`` to
    send the other reading of LinkedIn's page); ``body`` sends these exact bytes
    instead of the sandbox's own serialisation (a redelivery batched differently)."""
    if body is None:
        payload = (build_payload(payload_or_kind, **options)
                   if isinstance(payload_or_kind, str) else payload_or_kind)
        body = encode_body(payload)
    headers = {"Content-Type": "application/json; charset=utf-8",
               SIGNATURE_HEADER: header_prefix + sign(body, client_secret, prefix=prefix)}
    return (session or requests).post(url, data=body, headers=headers, timeout=timeout)
