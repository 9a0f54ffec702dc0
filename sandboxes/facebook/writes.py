"""Graph writes the connector uses: reply, hide/unhide, edit, private reply, delete, subscribe,
and Messenger's Send API (``sandboxes.facebook.messenger``).

Facebook threads are two levels deep: a reply to a reply is attached to the top-level
comment, as on the real site. A private reply is allowed once per comment (10900 the
second time) and lands in the commenter's Messenger conversation.
"""

from __future__ import annotations

import time
from typing import Any

from sandboxes.facebook import answers
from sandboxes.facebook.answers import GraphError
from sandboxes.facebook.messenger import conversation_with, send_message
from sandboxes.facebook.state import TokenRecord
from sandboxes.facebook.store import GraphStore, Node

WRITE_SCOPE = "pages_manage_engagement"


def _need(record: TokenRecord, scope: str) -> None:
    if record.kind != "page":
        raise GraphError(400, 210, "(#210) A page access token is required to request this "
                                   "resource.")
    if scope not in record.scopes:
        raise answers.missing_scope(scope)


def _target(store: GraphStore, object_id: str) -> Node:
    node = store.get(object_id)
    if node is None:
        raise answers.deleted(object_id)
    return node


def _now(store: GraphStore) -> int:
    latest = max((n["__ts"] for n in store.nodes.values()), default=0)
    return max(int(time.time()), latest + 1)


def _reply(store: GraphStore, target: Node, params: dict[str, str]) -> dict[str, Any]:
    text = params.get("message", "").strip()
    if not text and not params.get("attachment_url"):
        raise answers.bad_param("Missing message or attachment")
    if target["__type"] == "post":
        node = store.add_comment(target["id"], text, _now(store), store.page_id)
    elif target["__type"] == "comment":
        top = target["parent"] or target["id"]
        node = store.add_comment(target["__post"], text, _now(store), store.page_id,
                                 parent=top)
    else:
        raise answers.bad_param("Cannot comment on this object")
    return {"id": node["id"]}


def _private_reply(store: GraphStore, target: Node, params: dict[str, str]) -> dict[str, Any]:
    if target["__type"] != "comment" or target["from"] == store.page_id:
        raise answers.bad_param("Private replies are only possible on visitors' comments")
    if target["id"] in store.replied_privately:
        raise GraphError(400, 10900, "(#10900) Activity already replied to")
    text = params.get("message", "").strip()
    if not text:
        raise answers.bad_param("Missing message")
    user = target["from"]
    conversation = conversation_with(store, user)
    now = _now(store)
    if conversation is None:
        conversation = store.add_conversation(f"t_{store.new_id()}", user, now)
    message = store.add_message(conversation["id"], text, now, store.page_id, user)
    store.replied_privately.add(target["id"])
    return {"id": message["id"], "recipient_id": user}


def _update(store: GraphStore, target: Node, params: dict[str, str]) -> dict[str, Any]:
    if target["__type"] != "comment":
        raise answers.bad_param("Only comments can be hidden or edited here")
    if "is_hidden" in params:
        if target["from"] == store.page_id:
            raise answers.bad_param("A Page cannot hide its own comment")
        target["is_hidden"] = params["is_hidden"].lower() == "true"
    if "message" in params:
        target["message"] = params["message"]
    return {"success": True}


def write(store: GraphStore, method: str, segments: list[str], params: dict[str, str],
          record: TokenRecord) -> dict[str, Any]:
    with store.lock:
        target = _target(store, store.page_id if segments[0] == "me" else segments[0])
        if method == "DELETE" and len(segments) == 1:
            _need(record, WRITE_SCOPE)
            store.delete(target["id"])
            return {"success": True}
        if method != "POST":
            raise answers.bad_param("Unsupported delete request")
        if len(segments) == 1:
            _need(record, WRITE_SCOPE)
            return _update(store, target, params)
        edge = segments[1]
        if edge == "comments":
            _need(record, WRITE_SCOPE)
            return _reply(store, target, params)
        if edge == "messages" and target["__type"] == "page":
            _need(record, "pages_messaging")
            return send_message(store, params)
        if edge == "private_replies":
            _need(record, "pages_messaging")
            return _private_reply(store, target, params)
        if edge == "subscribed_apps" and target["__type"] == "page":
            _need(record, "pages_manage_metadata")
            fields = [f for f in params.get("subscribed_fields", "").split(",") if f]
            if not fields:
                raise answers.bad_param("subscribed_fields is required")
            store.subscriptions[target["id"]] = fields
            return {"success": True}
        raise answers.bad_param(f"Unknown path components: /{edge}")
