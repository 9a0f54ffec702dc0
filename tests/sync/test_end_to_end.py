"""Signed webhook -> receiver -> intake job -> ingest job -> Social Interaction, over HTTP,
with real Redis and a real worker process, on the SuiteCRM sandbox."""

from __future__ import annotations

import json

import requests
from rq import Queue

from connectors.suitecrm import Filter, SuiteCRMClient
from plugin.sync import ids
from sandboxes.facebook.sender import build_event, meta_json, send_facebook_webhook
from sandboxes.linkedin.webhook_sender import (
    encode_body,
    send_linkedin_webhook,
    social_action_payload,
)
from sandboxes.suitecrm import SuiteCRMSandbox
from tests.sync.conftest import finished_functions, interactions
from tests.sync.processes import finish, start_worker
from tests.webhooks.conftest import FB_SECRET, LI_SECRET, Service
from workers.jobs import ingest, intake
from workers.queues import queue_name

PAGE = "104200000000001"
TEXT = "Гитара пришла сломанной 😡 吉他坏了"
FIXED = "Гитару заменили, спасибо! 🙏"


def test_a_signed_facebook_comment_and_its_edit_become_one_interaction(
        service: Service, http: requests.Session, sandbox: SuiteCRMSandbox,
        crm: SuiteCRMClient, uid: str):
    url = f"{service.url}/webhooks/facebook"
    post = f"{PAGE}_{uid}"
    comment = build_event("comment", page_id=PAGE, post_id=post, comment_id=f"{uid}_1",
                          text=TEXT, sender_id=f"p{uid}", sender_name="Иван Петров",
                          created_time=1_770_000_000)
    edit = build_event("comment", page_id=PAGE, post_id=post, comment_id=f"{uid}_1",
                       text=FIXED, verb="edited", sender_id=f"p{uid}",
                       sender_name="Иван Петров", created_time=1_770_000_300)
    message = build_event("message", page_id=PAGE, text="Где мой заказ?",  # its id is
                          sender_id=f"p{uid}",  # made of its time: one of its own
                          created_time=1_770_000_000 + int(uid[-6:], 16))
    # the edit is delivered first, the comment three times (Meta retries)
    for payload in (edit, comment, comment, comment, message):
        answer = send_facebook_webhook(url, FB_SECRET, meta_json(payload), session=http)
        assert answer.status_code == 200, answer.text
    assert len(service.job_ids()) == 3  # three distinct deliveries

    finish(start_worker(service.redis_url, sandbox.url, queue_name("webhooks")))

    queue = Queue(queue_name("webhooks"), connection=service.redis)
    assert len(queue.failed_job_registry) == 0 and len(queue) == 0
    finished = finished_functions(queue)
    assert (finished[intake.FUNCTION], finished[ingest.FUNCTION]) == (3, 3)
    (record,) = interactions(crm, f"{uid}_1")
    assert record.id == ids.interaction_id("facebook", f"{uid}_1")
    assert (record["body"], record["kind"], record["status"]) == (FIXED, "comment", "new")
    assert (record["thread_external_id"], record["parent_external_id"]) == (post, post)
    assert record.datetime("occurred_at").timestamp() // 60 == 1_770_000_000 // 60
    assert record["author_name"] == "Иван Петров"
    mid = json.loads(meta_json(message))["entry"][0]["messaging"][0]["message"]["mid"]
    (chat,) = interactions(crm, mid)
    assert (chat["kind"], chat["body"], chat["direction"]) == ("message", "Где мой заказ?",
                                                              "inbound")
    assert chat["profile_id"] == record["profile_id"] == ids.profile_id("facebook", f"p{uid}")
    (profile,) = list(crm.iterate("SCRM_SocialProfiles",
                                  filter=Filter.where(external_id=f"p{uid}")))
    assert profile["display_name"] == "Иван Петров"


def test_a_signed_linkedin_comment_becomes_an_interaction_once(
        service: Service, http: requests.Session, sandbox: SuiteCRMSandbox,
        crm: SuiteCRMClient, uid: str):
    number = int(uid, 16) % 10**9
    body = encode_body(social_action_payload(["COMMENT"], first_id=number, text="Отлично 🎉",
                                             at_ms=1_770_000_000_000))
    url = f"{service.url}/webhooks/linkedin"
    for _ in range(2):
        assert send_linkedin_webhook(url, LI_SECRET, {}, body=body,
                                     session=http).status_code == 200
    finish(start_worker(service.redis_url, sandbox.url, queue_name("webhooks")))
    external_id = json.loads(body)["notifications"][0]["generatedActivity"]
    (record,) = interactions(crm, external_id)
    assert (record["network"], record["kind"], record["body"]) == ("linkedin", "comment",
                                                                   "Отлично 🎉")
    assert record["thread_external_id"] == json.loads(body)["notifications"][0]["sourcePost"]
