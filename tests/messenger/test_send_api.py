"""The Send API and the conversation key, connector against the Graph sandbox over HTTP:
what a webhook and a poll call a conversation, Graph's answers and refusals as the
connector's typed errors, and the search for a message an earlier attempt sent."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests

from connectors.errors import AuthenticationError, ValidationError
from connectors.facebook import FacebookClient, GraphConfig
from connectors.facebook.errors import MessagingWindowClosedError
from connectors.facebook.messenger import conversation_key, parse_conversation_key
from plugin.sync.items import from_event, from_message
from sandboxes.facebook import FacebookSandbox, meta_json
from tests.messenger.conftest import GRAPH_VERSION, psid
from workers.deliveries import Delivery, delivery_id
from workers.jobs.intake import events_of

TEXT = "Здравствуйте! Посылка уже в пути 📦 谢谢！"


@pytest.fixture()
def facebook() -> Iterator[FacebookSandbox]:
    with FacebookSandbox(seed=False) as running:
        yield running


@pytest.fixture()
def page(facebook: FacebookSandbox) -> FacebookClient:
    config = GraphConfig(version=GRAPH_VERSION, base_url=facebook.url,
                         app_id=facebook.app_id, app_secret=facebook.app_secret, timeout=5.0)
    return FacebookClient(config, access_token=facebook.page_token)


def page_messages(facebook: FacebookSandbox, customer: str) -> list[dict[str, object]]:
    return [node for node in facebook.store.nodes.values() if node["__type"] == "message"
            and node["from"] == facebook.page_id and node["to"] == customer]


def test_a_webhook_and_a_poll_name_one_conversation_the_same_way(
        facebook: FacebookSandbox, page: FacebookClient) -> None:
    customer = psid()
    asked = facebook.add_visitor_message(customer, TEXT, user_name="Анна Ли")["id"]
    answered = page.send_message(facebook.page_id, customer, "Спасибо! 🙏").message_id
    key = conversation_key(facebook.page_id, customer)
    assert key == f"messenger:{facebook.page_id}:{customer}"
    assert parse_conversation_key(key) == (facebook.page_id, customer)
    assert parse_conversation_key(f"{facebook.page_id}_42") is None  # a post's thread

    hooked = [from_event(event) for mid in (asked, answered)
              for event in events_of(_delivery(meta_json(facebook.message_event(mid))))]
    (conversation,) = page.iter_conversations(facebook.page_id)
    polled = [from_message(m, owner_id=facebook.page_id, observed_at=datetime.now(UTC))
              for m in conversation.messages]
    assert [(i.external_id, i.direction, i.thread_id) for i in hooked] == [
        (asked, "inbound", key), (answered, "outbound", key)]
    assert [(i.external_id, i.direction, i.thread_id) for i in polled] == [
        (asked, "inbound", key), (answered, "outbound", key)]
    assert conversation.external_id != key  # Graph's own id (t_...) is not the thread


def test_an_event_queued_before_keys_still_names_an_inbound_conversation() -> None:
    event = {"network": "facebook", "kind": "message", "verb": "add", "object_id": "m_1",
             "owner_id": "104", "occurred_at": "2026-03-01T12:00:00+00:00", "post_id": None,
             "author": {"external_id": "777", "name": ""}}
    assert from_event(event).thread_id == "messenger:104:777"
    echo = {**event, "verb": "echo", "author": {"external_id": "104", "name": ""}}
    assert from_event(echo).thread_id is None  # an echo named no recipient then


def test_the_send_api_answers_like_graph_and_refuses_like_graph(
        facebook: FacebookSandbox, page: FacebookClient) -> None:
    customer, stranger, silent = psid(), psid(), psid()
    facebook.add_visitor_message(customer, "Hi")
    facebook.add_visitor_message(silent, "Old question", ts=int(time.time()) - 25 * 3600)
    sent = page.send_message(facebook.page_id, customer, TEXT)
    assert sent.recipient_id == customer and sent.message_id.startswith("m_")
    assert [(m["id"], m["message"]) for m in page_messages(facebook, customer)] == [
        (sent.message_id, TEXT)], "the text arrives exactly as written"

    with pytest.raises(MessagingWindowClosedError) as closed:
        page.send_message(facebook.page_id, silent, "Still there?")
    assert "outside of allowed window" in (closed.value.detail or "")
    assert page_messages(facebook, silent) == []
    with pytest.raises(ValidationError, match="2018001"):
        page.send_message(facebook.page_id, stranger, "Hello")  # never wrote to the Page
    with pytest.raises(ValidationError, match="2018034"):
        page.send_message(facebook.page_id, customer, "   ")
    with pytest.raises(ValidationError) as long:
        page.send_message(facebook.page_id, customer, "x" * 2001)
    assert "less than or equal to 2000" in (long.value.detail or "")
    assert len(page_messages(facebook, customer)) == 1, "nothing refused was sent"

    facebook.state.remove_scopes(facebook.page_token, ["pages_messaging"])
    with pytest.raises(AuthenticationError) as lost:  # a lost permission is still an alert
        page.send_message(facebook.page_id, customer, "Hello")
    assert lost.value.reason == "missing_permission"


def test_the_send_api_takes_a_json_body_as_graph_does(facebook: FacebookSandbox) -> None:
    customer = psid()
    facebook.add_visitor_message(customer, "Hi")
    answer = requests.post(
        f"{facebook.url}/{GRAPH_VERSION}/me/messages", timeout=5,
        headers={"Authorization": f"Bearer {facebook.page_token}"},
        json={"recipient": {"id": customer}, "messaging_type": "RESPONSE",
              "message": {"text": TEXT}})
    assert answer.status_code == 200, answer.text
    assert answer.json()["recipient_id"] == customer
    assert [m["message"] for m in page_messages(facebook, customer)] == [TEXT]
    tagged = requests.post(
        f"{facebook.url}/{GRAPH_VERSION}/me/messages", timeout=5,
        headers={"Authorization": f"Bearer {facebook.page_token}"},
        data={"recipient": json.dumps({"id": customer}), "messaging_type": "MESSAGE_TAG",
              "tag": "HUMAN_AGENT", "message": json.dumps({"text": "late"})})
    assert tagged.status_code == 400 and tagged.json()["error"]["code"] == 100


def test_a_message_an_earlier_attempt_sent_is_found_before_sending_again(
        facebook: FacebookSandbox, page: FacebookClient) -> None:
    customer, other = psid(), psid()
    facebook.add_visitor_message(customer, "Hi")
    facebook.add_visitor_message(other, "Hi")
    started = datetime.now(UTC)
    page.send_message(facebook.page_id, other, TEXT)  # the same words, another customer
    assert page.find_sent_message(facebook.page_id, customer, TEXT, since=started) is None
    sent = page.send_message(facebook.page_id, customer, TEXT).message_id
    assert page.find_sent_message(facebook.page_id, customer, TEXT, since=started) == sent
    assert page.find_sent_message(facebook.page_id, customer, "other words",
                                  since=started) is None
    assert page.find_sent_message(facebook.page_id, customer, TEXT,
                                  since=started + timedelta(hours=1)) is None


def _delivery(body: bytes) -> Delivery:
    """A stored webhook delivery, as the intake job reads it (``workers.jobs.intake``)."""
    return Delivery(delivery_id=delivery_id("facebook", body), source="facebook", body=body,
                    headers={}, received_at=datetime.now(UTC), accepted_event_ids=(),
                    processed=False)
