"""POST /webhooks/facebook end to end: Meta-signed bytes -> stored -> rq worker -> stream."""

from __future__ import annotations

import json

from sandboxes.facebook.sender import (
    build_event,
    meta_json,
    send_facebook_webhook,
    signature_headers,
    verify_facebook_webhook,
)
from tests.webhooks.conftest import FB_SECRET, FB_VERIFY_TOKEN, MAX_BODY
from workers import deliveries

PAGE = "104200000000001"
TEXT = "Très bien, merci! 👍 / Привет"


def test_handshake_echoes_the_challenge(service, http):
    assert verify_facebook_webhook(f"{service.url}/webhooks/facebook", FB_VERIFY_TOKEN,
                                   session=http)


def test_handshake_with_a_wrong_token_is_403(service, http):
    answer = http.get(f"{service.url}/webhooks/facebook", params={
        "hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "42"})
    assert answer.status_code == 403
    assert answer.json()["error"] == "handshake_rejected"
    assert "42" not in answer.text


def test_signed_delivery_is_stored_as_sent_queued_once_and_parsed_by_a_worker(service, http):
    body = meta_json(build_event("comment", page_id=PAGE, text=TEXT))
    answer = send_facebook_webhook(f"{service.url}/webhooks/facebook", FB_SECRET, body,
                                   session=http)
    assert answer.status_code == 200, answer.text
    delivery_id = answer.json()["delivery_id"]
    assert answer.json()["status"] == "accepted"
    assert service.job_ids() == [delivery_id]
    stored = deliveries.load(service.redis, delivery_id)
    assert stored is not None and stored.body == body and not stored.processed
    assert stored.headers["X-Hub-Signature-256"] == signature_headers(body, FB_SECRET)[
        "X-Hub-Signature-256"]

    service.run_worker()

    events = [json.loads(fields[b"event"]) for fields in service.stream("facebook")]
    assert [(e["kind"], e["body"], e["owner_id"]) for e in events] == [("comment", TEXT, PAGE)]
    assert deliveries.is_processed(service.redis, delivery_id)
    assert service.job_ids() == []


def test_redelivery_answers_200_and_makes_no_second_job(service, http):
    body = meta_json(build_event("post", page_id=PAGE))
    url = f"{service.url}/webhooks/facebook"
    first = send_facebook_webhook(url, FB_SECRET, body, session=http)
    again = send_facebook_webhook(url, FB_SECRET, body, session=http)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json()["status"] == "duplicate" and again.json()["queued"] is False
    assert service.job_ids() == [first.json()["delivery_id"]]
    service.run_worker()
    third = send_facebook_webhook(url, FB_SECRET, body, session=http)  # after processing
    assert third.status_code == 200 and service.job_ids() == []
    assert len(service.stream("facebook")) == 1


def test_bad_signature_is_403_and_nothing_is_stored(service, http):
    body = meta_json(build_event("comment", page_id=PAGE))
    answer = send_facebook_webhook(f"{service.url}/webhooks/facebook", "wrong-secret", body,
                                   session=http)
    assert answer.status_code == 403
    assert answer.json()["error"] == "bad_signature"
    unsigned = http.post(f"{service.url}/webhooks/facebook", data=body)
    assert unsigned.status_code == 403
    assert service.redis.keys("*") == []


def test_signed_but_malformed_body_is_400_naming_the_problem(service, http):
    for body, words in ((b"{not json", "not JSON"), (b'{"object":"page"}', "entry")):
        answer = send_facebook_webhook(f"{service.url}/webhooks/facebook", FB_SECRET, body,
                                       session=http)
        assert answer.status_code == 400
        assert answer.json()["error"] == "malformed_body"
        assert words in answer.json()["message"]
    assert service.redis.keys("*") == []


def test_oversized_body_is_413_with_or_without_a_content_length(service, http):
    body = meta_json({"object": "page", "entry": [], "pad": "x" * MAX_BODY})
    headers = {"Content-Type": "application/json", **signature_headers(body, FB_SECRET)}
    url = f"{service.url}/webhooks/facebook"
    assert http.post(url, data=body, headers=headers).status_code == 413
    chunks = (body[i:i + 1024] for i in range(0, len(body), 1024))  # chunked: no length
    assert http.post(url, data=chunks, headers=headers).status_code == 413
    assert service.redis.keys("*") == []
