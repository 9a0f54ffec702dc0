"""Replies: recorded in SuiteCRM as the rep, posted once on Facebook (the Graph sandbox
over HTTP) as the Page, and the conversation marked responded; the compliance hook
refuses what the network would."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import redis

from connectors.facebook import FacebookClient, GraphConfig
from connectors.suitecrm import Record, SuiteCRMClient
from sandboxes.facebook import DEMO_PAGE_ID, FacebookSandbox
from tests.mobile.conftest import SECRET_KEY, Api
from tests.updates.conftest import (
    SALLY,
    InProcess,
    make_record,
    post,
    sessions_for,
    status_of,
    unique,
)
from workers import runtime
from workers.jobs.updates import enqueue_post, post_job_id
from workers.queues import queue
from workers.tokens import NetworkToken, TokenCipher, TokenStore
from workers.updates.delivery import ATTEMPT
from workers.updates.replies import PENDING_PREFIX
from workers.updates.reply_policy import check_reply
from workers.updates.store import update_key

INTERACTIONS = "SCRM_SocialInteractions"
REPLY = "Спасибо, Ольга! 🙏 我们明天发货。Tracking: «NW-42»"


@pytest.fixture()
def facebook() -> Iterator[FacebookSandbox]:
    with FacebookSandbox() as running:
        yield running


@pytest.fixture()
def workers_with_facebook(api: Api, crm: SuiteCRMClient,
                          facebook: FacebookSandbox) -> Iterator[InProcess]:
    """A worker runtime whose Page token is in the encrypted token store, as after
    ``socialcrm connect facebook``."""
    tokens = TokenStore(redis.Redis.from_url(api.redis_url), TokenCipher(SECRET_KEY))
    config = GraphConfig(version="v25.0", base_url=facebook.url, app_id=facebook.app_id,
                         app_secret=facebook.app_secret, timeout=5.0)

    def page_client(page_id: str) -> FacebookClient:
        return FacebookClient(config, access_token=tokens.load("facebook", page_id).access_token)

    installed = runtime.Runtime(redis_url=api.redis_url, suitecrm=lambda: crm,
                                facebook=page_client, sessions=sessions_for(api))
    runtime.install(installed)
    try:
        yield InProcess(api, installed)
    finally:
        runtime.uninstall()


def connect_page(api: Api, facebook: FacebookSandbox) -> None:
    TokenStore(api.redis, TokenCipher(SECRET_KEY)).save(
        NetworkToken("facebook", DEMO_PAGE_ID, facebook.page_token))


def customer_comment(facebook: FacebookSandbox, crm: SuiteCRMClient,
                     contact: Record) -> tuple[Record, str]:
    """A visitor's comment on the Page and the inbound interaction the sync made of it."""
    post_id = next(node["id"] for node in facebook.store.nodes.values()
                   if node["__type"] == "post")
    comment = facebook.add_visitor_comment(post_id, "Палатка протекает 😟",
                                           author_id="100000000000099", author_name="Ольга")
    interaction = make_record(
        crm, INTERACTIONS, name="Палатка протекает", network="facebook",
        external_id=comment["id"], kind="comment", direction="inbound", status="new",
        thread_external_id=post_id, parent_external_id=post_id,
        body="Палатка протекает 😟", occurred_at=datetime.now(UTC),
        contact_id=contact.id, assigned_user_id=SALLY)
    return interaction, comment["id"]


def page_replies(facebook: FacebookSandbox, text: str) -> list[dict[str, Any]]:
    return [node for node in facebook.store.nodes.values()
            if node["__type"] == "comment" and node["from"] == DEMO_PAGE_ID
            and node["message"] == text]


def reply(api: Api, headers: dict[str, str], interaction: Record, text: str = REPLY) -> str:
    answer = post(api, headers, {"type": "reply", "interaction_id": interaction.id,
                                 "text": text})
    assert answer.status_code == 202, answer.text
    return str(answer.json()["id"])


