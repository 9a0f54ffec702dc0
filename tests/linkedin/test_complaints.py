"""The ten complaints about existing connectors (social-apis.md), each shown fixed for LinkedIn."""

from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from connectors.errors import (
    ApiVersionRetiredError,
    AuthenticationError,
    RateLimitedError,
    ValidationError,
    WebhookRejectedError,
)
from connectors.linkedin import TimeWindow
from connectors.linkedin.records import ObjectDeletion
from connectors.social import LeadSubmission, SocialComment
from connectors.transport import RetryPolicy
from sandboxes.linkedin import (
    CLIENT_SECRET,
    ORGANIZATION_URN,
    SANDBOX_TOKEN,
    send_linkedin_webhook,
    social_action_payload,
)


def all_comment_ids(sandbox) -> set[str]:
    return {c["commentUrn"] for thread in sandbox.state.comments.values() for c in thread}


def test_complaint_1_retired_version_names_the_setting(make_client, sandbox) -> None:
    client = make_client(version="202406")
    with pytest.raises(ApiVersionRetiredError) as raised:
        list(client.posts(ORGANIZATION_URN))
    message = str(raised.value)
    assert raised.value.setting == "LINKEDIN_VERSION"
    assert "202406" in message and "LINKEDIN_VERSION" in message
    assert [r["status"] for r in sandbox.requests] == [426]  # one call, no retries


def test_complaint_2_revoked_token_and_lost_scope_alert_as_auth_failures(client,
                                                                         sandbox) -> None:
    posts = [p.external_id for p in client.posts(ORGANIZATION_URN)]
    sweep = client.comment_sweep(posts)
    first = next(iter(sweep))
    assert isinstance(first, SocialComment)
    sandbox.set_token(SANDBOX_TOKEN, state="revoked")
    with pytest.raises(AuthenticationError) as revoked:
        list(sweep)
    assert revoked.value.reason == "revoked"
    sandbox.set_token(SANDBOX_TOKEN, scopes=["r_organization_social"])
    with pytest.raises(AuthenticationError) as lost:
        list(client.lead_submissions(ORGANIZATION_URN))
    assert lost.value.reason == "missing_permission"


def test_complaint_3_throttle_is_waited_out_not_blindly_retried(make_client, sandbox,
                                                                clock) -> None:
    client = make_client(rate_limit_retry_after=90.0,
                         retry=RetryPolicy(max_attempts=5, max_retry_after=120.0,
                                           jitter=lambda: 0.0))
    sandbox.throttle(calls=1, after=2)
    assert len(list(client.posts(ORGANIZATION_URN))) == len(sandbox.state.posts)
    assert clock.sleeps == [90.0]  # one conservative wait, not a burst of short retries
    statuses = [r["status"] for r in sandbox.requests]
    assert statuses.count(429) == 1
    sandbox.throttle(calls=1, daily=True)
    with pytest.raises(RateLimitedError) as raised:
        client.follower_statistics(ORGANIZATION_URN)
    assert raised.value.retry_after > 120.0  # until midnight UTC: surfaced, not slept
    before = len(sandbox.requests)
    with pytest.raises(RateLimitedError):
        client.follower_statistics(ORGANIZATION_URN)
    assert len(sandbox.requests) == before


def test_complaint_4_short_pages_and_lying_total_miss_nothing(client, sandbox) -> None:
    sandbox.set_paging(irregular=True, total="low")
    posts = [p.external_id for p in client.posts(ORGANIZATION_URN)]
    assert set(posts) == {p["id"] for p in sandbox.state.posts}
    delivered = [c.external_id for c in client.comment_sweep(posts)]
    assert len(delivered) == len(set(delivered))
    assert set(delivered) == all_comment_ids(sandbox)


def test_complaint_5_deleted_objects_are_reported_not_dropped(client, sandbox) -> None:
    post = next(p["id"] for p in sandbox.state.posts
                if any(sandbox.state.comments.get(c["commentUrn"])
                       for c in sandbox.state.comments[p["id"]]))
    parent = next(c["commentUrn"] for c in sandbox.state.comments[post]
                  if sandbox.state.comments.get(c["commentUrn"]))
    sweep = client.comment_sweep([post])
    items = []
    for item in sweep:
        items.append(item)
        if isinstance(item, SocialComment) and item.external_id == parent:
            sandbox.delete(parent)  # deleted after it was listed, before its replies are read
    deletions = [i for i in items if isinstance(i, ObjectDeletion)]
    assert deletions == [ObjectDeletion(object_id=parent, kind="comment", parent_id=post)]


def test_complaint_6_duplicates_are_identifiable(client, sandbox) -> None:
    now = client.config.clock()
    early = TimeWindow(now - timedelta(days=61), now - timedelta(days=20))
    late = TimeWindow(now - timedelta(days=30), now)  # overlaps ten days with ``early``
    first = {s.external_id: s for s in client.lead_submissions(ORGANIZATION_URN, early)}
    second = {s.external_id: s for s in client.lead_submissions(ORGANIZATION_URN, late)}
    overlap = set(first) & set(second)
    assert overlap
    assert all(first[i] == second[i] for i in overlap)  # same id, same record: dedupe works
    assert len(set(first) | set(second)) == len(sandbox.state.lead_responses)


