"""A network token dies in the middle of a sync: the sync stops at once and for good,
writes nothing partial, alerts the admin (``socialcrm doctor``) and the managers (a feed
``alert``), sends the dead token no more, keeps its watermarks, and resumes from them once
a new token is stored: every item in SuiteCRM exactly once.

Facebook on real ``socialcrm worker`` processes (``reliability.sync_token``); LinkedIn with
the poll run in this process against its sandbox (a revoked token). ``python -m
reliability.sync_faults token_expired`` runs the Facebook scenario full size.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import redis
from flask import Flask

from connectors.errors import AuthenticationError
from connectors.linkedin import LinkedInClient, LinkedInConfig
from connectors.suitecrm import SuiteCRMClient
from connectors.transport import CallCounter
from reliability.sync_token import TokenPlan, token_expired
from sandboxes.linkedin import ORGANIZATION_URN, SANDBOX_TOKEN, LinkedInSandbox, SeedPlan
from sandboxes.linkedin.control import set_token
from sandboxes.suitecrm import SuiteCRMSandbox
from tests.polling.conftest import LINKEDIN_VERSION, by_external_id, crm_client
from tests.polling.test_linkedin_poll import add_comment, every_item
from workers import alerts, feed, watermarks
from workers.polling import PollOptions, poll_organization, refusals
from workers.watermarks import StreamKey

MANAGER = "seed_sarah_id"


def test_a_page_token_expiring_mid_sync_stops_it_alerts_and_it_resumes_from_its_watermark(
        ) -> None:
    result = token_expired(TokenPlan())

    first, dead, again, renewed = (result.stages[name] for name in
                                   ("first", "expired", "next tick", "new token"))
    assert first.status == "finished"
    assert (dead.status, dead.retries_left, dead.retry_scheduled) == ("failed", 0, False)
    assert "190" in dead.reason and "socialcrm connect" in dead.reason
    assert result.written_while_dead.exactly_once, "nothing partial, nothing twice"
    assert result.alert_raised and "socialcrm connect facebook" in result.alert_raised[0]
    assert result.doctor_shows
    assert (again.status, again.graph_requests) == ("failed", 0)
    assert result.dead_token_calls == 0
    assert result.marks_kept
    assert renewed.status == "finished" and renewed.fetched == result.new_items
    assert result.resumed_since and min(result.resumed_since) == result.expected_since
    assert result.marks_moved_after
    assert result.final.exactly_once and result.final.checked_texts == result.new_items
    assert result.final.expected == result.written_while_dead.expected + result.new_items
    assert result.feed_alert == ["token_refused", "token_accepted"]
    assert result.alert_cleared


class Expiry:
    """Revokes the sandbox token when LinkedIn serves its ``at``-th request from now on."""

    def __init__(self, sandbox: LinkedInSandbox) -> None:
        self.sandbox = sandbox
        self.seen = 0
        self.at: int | None = None

    def arm(self, at: int) -> None:
        self.seen, self.at = 0, at

    def __call__(self) -> None:
        self.seen += 1
        if self.at is not None and self.seen >= self.at:
            set_token(self.sandbox.state, SANDBOX_TOKEN, state="revoked")
            self.at = None


@pytest.fixture()
def linkedin_sandbox() -> Iterator[tuple[LinkedInSandbox, Expiry]]:
    plan = SeedPlan(posts=6, comments_per_post=4, reply_ratio=0.3, lead_responses=5,
                    test_leads=1, follower_days=3)
    sandbox = LinkedInSandbox(plan=plan, quiet=True)
    expiry = Expiry(sandbox)
    app: Flask = sandbox.app
    app.before_request(expiry)
    with sandbox:
        yield sandbox, expiry


@pytest.fixture()
def crm() -> Iterator[SuiteCRMClient]:
    with SuiteCRMSandbox(port=0, seed=False, with_plugin=True) as running:
        yield crm_client(running)


def _client(sandbox: LinkedInSandbox, token: str) -> LinkedInClient:
    config = LinkedInConfig(version=LINKEDIN_VERSION, base_url=sandbox.url,
                            sleep=lambda _: None, timeout=5.0)
    return LinkedInClient(config, access_token=token, counter=CallCounter())


def test_a_linkedin_token_revoked_mid_sync_keeps_the_watermark_and_alerts(
        redis_client: redis.Redis, crm: SuiteCRMClient,
        linkedin_sandbox: tuple[LinkedInSandbox, Expiry]) -> None:
    sandbox, expiry = linkedin_sandbox
    options = PollOptions(managers=(MANAGER,), overlap=timedelta(minutes=10))
    poll_organization(redis_client, crm, _client(sandbox, SANDBOX_TOKEN), ORGANIZATION_URN,
                      options=options)
    stream = StreamKey("linkedin", ORGANIZATION_URN, "comments")
    kept = watermarks.load(redis_client, stream)
    before = by_external_id(crm)
    post = sandbox.state.posts[0]["id"]
    for number in range(3):
        add_comment(sandbox, post, f"After the first poll {number} 🙂", "urn:li:person:abc")
    expiry.arm(2)

    with pytest.raises(AuthenticationError) as refused:
        poll_organization(redis_client, crm, _client(sandbox, SANDBOX_TOKEN),
                          ORGANIZATION_URN, options=options)

    assert refused.value.reason == "revoked"
    assert watermarks.load(redis_client, stream) == kept
    assert by_external_id(crm) == before
    group = refusals.alert_group("linkedin", ORGANIZATION_URN)
    assert [a.finding.level for a in alerts.all_alerts(redis_client)
            if a.key.startswith(group)] == ["FAIL"]
    items = feed.timeline(redis_client, MANAGER, kinds=["alert"]).items
    assert [item.status for item in items] == ["token_refused"]

    set_token(sandbox.state, "renewed-linkedin-token")
    result = poll_organization(redis_client, crm, _client(sandbox, "renewed-linkedin-token"),
                               ORGANIZATION_URN, options=options)

    assert result.streams["comments"] == "moved"
    assert watermarks.load(redis_client, stream).version == kept.version + 1
    stored = by_external_id(crm)
    posts_and_comments = {i for i in every_item(sandbox) if "leadGen" not in i}
    assert posts_and_comments <= set(stored)
    assert len(stored) - len(posts_and_comments) == len(sandbox.state.lead_responses)
    assert all(len(records) == 1 for records in stored.values())
    assert not [a for a in alerts.all_alerts(redis_client) if a.key.startswith(group)]
    items = feed.timeline(redis_client, MANAGER, kinds=["alert"]).items
    assert [item.status for item in items] == ["token_accepted"]