def test_a_reply_is_recorded_as_the_rep_then_posted_once_as_the_page(
        api: Api, sally_headers: dict[str, str], crm: SuiteCRMClient, contact: Record,
        facebook: FacebookSandbox, workers_with_facebook: InProcess) -> None:
    connect_page(api, facebook)
    inbound, comment_id = customer_comment(facebook, crm, contact)
    update_id = reply(api, sally_headers, inbound)
    workers_with_facebook.run_jobs("crm")
    state = status_of(api, sally_headers, update_id)
    assert (state["status"], state["delivery"]) == ("applied", {"status": "posting"})
    outbound = crm.get(INTERACTIONS, state["record"]["id"])
    assert (outbound["created_by"], outbound["assigned_user_id"]) == (SALLY, SALLY)
    assert (outbound["direction"], outbound["kind"], outbound["status"]) == (
        "outbound", "reply", "assigned")
    assert outbound["external_id"] == PENDING_PREFIX + update_id
    assert (outbound["parent_external_id"], outbound["contact_id"]) == (comment_id, contact.id)
    assert outbound["body"] == REPLY
    assert page_replies(facebook, REPLY) == [], "nothing posted before the outbound job"

    workers_with_facebook.run_jobs("outbound")
    (posted,) = page_replies(facebook, REPLY)
    state = status_of(api, sally_headers, update_id)
    assert state["delivery"]["status"] == "posted"
    assert state["delivery"]["external_id"] == posted["id"]
    sent = crm.get(INTERACTIONS, outbound.id)
    assert (sent["external_id"], sent["status"], sent["body"]) == (posted["id"], "closed", REPLY)
    assert sent["modified_user_id"] == SALLY
    answered = crm.get(INTERACTIONS, inbound.id)
    assert answered["status"] == "responded" and answered["first_response_at"]

    # The post job again (a redelivery, or a crash after posting): nothing new on Facebook.
    api.redis.hdel(update_key(update_id), "delivery")
    finished = queue(api.redis, "outbound").fetch_job(post_job_id(update_id))
    assert finished is not None
    finished.delete()
    assert enqueue_post(api.redis, update_id)
    workers_with_facebook.run_jobs("outbound")
    assert len(page_replies(facebook, REPLY)) == 1
    assert status_of(api, sally_headers, update_id)["delivery"]["external_id"] == posted["id"]


def test_a_reply_whose_post_may_have_landed_is_never_posted_again(
        api: Api, sally_headers: dict[str, str], crm: SuiteCRMClient, contact: Record,
        facebook: FacebookSandbox, workers_with_facebook: InProcess) -> None:
    connect_page(api, facebook)
    inbound, _ = customer_comment(facebook, crm, contact)
    text = "Мы уже отправили замену 📦"
    update_id = reply(api, sally_headers, inbound, text)
    workers_with_facebook.run_jobs("crm")
    facebook.state.add_fault(kind="lost_answer", path="comments", method="POST")
    workers_with_facebook.run_jobs("outbound")  # posted, but the answer never came
    assert status_of(api, sally_headers, update_id)["delivery"] == {"status": "posting"}
    assert api.redis.exists(ATTEMPT + update_id)
    outbound_queue = queue(api.redis, "outbound")
    (job_id,) = outbound_queue.scheduled_job_registry.get_job_ids()
    job = outbound_queue.fetch_job(job_id)
    assert job is not None
    outbound_queue.scheduled_job_registry.remove(job)
    outbound_queue.enqueue_job(job)  # RQ's retry, now
    workers_with_facebook.run_jobs("outbound")
    delivery = status_of(api, sally_headers, update_id)["delivery"]
    assert delivery["status"] == "unknown" and "look at the conversation" in delivery["reason"]
    assert len(page_replies(facebook, text)) == 1