def test_complaint_6_redelivered_notifications_are_identifiable(client, sandbox,
                                                               clock) -> None:
    """LinkedIn redelivers until acknowledged: the same notifications come back later,
    in another batch, in another order and serialised differently."""
    original = social_action_payload(["COMMENT", "LIKE"], first_id=500)
    comment, like = original["notifications"]
    share = social_action_payload(["SHARE"], first_id=502)["notifications"][0]
    again = {"type": original["type"], "notifications": [like, share, comment]}
    inbox = f"{sandbox.url}/__sandbox__/inbox"
    assert send_linkedin_webhook(inbox, CLIENT_SECRET, original).ok
    reformatted = json.dumps(again, indent=2, sort_keys=True).encode()
    assert send_linkedin_webhook(inbox, CLIENT_SECRET, again, body=reformatted).ok
    deliveries = requests.get(inbox, timeout=5).json()["received"]
    assert deliveries[0]["body"].encode() != deliveries[1]["body"].encode()
    first = client.webhook_events(deliveries[0]["body"].encode(), deliveries[0]["signature"])
    clock.advance(3600)  # redelivered an hour later
    second = client.webhook_events(deliveries[1]["body"].encode(), deliveries[1]["signature"])
    assert [e.event_id for e in first] == ["500", "501"]
    assert [e.event_id for e in second] == ["501", "502", "500"]
    seen = {e.event_id: e for e in first}
    repeats = [e for e in second if e.event_id in seen]
    assert len(repeats) == 2  # exactly the two already delivered
    for event in repeats:  # the same event, whatever the batch: dedupe by id is safe
        earlier = seen[event.event_id]
        assert (event.kind, event.verb, event.object_id, event.occurred_at) == (
            earlier.kind, earlier.verb, earlier.object_id, earlier.occurred_at)


def test_complaint_7_oversized_page_is_asked_again_smaller(make_client, sandbox) -> None:
    sandbox.set_paging(max_count=25)
    client = make_client(page_size=100)
    posts = [p.external_id for p in client.posts(ORGANIZATION_URN)]
    comments = {c.external_id for c in client.comment_sweep(posts)}
    assert comments == all_comment_ids(sandbox)
    refused = [r["path"] for r in sandbox.requests if r["status"] == 400]
    # 100 -> 50 -> 25 once per finder (posts, comments); later listings start at 25
    assert len(refused) == 4
    assert refused[:2] == ["/rest/posts", "/rest/posts"]


def test_complaint_8_webhook_lead_fetched_and_non_ascii_signature_verified(client,
                                                                           sandbox) -> None:
    newest = sandbox.state.lead_responses[0]["id"]
    inbox = f"{sandbox.url}/__sandbox__/inbox"
    assert send_linkedin_webhook(inbox, CLIENT_SECRET, "lead", response_id=newest).ok
    assert send_linkedin_webhook(inbox, CLIENT_SECRET, "COMMENT").ok
    lead_delivery, comment_delivery = requests.get(inbox, timeout=5).json()["received"]
    assert lead_delivery["valid_signature"] and comment_delivery["valid_signature"]
    [event] = client.webhook_events(lead_delivery["body"].encode(), lead_delivery["signature"])
    lead = client.lead_submission(event.object_id)
    assert isinstance(lead, LeadSubmission) and lead.external_id == newest
    assert "email" in lead.answers
    comment = comment_delivery["body"].encode()
    assert "日本".encode() in comment  # signed over the raw UTF-8 bytes, not \u escapes
    [parsed] = client.webhook_events(comment, comment_delivery["signature"])
    assert parsed.body and "日本" in parsed.body
    reencoded = json.dumps(json.loads(comment)).encode()  # the classic mistake
    with pytest.raises(WebhookRejectedError):
        client.webhook_events(reencoded, comment_delivery["signature"])


def test_complaint_9_lead_window_is_utc_epoch_millis(client, sandbox) -> None:
    midnight = next(r for r in sandbox.state.lead_responses
                    if r["submittedAt"] % 86_400_000 == 0)
    local = ZoneInfo("America/Los_Angeles")
    start = TimeWindow.utc_days(client.config.clock().date(), client.config.clock().date()).start
    start = start.replace(microsecond=0) - timedelta(days=3)
    window = TimeWindow(start.astimezone(local), (start + timedelta(days=1)).astimezone(local))
    assert window.start_ms == midnight["submittedAt"]  # same instant, whatever the zone
    found = {s.external_id for s in client.lead_submissions(ORGANIZATION_URN, window)}
    assert midnight["id"] in found
    with pytest.raises(ValidationError):
        TimeWindow(start.replace(tzinfo=None), start.replace(tzinfo=None) + timedelta(days=1))


def test_complaint_10_comments_replies_and_leads_all_synced(client, sandbox) -> None:
    posts = list(client.posts(ORGANIZATION_URN))
    comments = [c for c in client.comment_sweep(p.external_id for p in posts)
                if isinstance(c, SocialComment)]
    leads = list(client.lead_submissions(ORGANIZATION_URN))
    reactions = list(client.reaction_summaries(p.external_id for p in posts))
    assert len(posts) == len(sandbox.state.posts)
    assert {c.external_id for c in comments} == all_comment_ids(sandbox)
    assert any(c.parent_id for c in comments)
    assert len(leads) == len(sandbox.state.lead_responses)
    assert sum(r.total for r in reactions) == sum(len(v) for v in sandbox.state.reactions.values())
