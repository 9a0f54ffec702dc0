"""A rep answers a Messenger message from the app (``POST /api/v1/updates``, type reply):
sent once with the Send API as the Page, recorded once in SuiteCRM as an outbound message
in the conversation's thread, its echo webhook adding nothing; what Messenger would
refuse is not sent, and the app reads why (real workers, the sandboxes over HTTP)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.messenger.conftest import INTERACTIONS, SALLY, Messenger, psid
from tests.mobile.conftest import Api
from tests.updates.conftest import post, status_of
from workers.updates.delivery import WINDOW_CLOSED

# The shipped policy signs every reply with the rep's first name; the address may be
# sent in a private message (not in a public comment).
REPLY = "Здравствуйте, Анна! Посылка уже в пути 📦 快递明天到。Вопросы: help@example.com\n— Sally"


def reply(api: Api, headers: dict[str, str], interaction_id: str, text: str) -> str:
    answer = post(api, headers, {"type": "reply", "interaction_id": interaction_id,
                                 "text": text})
    assert answer.status_code == 202, answer.text
    return str(answer.json()["id"])


def sent_to(messenger: Messenger, customer: str) -> list[dict[str, Any]]:
    """The Page's messages in the customer's conversation on the network."""
    store = messenger.facebook.store
    return [node for node in store.nodes.values() if node["__type"] == "message"
            and node["from"] == messenger.page_id and node["to"] == customer]


def stored_message(messenger: Messenger, customer: str, mid: str, *,
                   thread: str) -> str:
    """The customer's message as the sync stored it, assigned to Sally; its record id."""
    node = messenger.facebook.store.nodes[mid]
    return messenger.crm.create(INTERACTIONS, {
        "name": node["message"][:40], "network": "facebook", "external_id": mid,
        "kind": "message", "direction": "inbound", "status": "new", "body": node["message"],
        "thread_external_id": thread, "author_external_id": customer,
        "occurred_at": datetime.fromtimestamp(node["__ts"], UTC),
        "assigned_user_id": SALLY}).id


@pytest.mark.parametrize("stored_as", ["conversation key", "Graph conversation id"])
def test_a_rep_s_reply_is_sent_once_recorded_once_and_its_echo_adds_nothing(
        messenger: Messenger, sally_headers: dict[str, str], stored_as: str) -> None:
    """Also for a message stored before conversation keys (a poll stored Graph's ``t_``
    id as its thread): the reply is recorded, then found by its echo, under the key."""
    customer = psid()
    asked = messenger.customer_writes(customer, "Когда придёт мой заказ? 🙏")
    thread = messenger.thread(customer)
    inbound = stored_message(messenger, customer, asked, thread=thread if stored_as ==
                             "conversation key" else f"t_{customer}")

    update_id = reply(messenger.api, sally_headers, inbound, REPLY)
    messenger.work("crm", "outbound")

    state = status_of(messenger.api, sally_headers, update_id)
    assert (state["status"], state["delivery"]["status"]) == ("applied", "posted"), state
    mid = state["delivery"]["external_id"]
    assert [(m["id"], m["message"]) for m in sent_to(messenger, customer)] == [(mid, REPLY)]
    (outbound,) = messenger.interactions(thread_external_id=thread, direction="outbound")
    assert outbound.id == state["record"]["id"]
    assert (outbound["kind"], outbound["external_id"], outbound["status"]) == (
        "message", mid, "closed")
    assert (outbound["body"], outbound["created_by"]) == (REPLY, SALLY)
    answered = messenger.crm.get(INTERACTIONS, inbound)
    first = answered.datetime("first_response_at")
    assert first is not None and answered["status"] == "responded"

    messenger.deliver(mid)  # Meta's echo of the Page's message
    messenger.work("webhooks")

    assert [r.id for r in messenger.interactions(network="facebook", kind="message",
                                                 direction="outbound",
                                                 thread_external_id=thread)] == [outbound.id]
    assert [r.id for r in messenger.interactions(external_id=mid)] == [outbound.id]
    assert messenger.crm.get(INTERACTIONS, inbound).datetime("first_response_at") == first
    assert len(sent_to(messenger, customer)) == 1, "sent once"


def test_what_messenger_would_refuse_is_not_sent_and_the_app_reads_why(
        messenger: Messenger, sally_headers: dict[str, str]) -> None:
    late, chatty = psid(), psid()
    old = messenger.customer_writes(late, "Вы тут?", ts=int(time.time()) - 25 * 3600)
    fresh = messenger.customer_writes(chatty, "Расскажите подробнее")
    inbound = {customer: stored_message(messenger, customer, mid,
                                        thread=messenger.thread(customer))
               for customer, mid in ((late, old), (chatty, fresh))}

    too_late = reply(messenger.api, sally_headers, inbound[late], REPLY)
    long_text = "Я" * 1995 + "\n— Sally"  # 2,003 characters: Messenger takes 2,000
    too_long = reply(messenger.api, sally_headers, inbound[chatty], long_text)
    messenger.work("crm", "outbound")

    window = status_of(messenger.api, sally_headers, too_late)
    assert window["delivery"] == {"status": "failed", "reason": WINDOW_CLOSED}
    assert "24 hours" in window["delivery"]["reason"]
    length = status_of(messenger.api, sally_headers, too_long)
    assert length["status"] == "failed" and "2000" in length["reason"], length
    assert sent_to(messenger, late) == [] and sent_to(messenger, chatty) == []
    for record_id in inbound.values():
        waiting = messenger.crm.get(INTERACTIONS, record_id)
        assert waiting.datetime("first_response_at") is None, "nobody answered them"