def test_the_post_may_run_before_the_crm_step_has_recorded_its_outcome(
        api: Api, sally_headers: dict[str, str], crm: SuiteCRMClient, contact: Record,
        facebook: FacebookSandbox, workers_with_facebook: InProcess) -> None:
    """Two workers: the outbound one takes the post the moment it is queued, before the
    crm step marks the update applied."""
    connect_page(api, facebook)
    inbound, _ = customer_comment(facebook, crm, contact)
    update_id = reply(api, sally_headers, inbound, "Fast worker")
    workers_with_facebook.run_jobs("crm")
    api.redis.hset(update_key(update_id), "status", "queued")  # not recorded yet
    workers_with_facebook.run_jobs("outbound")
    assert len(page_replies(facebook, "Fast worker")) == 1
    assert status_of(api, sally_headers, update_id)["delivery"]["status"] == "posted"


def test_a_page_that_is_not_connected_fails_the_delivery_with_a_reason(
        api: Api, sally_headers: dict[str, str], crm: SuiteCRMClient, contact: Record,
        facebook: FacebookSandbox, workers_with_facebook: InProcess) -> None:
    inbound, _ = customer_comment(facebook, crm, contact)
    update_id = reply(api, sally_headers, inbound, "Not connected")
    workers_with_facebook.run_jobs("crm", "outbound")
    state = status_of(api, sally_headers, update_id)
    assert state["status"] == "applied"
    assert state["delivery"]["status"] == "failed"
    assert "not connected" in state["delivery"]["reason"]
    assert page_replies(facebook, "Not connected") == []
    assert len(queue(api.redis, "outbound").scheduled_job_registry) == 0, "not retried"


def test_the_compliance_hook_refuses_what_the_network_would(
        api: Api, sally_headers: dict[str, str], crm: SuiteCRMClient,
        workers_with_facebook: InProcess) -> None:
    on_linkedin = make_record(crm, INTERACTIONS, name="Great post", network="linkedin",
                              external_id=f"urn:li:comment:(urn:li:activity:1,{unique('c')})",
                              kind="comment", direction="inbound", status="new",
                              occurred_at=datetime.now(UTC), assigned_user_id=SALLY)
    lead_form = make_record(crm, INTERACTIONS, name="Lead form", network="facebook",
                            external_id=unique("l"), kind="lead_form", direction="inbound",
                            status="new", occurred_at=datetime.now(UTC),
                            assigned_user_id=SALLY)
    too_long = reply(api, sally_headers, on_linkedin, "Ок. " * 400)
    to_lead_form = reply(api, sally_headers, lead_form, "Hi")
    workers_with_facebook.run_jobs("crm")
    refused = status_of(api, sally_headers, too_long)
    assert refused["status"] == "failed"
    assert refused["reason"] == ("the reply cannot be sent: LinkedIn takes at most 1250 "
                                 "characters in a reply; this one has 1600")
    assert "not supported" in status_of(api, sally_headers, to_lead_form)["reason"]
    assert len(queue(api.redis, "outbound")) == 0, "nothing to post"
    blank = post(api, sally_headers, {"type": "reply", "interaction_id": lead_form.id,
                                      "text": " \n "})
    assert blank.status_code == 422 and "text" in blank.json()["errors"]["json"]


def test_check_reply_allows_what_the_networks_take() -> None:
    assert check_reply("Thanks! 🙏", "facebook").allowed
    assert check_reply("x" * 1250, "linkedin", "en").allowed
    assert check_reply("x" * 1251, "linkedin").decision == "blocked"
    assert check_reply("x" * 8001, "facebook").decision == "blocked"
    assert check_reply("   ", "facebook").reason == "the reply is empty"
    assert check_reply("hi", "myspace").decision == "blocked"
    assert check_reply("x" * 2000, "facebook", kind="private").allowed  # Messenger
    assert check_reply("x" * 2001, "facebook", kind="private").reason == (
        "Facebook takes at most 2000 characters in a message; this one has 2001")
