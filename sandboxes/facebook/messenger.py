"""The Send API as Graph serves it: ``POST /{page-id}/messages`` (or ``/me/messages``).

A Page answers a person who wrote to it first. The body names the recipient by PSID
(``recipient={"id": ...}``), the kind of message (``messaging_type``) and the text
(``message={"text": ...}``), each a JSON object in a form field or in a JSON body; the
answer is ``{"recipient_id", "message_id"}`` and the message joins the person's
conversation, where ``/{page}/conversations`` shows it from the Page.

Refusals, worded and coded as Graph's:

* no conversation with that PSID: ``(#100) No matching user found`` (subcode 2018001);
* ``RESPONSE`` or ``UPDATE`` more than 24 hours after the person's last message: ``(#10)
  This message is sent outside of allowed window`` (subcode 2018278), HTTP 400;
* an empty text (subcode 2018034), or one over 2,000 characters;
* a ``messaging_type`` other than ``RESPONSE``, ``UPDATE`` or ``MESSAGE_TAG``; message tags
  (``HUMAN_AGENT``: 7 days, with a permission Meta grants after app review) are not
  modelled and are refused as a bad parameter, never sent as if allowed.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from sandboxes.facebook import answers
from sandboxes.facebook.answers import GraphError
from sandboxes.facebook.store import GraphStore, Node

WINDOW_SECONDS = 24 * 3600
MAX_TEXT = 2000
MESSAGING_TYPES = ("RESPONSE", "UPDATE", "MESSAGE_TAG")
OUTSIDE_WINDOW = ("(#10) This message is sent outside of allowed window. Learn more about "
                  "the new policy here: https://developers.facebook.com/docs/"
                  "messenger-platform/policy-overview")


def _object(params: dict[str, str], name: str) -> dict[str, Any]:
    raw = params.get(name)
    if raw is None or raw == "":
        raise answers.bad_param(f"The parameter {name} is required")
    try:
        value = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        raise answers.bad_param(f"param {name} must be a JSON object") from None
    if not isinstance(value, dict):
        raise answers.bad_param(f"param {name} must be a JSON object")
    return value


def conversation_with(store: GraphStore, user_id: str) -> Node | None:
    """The Page's Messenger conversation with ``user_id``, if there is one."""
    return next((c for c in store.children(store.page_id, "conversations")
                 if c["__user"] == user_id and c["__platform"] == "messenger"), None)


def last_message_from(store: GraphStore, conversation: Node, user_id: str) -> int | None:
    """When the person last wrote in the conversation (epoch seconds)."""
    times = [m["__ts"] for m in store.children(conversation["id"], "messages")
             if m["from"] == user_id]
    return max(times) if times else None


def send_message(store: GraphStore, params: dict[str, str]) -> dict[str, Any]:
    """Answer ``POST /{page}/messages`` (see the module docstring)."""
    recipient = _object(params, "recipient")
    message = _object(params, "message")
    kind = params.get("messaging_type", "")
    if kind not in MESSAGING_TYPES:
        raise answers.bad_param("param messaging_type must be one of {RESPONSE, UPDATE, "
                                "MESSAGE_TAG}")
    if kind == "MESSAGE_TAG":
        raise answers.bad_param(f"the sandbox does not model message tags "
                                f"({params.get('tag') or 'no tag'})")
    text = message.get("text")
    if not isinstance(text, str) or not text.strip():
        raise GraphError(400, 100, "(#100) Message cannot be empty, must provide valid "
                                   "attachment or text", subcode=2018034)
    if len(text) > MAX_TEXT:
        raise answers.bad_param(f"Length of param message[text] must be less than or equal "
                                f"to {MAX_TEXT}")
    user = str(recipient.get("id") or "")
    conversation = conversation_with(store, user) if user else None
    if conversation is None:
        raise GraphError(400, 100, "(#100) No matching user found", subcode=2018001)
    now = max(int(time.time()), conversation["__ts"] + 1)
    written = last_message_from(store, conversation, user)
    if written is None or now - written > WINDOW_SECONDS:
        raise GraphError(400, 10, OUTSIDE_WINDOW, subcode=2018278)
    node = store.add_message(conversation["id"], text, now, store.page_id, user,
                             mid=new_mid())
    return {"recipient_id": user, "message_id": node["id"]}


def new_mid() -> str:
    """A message id as Messenger gives them: opaque, unique across Pages and runs (so
    sandboxes started one after another never hand out the same id twice)."""
    return "m_" + secrets.token_urlsafe(24)
