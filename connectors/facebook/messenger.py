"""Messenger conversations as the service names them, and the Page's answers through them.

**The thread key.** A Messenger webhook names the two people of a message (``sender``,
``recipient``: the customer's page-scoped id, PSID, and the Page) but not the
conversation; Graph's conversation id (``t_...``) only comes from reading
``/{page}/conversations``. So the service names a conversation by what both paths know:
``messenger:<page id>:<PSID>`` (``conversation_key``). The customer is the sender of an
inbound message and the recipient of the Page's own (an echo). A PSID is unique to one
Page and one person, and a Page has one Messenger conversation per person, so the key
names exactly one conversation, and a webhook, a poll and a reply sent from the CRM put
a message in the same thread.

**Sending** (``SendMixin.send_message``): the Send API, ``POST /{page-id}/messages`` with
``recipient={"id": PSID}``, ``messaging_type=RESPONSE`` and ``message={"text": ...}``;
Graph answers ``{"recipient_id", "message_id"}``. Like a comment reply it is not
idempotent: never re-sent once Graph may have received it (``OutcomeUnknownError``);
``find_sent_message`` then looks in the conversation for it before anyone sends again.

**The 24-hour window.** A Page may answer with ``RESPONSE`` only within 24 hours of the
customer's last message. Outside it Graph refuses with code 10, subcode 2018278 ("This
message is sent outside of allowed window"), which the connector raises as
``MessagingWindowClosedError``. Message tags that reach past the window (``HUMAN_AGENT``,
7 days) need a permission Meta grants per app after review, so they are not used: the
refusal goes back to the rep with its reason, and nothing is sent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from connectors.errors import BadResponseError
from connectors.facebook import parse
from connectors.facebook.errors import SERVICE
from connectors.facebook.fields import Edge, render_fields

if TYPE_CHECKING:
    from connectors.facebook.graph import GraphApi

THREAD_PREFIX = "messenger:"
MAX_TEXT_CHARS = 2000  # Graph refuses a longer message[text] (code 100)
RESPONSE_WINDOW = timedelta(hours=24)
RECENT_MESSAGES = 20  # what a conversation read expands: Meta's limit for nested messages
CLOCK_SKEW = timedelta(minutes=1)  # Graph's clock against ours, when looking for a send
_RECENT = Edge("messages", ("id", "message", "from", "created_time"), limit=RECENT_MESSAGES)


def conversation_key(page_id: str, customer_id: str) -> str | None:
    """The thread key of the Messenger conversation between a Page and a customer; None
    when either is unknown (or is no Graph id: a ':' would make the key ambiguous)."""
    if not page_id or not customer_id or customer_id == page_id \
            or ":" in page_id or ":" in customer_id:
        return None
    return f"{THREAD_PREFIX}{page_id}:{customer_id}"


def parse_conversation_key(thread: str | None) -> tuple[str, str] | None:
    """(Page id, customer PSID) of a thread key; None for any other thread id."""
    if not thread or not thread.startswith(THREAD_PREFIX):
        return None
    page_id, _, customer_id = thread[len(THREAD_PREFIX):].partition(":")
    if not page_id or not customer_id or ":" in customer_id:
        return None
    return page_id, customer_id


def customer_of(sender_id: str, recipient_id: str, *, is_echo: bool) -> str:
    """The customer of a message: its sender, or its recipient when the Page wrote it."""
    return recipient_id if is_echo else sender_id


@dataclass(frozen=True, slots=True)
class SentMessage:
    """Graph's answer to a sent message: the new message's id and who received it."""

    message_id: str
    recipient_id: str


class SendMixin:
    graph: GraphApi

    def send_message(self, page_id: str, recipient_id: str, text: str) -> SentMessage:
        """Answer a customer in Messenger as the Page (see the module docstring).

        Raises ``MessagingWindowClosedError`` outside the 24-hour window,
        ``OutcomeUnknownError`` when Graph may have sent it without saying so."""
        body = self.graph.post(f"{page_id}/messages", {
            "recipient": json.dumps({"id": recipient_id}),
            "messaging_type": "RESPONSE",
            "message": json.dumps({"text": text}, ensure_ascii=False),
        }, endpoint="POST /{page}/messages")
        if not isinstance(body, Mapping) or not body.get("message_id"):
            raise BadResponseError("the Send API answered no message_id", service=SERVICE)
        return SentMessage(str(body["message_id"]), str(body.get("recipient_id") or
                                                        recipient_id))

    def find_sent_message(self, page_id: str, recipient_id: str, text: str, *,
                          since: datetime) -> str | None:
        """The id of a message with ``text`` the Page sent the customer at ``since`` or
        later, among the conversation's newest messages; None when there is none."""
        body = self.graph.get(f"{page_id}/conversations", {
            "platform": "messenger", "user_id": recipient_id,
            "fields": render_fields(("id", _RECENT))}, endpoint="GET /{page}/conversations")
        floor = since.replace(microsecond=0) - CLOCK_SKEW
        for conversation in _data(body):
            for raw in _data(conversation.get("messages")):
                sender = parse.identity(raw.get("from"))
                if (sender is not None and sender.external_id == page_id
                        and raw.get("message") == text and raw.get("created_time")
                        and parse.graph_time(raw["created_time"]) >= floor):
                    return str(raw["id"])
        return None


def _data(connection: Any) -> list[Mapping[str, Any]]:
    items = connection.get("data") if isinstance(connection, Mapping) else None
    return [item for item in items or () if isinstance(item, Mapping) and item.get("id")]
