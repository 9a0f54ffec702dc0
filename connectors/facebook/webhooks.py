"""Facebook webhooks: the subscription handshake, signatures, and typed events.

* ``verify_challenge``: Meta's ``GET ?hub.mode=subscribe&hub.verify_token=T&hub.challenge=C``
  must echo C only when T is ours; anything else is a ``WebhookRejectedError`` (403).
* ``verify_signature``: ``X-Hub-Signature-256: sha256=<hex>`` is HMAC-SHA256 of the *raw
  body bytes*. Meta escapes non-ASCII as lowercase ``\\u00e9`` escapes (and ``/`` as ``\\/``)
  before signing, so re-serialising the parsed JSON gives other bytes and a false
  mismatch: hash what arrived, compare in constant time, accept only the exact
  lowercase form Meta sends.
* ``parse_events``: ``feed``, ``leadgen`` and ``messages`` become ``WebhookEvent``s;
  every other field or item is kept as ``kind="unknown"`` with its raw payload, down to
  an entry, change or messaging item that is not even a JSON object, and any list of an
  entry we do not read (``standby``...). Nothing Meta delivers is dropped.

Each event gets a stable ``event_id`` derived from its content, so the at-least-once
redeliveries (Meta retries for about 36 hours) collapse onto one key downstream.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from connectors.errors import BadResponseError, WebhookRejectedError
from connectors.facebook.errors import SERVICE
from connectors.facebook.messenger import conversation_key, customer_of
from connectors.facebook.parse import graph_time, identity, messenger_time
from connectors.social import Network, WebhookEvent, utc_from_epoch_seconds

SIGNATURE_HEADER = "X-Hub-Signature-256"
SIGNATURE_PREFIX = "sha256="
FEED_KINDS = {"comment": "comment", "post": "post", "status": "post", "photo": "post",
              "video": "post", "share": "post", "reaction": "reaction", "like": "reaction"}
FB = Network.FACEBOOK


def verify_challenge(params: Mapping[str, str], verify_token: str) -> str:
    """The ``hub.challenge`` to echo with 200, or ``WebhookRejectedError`` (403)."""
    mode = params.get("hub.mode")
    token = params.get("hub.verify_token") or ""
    challenge = params.get("hub.challenge")
    if mode != "subscribe" or not challenge:
        raise WebhookRejectedError("not a subscription handshake", service=SERVICE, status=403)
    if not verify_token or not hmac.compare_digest(token.encode(), verify_token.encode()):
        raise WebhookRejectedError("verify token does not match", service=SERVICE, status=403)
    return challenge


def sign(body: bytes, app_secret: str) -> str:
    """The ``X-Hub-Signature-256`` value Meta sends for ``body``."""
    digest = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def signature_header(headers: Mapping[str, str]) -> str | None:
    """The signature header whatever the case of its name (HTTP names are case-blind)."""
    wanted = SIGNATURE_HEADER.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)


def verify_signature(body: bytes, header: str | None, app_secret: str) -> None:
    """Accept ``body`` only with Meta's exact signature; else ``WebhookRejectedError`` (401)."""
    if not app_secret:
        raise WebhookRejectedError("no app secret configured", service=SERVICE, status=401)
    if not header:
        raise WebhookRejectedError(f"{SIGNATURE_HEADER} missing", service=SERVICE, status=401)
    expected = sign(body, app_secret)
    if not hmac.compare_digest(header.strip().encode(), expected.encode()):
        raise WebhookRejectedError("signature does not match the body", service=SERVICE,
                                   status=401)


def _event_id(*parts: Any) -> str:
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "fb:" + hashlib.sha256(text.encode()).hexdigest()[:32]


def _unknown(owner: str, when: Any, raw: Mapping[str, Any], verb: str = "") -> WebhookEvent:
    seconds = when if isinstance(when, int | float) and not isinstance(when, bool) else 0
    if seconds > 10**11:  # Messenger entries count milliseconds
        seconds = seconds / 1000
    occurred = utc_from_epoch_seconds(seconds)
    return WebhookEvent(network=FB, kind="unknown", verb=verb, object_id="", owner_id=owner,
                        occurred_at=occurred, event_id=_event_id(owner, raw), raw=raw)


def _value(change: Mapping[str, Any]) -> Mapping[str, Any]:
    """A change's ``value`` object (empty when Meta sent something else)."""
    value = change.get("value")
    return value if isinstance(value, Mapping) else {}


def _feed_event(owner: str, entry_time: Any, change: Mapping[str, Any]) -> WebhookEvent:
    value = _value(change)
    kind = FEED_KINDS.get(str(value.get("item")))
    if kind is None:
        return _unknown(owner, entry_time, change, str(value.get("verb") or ""))
    post_id = str(value["post_id"]) if value.get("post_id") else None
    if kind == "comment":
        object_id = value.get("comment_id")
    elif kind == "post":
        object_id = value.get("post_id")
    else:
        object_id = value.get("comment_id") or value.get("post_id")
    parent = str(value["parent_id"]) if value.get("parent_id") else None
    when = value.get("created_time", entry_time)
    body = value.get("reaction_type") if kind == "reaction" else value.get("message")
    return WebhookEvent(
        network=FB, kind=kind, verb=str(value.get("verb") or "add"),
        object_id=str(object_id or ""), owner_id=owner, occurred_at=graph_time(when),
        post_id=post_id, parent_id=parent if parent != post_id else None,
        author=identity(value.get("from")), body=str(body) if body is not None else None,
        event_id=_event_id(owner, change), raw=change,
    )


