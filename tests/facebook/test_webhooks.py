"""Webhook handshake, signatures over raw bytes (non-ASCII included), and event parsing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from connectors.facebook import WebhookRejectedError, parse_events, verify_challenge
from connectors.facebook.webhooks import sign, signature_header, verify_signature
from connectors.social import WebhookEvent
from sandboxes.facebook import (
    FacebookSandbox,
    build_event,
    meta_json,
    send_facebook_webhook,
)
from tests.facebook.helpers import Receiver

SECRET = "sandbox-app-secret"
PAGE = "104200000000001"
# Reference vector computed with `openssl dgst -sha256 -hmac sandbox-app-secret`.
VECTOR_BODY = (b'{"object":"page","entry":[{"id":"1","changes":[{"field":"feed","value":'
               b'{"message":"Zo\\u00eb \\ud83d\\ude00 caf\\u00e9 \\/ ok"}}]}]}')
VECTOR_SIGNATURE = "sha256=bb89de478b6b396f831f96d423562846d9cc9e2953c34215f8504119c9c63b88"
UPPERCASE_ESCAPES_SIGNATURE = (
    "sha256=f5bdf8caabf054bc7342df9f30d1cefcdd227f371375d101e589834953513ec5")


def test_challenge_echoed_only_for_our_verify_token() -> None:
    params = {"hub.mode": "subscribe", "hub.verify_token": "tok", "hub.challenge": "1158201444"}
    assert verify_challenge(params, "tok") == "1158201444"
    for bad in ({**params, "hub.verify_token": "other"}, {**params, "hub.mode": "unsubscribe"},
                {k: v for k, v in params.items() if k != "hub.challenge"}):
        with pytest.raises(WebhookRejectedError) as caught:
            verify_challenge(bad, "tok")
        assert caught.value.status == 403


def test_signature_vector_with_non_ascii() -> None:
    payload = {"object": "page", "entry": [{"id": "1", "changes": [
        {"field": "feed", "value": {"message": "Zoë 😀 café / ok"}}]}]}
    assert meta_json(payload) == VECTOR_BODY  # Meta's escaping, byte for byte
    assert sign(VECTOR_BODY, SECRET) == VECTOR_SIGNATURE
    verify_signature(VECTOR_BODY, VECTOR_SIGNATURE, SECRET)


@pytest.mark.parametrize("body", [
    VECTOR_BODY.replace(b"ok", b"OK"),  # tampered
    VECTOR_BODY.decode("ascii").replace("\\u00eb", "\\u00EB").replace("\\u00e9", "\\u00E9")
    .replace("\\ud83d\\ude00", "\\uD83D\\uDE00").encode(),  # uppercase escapes
    json.dumps(json.loads(VECTOR_BODY), ensure_ascii=False, separators=(",", ":")).encode(),
])
def test_reserialised_or_tampered_bodies_are_rejected(body: bytes) -> None:
    assert json.loads(body)["entry"][0]["id"] == "1"  # same JSON, other bytes
    with pytest.raises(WebhookRejectedError) as caught:
        verify_signature(body, VECTOR_SIGNATURE, SECRET)
    assert caught.value.status == 401


def test_uppercase_escapes_are_what_that_other_signature_covers() -> None:
    body = (VECTOR_BODY.decode().replace("\\u00eb", "\\u00EB").replace("\\u00e9", "\\u00E9")
            .replace("\\ud83d\\ude00", "\\uD83D\\uDE00").encode())
    verify_signature(body, UPPERCASE_ESCAPES_SIGNATURE, SECRET)


@pytest.mark.parametrize("header", [
    None, "", VECTOR_SIGNATURE.upper(), "SHA256=" + VECTOR_SIGNATURE[7:],
    VECTOR_SIGNATURE[7:], "sha1=" + VECTOR_SIGNATURE[7:], VECTOR_SIGNATURE[:-1],
])
def test_wrong_case_or_absent_signatures_are_rejected(header: str | None) -> None:
    with pytest.raises(WebhookRejectedError):
        verify_signature(VECTOR_BODY, header, SECRET)


def test_signature_header_lookup_ignores_name_case_but_not_sha1() -> None:
    assert signature_header({"x-hub-signature-256": "v"}) == "v"
    assert signature_header({"X-Hub-Signature": "sha1=abc"}) is None


def _one(kind: str, **options: Any) -> WebhookEvent:
    events = parse_events(meta_json(build_event(kind, page_id=PAGE, created_time=1790000000,
                                                **options)))
    assert len(events) == 1
    return events[0]


@pytest.mark.parametrize("verb", ["add", "edited", "remove", "hide", "unhide"])
def test_comment_events(verb: str) -> None:
    event = _one("comment", verb=verb, post_id=f"{PAGE}_4001", comment_id="4001_55",
                 text="Très bien 👍")
    assert (event.kind, event.verb, event.object_id) == ("comment", verb, "4001_55")
    assert event.post_id == f"{PAGE}_4001" and event.parent_id is None
    assert event.body == "Très bien 👍" and event.owner_id == PAGE
    assert event.author is not None and event.author.external_id == "100000000000077"
    assert event.occurred_at.timestamp() == 1790000000


def test_reply_reaction_post_lead_and_message_events() -> None:
    reply = _one("comment", comment_id="4001_56", parent_id="4001_55")
    assert reply.parent_id == "4001_55"
    reaction = _one("reaction", comment_id="4001_55", reaction_type="love")
    assert (reaction.kind, reaction.object_id, reaction.body) == ("reaction", "4001_55", "love")
    post = _one("post", verb="edited", post_id=f"{PAGE}_4009", text="Updated")
    assert (post.kind, post.verb, post.object_id) == ("post", "edited", f"{PAGE}_4009")
    lead = _one("leadgen", leadgen_id="800100000000001", form_id="7001")
    assert (lead.kind, lead.object_id, lead.raw["value"]["form_id"]) == (
        "lead", "800100000000001", "7001")
    message = _one("message", text="こんにちは")
    assert (message.kind, message.verb, message.body) == ("message", "add", "こんにちは")
    assert message.occurred_at.timestamp() == 1790000000  # milliseconds understood
    echo = _one("message", text="Reply from the Page", is_echo=True)
    assert (echo.kind, echo.verb) == ("message", "echo")
    assert echo.author is not None and echo.author.external_id == PAGE


def test_unknown_kinds_are_kept_raw() -> None:
    payload = {"object": "page", "entry": [
        {"id": PAGE, "time": 1790000000, "changes": [
            {"field": "ratings", "value": {"review_text": "★★★★★"}},
            {"field": "feed", "value": {"item": "event", "verb": "add"}}]},
        {"id": PAGE, "time": 1790000000000, "messaging": [
            {"sender": {"id": "1"}, "recipient": {"id": PAGE}, "timestamp": 1790000000000,
             "delivery": {"mids": ["m_1"]}}]},
        {"id": PAGE, "time": 1790000000, "standby": [{"sender": {"id": "1"}}]},
    ]}
    events = parse_events(meta_json(payload))
    assert [e.kind for e in events] == ["unknown"] * 4
    assert events[0].raw["value"]["review_text"] == "★★★★★"
    assert events[1].verb == "add" and events[2].raw["delivery"]["mids"] == ["m_1"]
    assert "standby" in events[3].raw


def test_parts_that_are_not_objects_are_kept_not_dropped() -> None:
    payload = {"object": "page", "entry": [
        "not-an-entry",
        {"id": PAGE, "time": 1790000000,
         "changes": [7, {"field": "feed", "value": {"item": "comment", "verb": "add",
                                                    "comment_id": "1_2", "post_id": "1",
                                                    "created_time": 1790000000}}],
         "messaging": [None],
         "standby": [{"sender": {"id": "1"}}]},
        {"id": PAGE, "time": 1790000000, "changes": {"field": "feed"}},
    ]}
    events = parse_events(meta_json(payload))
    assert [e.kind for e in events] == ["unknown", "unknown", "comment", "unknown", "unknown",
                                        "unknown"]
    assert events[0].raw == {"entry": "not-an-entry"}
    assert events[1].raw == {"change": 7} and events[3].raw == {"messaging": None}
    assert events[4].raw["standby"] == [{"sender": {"id": "1"}}]  # beside parsed changes
    assert events[5].raw["changes"] == {"field": "feed"}
    assert len({e.event_id for e in events}) == 6


def test_event_ids_collapse_redeliveries_only() -> None:
    body = meta_json(build_event("comment", page_id=PAGE, comment_id="1_2", created_time=5))
    again = parse_events(body)[0]
    assert parse_events(body)[0].event_id == again.event_id
    edited = parse_events(meta_json(build_event("comment", page_id=PAGE, comment_id="1_2",
                                                created_time=5, verb="edited", text="new")))
    assert edited[0].event_id != again.event_id


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    running = Receiver(SECRET, "verify-me")
    try:
        yield running
    finally:
        running.close()


def test_sender_delivers_signed_non_ascii_events_over_http(receiver: Receiver) -> None:
    assert requests.get(receiver.url, params={"hub.mode": "subscribe", "hub.verify_token":
                        "verify-me", "hub.challenge": "42"}, timeout=5).text == "42"
    for kind in ("comment", "post", "reaction", "leadgen", "message"):
        response = send_facebook_webhook(receiver.url, SECRET, kind, page_id=PAGE,
                                         text="Ça marche? 🇫🇷 日本語 / العربية")
        assert response.status_code == 200
    wrong = send_facebook_webhook(receiver.url, "another-secret", "comment", page_id=PAGE)
    assert wrong.status_code == 401
    assert [e.kind for e in receiver.events] == ["comment", "post", "reaction", "lead",
                                                 "message"]
    assert receiver.events[0].body == "Ça marche? 🇫🇷 日本語 / العربية"


def test_malformed_changes_are_kept_not_dropped() -> None:
    payload = {"object": "page", "entry": [{"id": PAGE, "time": 1790000000, "changes": [
        {"field": "feed", "value": {"item": "comment", "verb": "add", "comment_id": "1_2",
                                    "created_time": "yesterday"}},
        {"field": "leadgen", "value": {"page_id": PAGE}}],
        "messaging": [{"sender": {"id": "1"}, "timestamp": "soon",
                       "message": {"mid": "m_1", "text": "hi"}}]}]}
    events = parse_events(meta_json(payload))
    assert [e.kind for e in events] == ["unknown", "unknown", "unknown"]
    assert events[0].raw["value"]["created_time"] == "yesterday"
    assert events[0].occurred_at.timestamp() == 1790000000


def test_meta_handshake_from_the_sandbox_control_api(receiver: Receiver) -> None:
    with FacebookSandbox(seed=False, verify_token="verify-me") as sandbox:
        control = f"{sandbox.url}/__sandbox__/webhook-handshake"
        ok = requests.post(control, json={"url": receiver.url}, timeout=10).json()
        wrong = requests.post(control, json={"url": receiver.url, "verify_token": "nope"},
                              timeout=10).json()
    assert ok["verified"] is True and wrong["verified"] is False
