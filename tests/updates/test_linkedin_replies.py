"""Replies on LinkedIn (the REST sandbox over HTTP): posted as the connected organization,
and after a post whose answer was lost, found in the thread instead of posted again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import redis

from connectors.linkedin import LinkedInClient, LinkedInConfig
from connectors.suitecrm import Record, SuiteCRMClient
from connectors.transport import RetryPolicy
from sandboxes.linkedin import CLIENT_SECRET, ORGANIZATION_URN, SANDBOX_TOKEN, LinkedInSandbox
from tests.mobile.conftest import SECRET_KEY, Api
from tests.updates.conftest import SALLY, InProcess, make_record, post, sessions_for, status_of
from workers import connections, runtime
from workers.queues import queue
from workers.tokens import NetworkToken, TokenCipher, TokenStore

INTERACTIONS = "SCRM_SocialInteractions"
VERSION = "202610"


@pytest.fixture()
def linkedin() -> Iterator[LinkedInSandbox]:
    with LinkedInSandbox(quiet=True) as running:
        yield running


def client_for(sandbox: LinkedInSandbox, token: str) -> LinkedInClient:
    config = LinkedInConfig(version=VERSION, base_url=sandbox.url,
                            client_id="sandbox-linkedin-client", client_secret=CLIENT_SECRET,
                            retry=RetryPolicy(jitter=lambda: 0.0))
    return LinkedInClient(config, access_token=token)


@pytest.fixture()
def workers_with_linkedin(api: Api, crm: SuiteCRMClient,
                          linkedin: LinkedInSandbox) -> Iterator[InProcess]:
    """The organization connected as ``socialcrm connect linkedin`` leaves it."""
    tokens = TokenStore(redis.Redis.from_url(api.redis_url), TokenCipher(SECRET_KEY))
    tokens.save(NetworkToken("linkedin", ORGANIZATION_URN, SANDBOX_TOKEN))
    connections.add(api.redis, connections.Connection(
        "linkedin", ORGANIZATION_URN, "Sandbox org", "test", datetime.now(UTC)))
    installed = runtime.Runtime(
        redis_url=api.redis_url, suitecrm=lambda: crm, sessions=sessions_for(api),
        linkedin=lambda org: client_for(linkedin, tokens.load("linkedin", org).access_token))
    runtime.install(installed)
    try:
        yield InProcess(api, installed)
    finally:
        runtime.uninstall()


def inbound_comment(linkedin: LinkedInSandbox, crm: SuiteCRMClient) -> Record:
    post_urn = linkedin.state.posts[0]["id"]
    comment = next(iter(client_for(linkedin, SANDBOX_TOKEN).comments(post_urn)))
    return make_record(crm, INTERACTIONS, name="Question", network="linkedin",
                       external_id=comment.external_id, thread_external_id=post_urn,
                       kind="comment", direction="inbound", status="assigned",
                       occurred_at=datetime.now(UTC), assigned_user_id=SALLY)


def org_replies(linkedin: LinkedInSandbox, inbound: Record, text: str) -> list[str]:
    thread = client_for(linkedin, SANDBOX_TOKEN).comments(
        inbound["external_id"], post_urn=inbound["thread_external_id"])
    return [c.external_id for c in thread if c.body == text and c.author
            and c.author.external_id == ORGANIZATION_URN]


def test_a_reply_is_posted_as_the_organization(
        api: Api, sally_headers: dict[str, str], crm: SuiteCRMClient,
        linkedin: LinkedInSandbox, workers_with_linkedin: InProcess) -> None:
    inbound = inbound_comment(linkedin, crm)
    text = "Danke! Wir melden uns per DM 🙏"
    update_id = post(api, sally_headers, {"type": "reply", "interaction_id": inbound.id,
                                          "text": text}).json()["id"]
    workers_with_linkedin.run_jobs("crm", "outbound")
    state = status_of(api, sally_headers, update_id)
    (posted,) = org_replies(linkedin, inbound, text)
    assert state["delivery"]["status"] == "posted"
    assert state["delivery"]["external_id"] == posted
    assert crm.get(INTERACTIONS, state["record"]["id"])["external_id"] == posted
    assert crm.get(INTERACTIONS, inbound.id)["status"] == "responded"


def test_a_post_whose_answer_was_lost_is_found_not_posted_twice(
        api: Api, sally_headers: dict[str, str], crm: SuiteCRMClient,
        linkedin: LinkedInSandbox, workers_with_linkedin: InProcess) -> None:
    inbound = inbound_comment(linkedin, crm)
    text = "We have sent a replacement"
    update_id = post(api, sally_headers, {"type": "reply", "interaction_id": inbound.id,
                                          "text": text}).json()["id"]
    workers_with_linkedin.run_jobs("crm")
    linkedin.outage(calls=1, status=503, applied=True)  # written, then a 503
    workers_with_linkedin.run_jobs("outbound")
    assert status_of(api, sally_headers, update_id)["delivery"] == {"status": "posting"}
    assert len(org_replies(linkedin, inbound, text)) == 1
    outbound = queue(api.redis, "outbound")
    (job_id,) = outbound.scheduled_job_registry.get_job_ids()
    job = outbound.fetch_job(job_id)
    assert job is not None
    outbound.scheduled_job_registry.remove(job)
    outbound.enqueue_job(job)  # RQ's retry, now
    workers_with_linkedin.run_jobs("outbound")
    (posted,) = org_replies(linkedin, inbound, text)
    assert status_of(api, sally_headers, update_id)["delivery"]["external_id"] == posted