def _lead_event(owner: str, entry_time: Any, change: Mapping[str, Any]) -> WebhookEvent:
    value = _value(change)
    if not value.get("leadgen_id"):
        return _unknown(owner, entry_time, change)
    return WebhookEvent(
        network=FB, kind="lead", verb="add", object_id=str(value["leadgen_id"]),
        owner_id=str(value.get("page_id") or owner),
        occurred_at=graph_time(value.get("created_time", entry_time)),
        event_id=_event_id(owner, change), raw=change,
    )


def _party(item: Mapping[str, Any], role: str) -> str:
    """The id of a messaging item's ``sender`` or ``recipient`` ('' when absent)."""
    person = item.get(role)
    return str(person.get("id") or "") if isinstance(person, Mapping) else ""


def _message_event(owner: str, item: Mapping[str, Any]) -> WebhookEvent:
    """A Messenger message or the Page's echo of its own. Messenger has no post, so
    ``post_id`` carries the conversation's thread key (``messenger.conversation_key``:
    the Page and the customer, the sender inbound and the recipient of an echo), which
    the conversations read by polling get too."""
    message = item.get("message")
    if not isinstance(message, Mapping) or not message.get("mid"):
        return _unknown(owner, item.get("timestamp"), item)
    echo = bool(message.get("is_echo"))
    customer = customer_of(_party(item, "sender"), _party(item, "recipient"), is_echo=echo)
    return WebhookEvent(
        network=FB, kind="message", verb="echo" if echo else "add",
        object_id=str(message["mid"]), owner_id=owner,
        occurred_at=messenger_time(item.get("timestamp")),
        post_id=conversation_key(owner, customer),
        author=identity(item.get("sender")), body=str(message.get("text") or ""),
        event_id=_event_id(owner, "message", message["mid"], echo), raw=item,
    )


CHANGE_PARSERS: dict[str, Callable[[str, Any, Mapping[str, Any]], WebhookEvent]] = {
    "feed": _feed_event, "leadgen": _lead_event}
MALFORMED = (BadResponseError, KeyError, TypeError, ValueError)


def _change_event(owner: str, when: Any, change: Mapping[str, Any]) -> WebhookEvent:
    """One ``changes[]`` item; unknown or malformed ones are kept raw, never dropped."""
    parser = CHANGE_PARSERS.get(str(change.get("field")))
    if parser is not None:
        try:
            return parser(owner, when, change)
        except MALFORMED:
            pass
    return _unknown(owner, when, change)


def _messaging_event(owner: str, item: Mapping[str, Any]) -> WebhookEvent:
    try:
        return _message_event(owner, item)
    except MALFORMED:
        return _unknown(owner, item.get("timestamp"), item)


def _odd(owner: str, when: Any, where: str, item: Any) -> WebhookEvent:
    """A part of a delivery that is not a JSON object, kept under the name of its place."""
    return _unknown(owner, when, {where: item})


KNOWN_ENTRY_KEYS = frozenset({"id", "time", "changes", "messaging"})


def _entry_events(entry: Mapping[str, Any]) -> Iterator[WebhookEvent]:
    owner = str(entry.get("id") or "")
    when = entry.get("time")
    changes = entry.get("changes")
    messaging = entry.get("messaging")
    extra = {k: v for k, v in entry.items() if k not in KNOWN_ENTRY_KEYS}
    for name, items in (("changes", changes), ("messaging", messaging)):
        if items is not None and not isinstance(items, list):
            extra[name] = items  # not a list: keep it whole
    for change in changes if isinstance(changes, list) else ():
        yield (_change_event(owner, when, change) if isinstance(change, Mapping)
               else _odd(owner, when, "change", change))
    for item in messaging if isinstance(messaging, list) else ():
        yield (_messaging_event(owner, item) if isinstance(item, Mapping)
               else _odd(owner, when, "messaging", item))
    if extra or (not changes and not messaging):
        yield _unknown(owner, when, {k: v for k, v in entry.items()
                                     if k not in ("changes", "messaging") or k in extra})


def parse_events(payload: Any) -> list[WebhookEvent]:
    """Every event in one delivery; unknown ones kept as ``kind="unknown"``."""
    if isinstance(payload, bytes | str):
        try:
            payload = json.loads(payload)
        except ValueError:
            raise BadResponseError("webhook body is not JSON", service=SERVICE) from None
    if not isinstance(payload, Mapping) or not isinstance(payload.get("entry"), list):
        raise BadResponseError("webhook body has no entry list", service=SERVICE)
    events: list[WebhookEvent] = []
    for entry in payload["entry"]:
        if isinstance(entry, Mapping):
            events.extend(_entry_events(entry))
        else:
            events.append(_odd("", None, "entry", entry))
    return events
