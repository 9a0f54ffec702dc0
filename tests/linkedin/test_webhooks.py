"""Webhook signature vectors, the challenge, parsing, and the signed sender end to end.

The expected hex digests were computed independently (``openssl dgst -sha256 -hmac``)
from the documented scheme: HMAC-SHA256(client secret, "hmacsha256=" + raw body). Two
implementations are held to them: the client's and the sandbox's own (``signing``),
and end to end the client only ever verifies what the sandbox signed.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import requests

from connectors.errors import WebhookRejectedError
from connectors.linkedin import (
    challenge_response,
    parse_notifications,
    signature,
    verify_signature,
)
from sandboxes.linkedin import (
    CLIENT_SECRET,
    ORGANIZATION_URN,
    build_payload,
    send_linkedin_webhook,
    social_action_payload,
)
from sandboxes.linkedin import signing as sandbox_signing

SECRET = "s3cr3t"
ASCII_BODY = b'{"a":1}'
ASCII_SIG = "8a054c01bdfb965583bd89d84839063b9bb10bd70ccf208cd8020c0db07eb259"
UNICODE_BODY = '{"text":"Grüße 👋 日本"}'.encode()
UNICODE_SIG = "17a1fcd57f34234758620522fc9d51cf1fdcf77bd464339ef3d74beb579807f8"
CHALLENGE = "f6b2a2d4-1d1b-4d6c-9a59-0c3f1f6d5a10"
CHALLENGE_SIG = "ae374eacc82f5a5e4d97d7ba8654ed7f6da469b5ecba2685f71e1bf9a675a61b"


def test_signature_vectors() -> None:
    assert signature(ASCII_BODY, SECRET) == ASCII_SIG
    assert signature(UNICODE_BODY, SECRET) == UNICODE_SIG
    assert sandbox_signing.sign(ASCII_BODY, SECRET) == ASCII_SIG
    assert sandbox_signing.sign(UNICODE_BODY, SECRET) == UNICODE_SIG
    assert sandbox_signing.challenge_answer(CHALLENGE, SECRET)["challengeResponse"] == (
        CHALLENGE_SIG)


@pytest.mark.parametrize("header", [
    "hmacsha256=" + ASCII_SIG, "HMACSHA256=" + ASCII_SIG.upper(), f"  {ASCII_SIG}\t"])
def test_header_with_or_without_the_hmacsha256_prefix_is_accepted(header) -> None:
    assert verify_signature(ASCII_BODY, header, SECRET)
    assert sandbox_signing.signature_matches(ASCII_BODY, header, SECRET)
    assert not verify_signature(b'{"a":2}', header, SECRET)
    assert not sandbox_signing.signature_matches(b'{"a":2}', header, SECRET)


@pytest.mark.parametrize("header", ["hmacsha256=", "hmacsha256=hmacsha256=" + ASCII_SIG,
                                    "sha256=" + ASCII_SIG, ASCII_SIG + "00", "é" * 64])
def test_prefix_tolerance_accepts_nothing_else(header) -> None:
    assert not verify_signature(ASCII_BODY, header, SECRET)
    assert not sandbox_signing.signature_matches(ASCII_BODY, header, SECRET)


def test_non_ascii_body_verifies_over_raw_bytes_only() -> None:
    assert verify_signature(UNICODE_BODY, UNICODE_SIG, SECRET)
    assert verify_signature(UNICODE_BODY, UNICODE_SIG.upper(), SECRET)
    reserialised = json.dumps(json.loads(UNICODE_BODY)).encode()  # \\u-escaped, spaced
    assert reserialised != UNICODE_BODY
    assert not verify_signature(reserialised, UNICODE_SIG, SECRET)


@pytest.mark.parametrize("header", [None, "", "0" * 64, ASCII_SIG[:-1], "sha256=" + ASCII_SIG])
def test_missing_or_wrong_header_is_rejected(header) -> None:
    assert not verify_signature(ASCII_BODY, header, SECRET)


def test_tampered_body_and_wrong_secret_are_rejected() -> None:
    assert not verify_signature(b'{"a":2}', ASCII_SIG, SECRET)
    assert not verify_signature(ASCII_BODY, ASCII_SIG, "other-secret")
    assert not verify_signature(ASCII_BODY, ASCII_SIG, "")


def test_signature_prefix_is_configurable() -> None:
    plain = signature(ASCII_BODY, SECRET, prefix="")
    assert plain != ASCII_SIG
    assert verify_signature(ASCII_BODY, plain, SECRET, prefix="")
    assert not verify_signature(ASCII_BODY, plain, SECRET)


def test_signing_text_instead_of_bytes_is_refused() -> None:
    with pytest.raises(TypeError):
        signature(ASCII_BODY.decode(), SECRET)  # type: ignore[arg-type]


def test_challenge_response_vector() -> None:
    assert challenge_response(CHALLENGE, SECRET) == {
        "challengeCode": CHALLENGE, "challengeResponse": CHALLENGE_SIG}


def test_every_social_action_is_parsed() -> None:
    actions = ["LIKE", "COMMENT", "SHARE", "SHARE_MENTION", "ADMIN_COMMENT", "COMMENT_EDIT",
               "COMMENT_DELETE"]
    events = parse_notifications(social_action_payload(actions, first_id=41))
    assert [(e.kind, e.verb) for e in events] == [
        ("reaction", "add"), ("comment", "add"), ("share", "add"), ("mention", "add"),
        ("comment", "add"), ("comment", "edited"), ("comment", "remove")]
    assert [e.event_id for e in events] == [str(n) for n in range(41, 48)]
    comment = events[1]
    assert comment.owner_id == ORGANIZATION_URN
    assert comment.object_id.startswith("urn:li:comment:(urn:li:activity:")
    assert comment.post_id and comment.post_id.startswith("urn:li:share:")
    assert comment.body and "Österreich" in comment.body
    assert comment.author and comment.author.external_id.startswith("urn:li:person:")
    assert events[4].author and events[4].author.external_id == ORGANIZATION_URN
    assert comment.occurred_at.tzinfo is UTC


def test_unknown_kinds_are_kept_raw_never_dropped() -> None:
    payload = {"type": "ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS", "notifications": [
        {"notificationId": 1, "action": "REPOST_WITH_POLL", "organizationalEntity": "urn:li:o:1",
         "lastModifiedAt": 1_790_000_000_000},
        {"notificationId": 2, "action": "COMMENT", "sourcePost": "urn:li:share:1",
         "generatedActivity": "urn:li:comment:(urn:li:activity:1,2)",
         "organizationalEntity": "urn:li:organization:1", "lastModifiedAt": 1_790_000_000_000},
    ]}
    events = parse_notifications(json.dumps(payload).encode())
    assert [e.kind for e in events] == ["unknown", "comment"]
    assert events[0].raw["action"] == "REPOST_WITH_POLL"
    assert events[0].event_id == "1"
    other = parse_notifications(b'{"type":"SOMETHING_NEW","value":42}',
                                received_at=datetime(2026, 1, 1, tzinfo=UTC))
    assert len(other) == 1 and other[0].kind == "unknown" and other[0].raw["value"] == 42


def test_duplicate_notifications_keep_their_ids_for_dedupe() -> None:
    batch = social_action_payload(["COMMENT"], first_id=99)
    batch["notifications"] *= 2  # redelivered in the same batch
    events = parse_notifications(batch)
    assert len(events) == 2
    assert {e.event_id for e in events} == {"99"}


def test_lead_notifications() -> None:
    created = parse_notifications(build_payload("lead", response_id="abc", notification_id=5))
    deleted = parse_notifications(build_payload("lead-deleted", response_id="abc",
                                                notification_id=6))
    assert [(e.kind, e.verb, e.object_id, e.event_id) for e in created + deleted] == [
        ("lead", "add", "urn:li:leadGenFormResponse:abc", "5"),
        ("lead", "remove", "urn:li:leadGenFormResponse:abc", "6")]
    assert created[0].owner_id == ORGANIZATION_URN
    no_id = parse_notifications({"leadAction": "CREATED",
                                 "leadGenFormResponse": "urn:li:leadGenFormResponse:x"})
    assert no_id[0].event_id == "urn:li:leadGenFormResponse:x:CREATED"


def test_sender_posts_raw_signed_bytes_to_a_receiver(sandbox, client) -> None:
    inbox = f"{sandbox.url}/__sandbox__/inbox"
    ok = send_linkedin_webhook(inbox, CLIENT_SECRET, "COMMENT")
    prefixed = send_linkedin_webhook(inbox, CLIENT_SECRET, "LIKE", header_prefix="hmacsha256=")
    forged = send_linkedin_webhook(inbox, "not-the-secret", "COMMENT")
    assert [r.status_code for r in (ok, prefixed, forged)] == [200, 200, 401]
    received = requests.get(inbox, timeout=5).json()["received"]
    assert [r["valid_signature"] for r in received] == [True, True, False]
    assert "日本" in received[0]["body"]  # sent unescaped, as UTF-8
    assert received[1]["signature"].startswith("hmacsha256=")
    for delivery in received[:2]:  # what the sandbox signed, the client accepts
        assert client.webhook_events(delivery["body"].encode(), delivery["signature"])
    with pytest.raises(WebhookRejectedError):
        client.webhook_events(received[2]["body"].encode(), received[2]["signature"])
    challenge = requests.get(inbox, params={"challengeCode": CHALLENGE}, timeout=5).json()
    assert challenge == client.webhook_challenge(CHALLENGE)


def test_client_verifies_what_the_sandbox_signed_then_parses(client) -> None:
    body = json.dumps(social_action_payload(["COMMENT"]), ensure_ascii=False).encode()
    events = client.webhook_events(body, sandbox_signing.sign(body, CLIENT_SECRET))
    assert events[0].kind == "comment"
    with pytest.raises(WebhookRejectedError) as rejected:
        client.webhook_events(body + b" ", sandbox_signing.sign(body, CLIENT_SECRET))
    assert rejected.value.status == 401
    assert client.webhook_challenge(CHALLENGE) == sandbox_signing.challenge_answer(
        CHALLENGE, CLIENT_SECRET)
