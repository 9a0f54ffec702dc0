"""GET/POST /webhooks/linkedin end to end, signed by the sandbox's independent signer."""

from __future__ import annotations

import hashlib
import hmac
import json

from sandboxes.linkedin.webhook_sender import (
    build_payload,
    encode_body,
    send_linkedin_webhook,
)
from tests.webhooks.conftest import LI_SECRET


def test_challenge_is_answered_with_the_hmac_of_the_code(service, http):
    answer = http.get(f"{service.url}/webhooks/linkedin", params={"challengeCode": "abc-123"})
    assert answer.status_code == 200
    expected = hmac.new(LI_SECRET.encode(), b"abc-123", hashlib.sha256).hexdigest()
    assert answer.json() == {"challengeCode": "abc-123", "challengeResponse": expected}
    assert http.get(f"{service.url}/webhooks/linkedin").status_code == 400


def test_signed_notification_reaches_the_stream_once(service, http):
    body = encode_body(build_payload("COMMENT", first_id=700_101, text="Отлично 🎉"))
    url = f"{service.url}/webhooks/linkedin"
    first = send_linkedin_webhook(url, LI_SECRET, {}, body=body, session=http)
    again = send_linkedin_webhook(url, LI_SECRET, {}, body=body, session=http)
    assert (first.status_code, again.status_code) == (200, 200), first.text
    assert again.json()["status"] == "duplicate"
    assert service.job_ids() == [first.json()["delivery_id"]]
    service.run_worker()
    events = [json.loads(fields[b"event"]) for fields in service.stream("linkedin")]
    assert [(e["kind"], e["body"], e["event_id"]) for e in events] == [
        ("comment", "Отлично 🎉", "700101")]


def test_bad_signature_is_403_and_nothing_is_stored(service, http):
    answer = send_linkedin_webhook(f"{service.url}/webhooks/linkedin", "other-secret",
                                   "COMMENT", session=http)
    assert answer.status_code == 403 and answer.json()["error"] == "bad_signature"
    assert service.redis.keys("*") == []


def test_signed_but_malformed_body_is_400(service, http):
    answer = send_linkedin_webhook(f"{service.url}/webhooks/linkedin", LI_SECRET, {},
                                   body=b"[1, 2", session=http)
    assert answer.status_code == 400 and "not JSON" in answer.json()["message"]
    assert service.redis.keys("*") == []
