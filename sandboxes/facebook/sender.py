"""Sending webhooks the way Meta sends them, for the demo and the tests.

The body is compact JSON with every non-ASCII character written in lowercase ``\\u00e9`` form
(emoji as surrogate pairs) and ``/`` as ``\\/``; ``X-Hub-Signature-256`` is the
HMAC-SHA256 of exactly those bytes with the app secret (``X-Hub-Signature``, SHA-1, is
sent alongside as Meta still does). A receiver that re-serialises before checking fails
on the first comment with an accent, which is the bug this reproduces.
``verify_facebook_webhook`` performs the ``hub.challenge`` handshake Meta runs when a
callback URL is registered.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
import time
from collections.abc import Mapping
from typing import Any

import requests

KINDS = ("comment", "post", "reaction", "leadgen", "message")
_mids = itertools.count(1)


def meta_json(payload: Any) -> bytes:
    """``payload`` serialised byte for byte as Meta serialises webhook bodies."""
    return json.dumps(payload, ensure_ascii=True, separators=(",", ":")).replace(
        "/", "\\/").encode("ascii")


def signature_headers(body: bytes, app_secret: str) -> dict[str, str]:
    key = app_secret.encode()
    return {
        "X-Hub-Signature-256": "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest(),
        "X-Hub-Signature": "sha1=" + hmac.new(key, body, hashlib.sha1).hexdigest(),
    }


def _feed(page_id: str, value: dict[str, Any], when: int) -> dict[str, Any]:
    return {"object": "page", "entry": [{"id": page_id, "time": when,
                                         "changes": [{"field": "feed", "value": value}]}]}


def build_event(kind: str, *, page_id: str, post_id: str | None = None,
                comment_id: str | None = None, parent_id: str | None = None,
                text: str = "Hello from the sandbox 👋", verb: str = "add",
                sender_id: str = "100000000000077", sender_name: str = "Sandbox Visitor",
                reaction_type: str = "love", leadgen_id: str | None = None,
                form_id: str = "7001", created_time: int | None = None,
                is_echo: bool = False, mid: str | None = None) -> dict[str, Any]:
    """A Meta-shaped delivery of one event of ``kind`` (see ``KINDS``); a message's
    ``mid`` names a stored one (``FacebookSandbox.message_event``), else it is new."""
    when = created_time or int(time.time())
    person = {"id": sender_id, "name": sender_name}
    post_id = post_id or f"{page_id}_4001"
    if kind == "comment":
        return _feed(page_id, {
            "from": person, "post": {"id": post_id, "status_type": "added_photos",
                                     "is_published": True},
            "message": text, "post_id": post_id,
            "comment_id": comment_id or f"{post_id.split('_')[-1]}_{when}",
            "parent_id": parent_id or post_id, "created_time": when, "item": "comment",
            "verb": verb}, when)
    if kind == "post":
        return _feed(page_id, {"from": person, "message": text, "post_id": post_id,
                               "created_time": when, "item": "status", "published": 1,
                               "verb": verb}, when)
    if kind == "reaction":
        value = {"from": person, "parent_id": parent_id or post_id, "post_id": post_id,
                 "reaction_type": reaction_type, "created_time": when, "item": "reaction",
                 "verb": verb}
        if comment_id:
            value["comment_id"] = comment_id
        return _feed(page_id, value, when)
    if kind in ("leadgen", "lead"):
        return {"object": "page", "entry": [{"id": page_id, "time": when, "changes": [{
            "field": "leadgen", "value": {
                "ad_id": "120210000000001", "form_id": form_id,
                "leadgen_id": leadgen_id or f"8{when}", "created_time": when,
                "page_id": page_id, "adgroup_id": "120210000000001"}}]}]}
    if kind == "message":
        sender, recipient = (page_id, sender_id) if is_echo else (sender_id, page_id)
        message: dict[str, Any] = {"mid": mid or f"m_sandbox{when}{next(_mids)}",
                                   "text": text}
        if is_echo:
            message.update(is_echo=True, app_id=770000000000001)
        return {"object": "page", "entry": [{"id": page_id, "time": when * 1000, "messaging": [{
            "sender": {"id": sender}, "recipient": {"id": recipient},
            "timestamp": when * 1000, "message": message}]}]}
    raise ValueError(f"unknown webhook kind {kind!r}; one of {KINDS}")


def send_facebook_webhook(url: str, app_secret: str,
                          payload_or_kind: str | bytes | Mapping[str, Any], *,
                          page_id: str = "104200000000001",
                          session: requests.Session | None = None, timeout: float = 10.0,
                          **options: Any) -> requests.Response:
    """POST one signed delivery to ``url``; ``options`` go to ``build_event``."""
    if isinstance(payload_or_kind, bytes):
        body = payload_or_kind
    elif isinstance(payload_or_kind, str):
        body = meta_json(build_event(payload_or_kind, page_id=page_id, **options))
    else:
        body = meta_json(dict(payload_or_kind))
    headers = {"Content-Type": "application/json", "User-Agent": "facebookexternalua",
               **signature_headers(body, app_secret)}
    http = session or requests.Session()
    return http.post(url, data=body, headers=headers, timeout=timeout)


def verify_facebook_webhook(url: str, verify_token: str, *,
                            session: requests.Session | None = None,
                            timeout: float = 10.0) -> bool:
    """Meta's subscription handshake against ``url``: True when it echoes the challenge."""
    challenge = str(secrets.randbelow(10**10))
    http = session or requests.Session()
    response = http.get(url, timeout=timeout, params={
        "hub.mode": "subscribe", "hub.verify_token": verify_token, "hub.challenge": challenge})
    return response.status_code == 200 and response.text == challenge
