"""Incremental polls of a LinkedIn organization on the sandboxes: new comments and replies
on old posts are found by their counts, only the posts that changed are swept, edits inside
the overlap are seen, and a stream the token may not read is skipped, not fatal."""

from __future__ import annotations

from typing import Any

import redis

from connectors.linkedin import LinkedInClient, LinkedInConfig
from connectors.suitecrm import SuiteCRMClient
from connectors.transport import CallCounter
from sandboxes.linkedin import NO_LEADS_TOKEN, ORGANIZATION_URN, LinkedInSandbox
from tests.polling.conftest import by_external_id
from workers import runtime, watermarks
from workers.jobs import poll
from workers.polling import poll_organization
from workers.watermarks import StreamKey


def add_comment(sandbox: LinkedInSandbox, post_urn: str, text: str, actor: str,
                parent: dict[str, Any] | None = None) -> dict[str, Any]:
    """A member comments (or replies), as LinkedIn would record it."""
    state = sandbox.state
    activity = "urn:li:activity:" + post_urn.rsplit(":", 1)[-1]
    number = state.new_id()
    urn = f"urn:li:comment:({activity},{number})"
    now = state.now_ms()
    comment: dict[str, Any] = {
        "actor": actor, "id": str(number), "commentUrn": urn, "$URN": urn,
        "object": activity, "message": {"text": text, "attributes": []},
        "created": {"actor": actor, "time": now}, "lastModified": {"actor": actor, "time": now},
        "likesSummary": {"totalLikes": 0, "likedByCurrentUser": False},
        "commentsSummary": {"totalFirstLevelComments": 0, "aggregatedTotalComments": 0}}
    if parent is not None:
        comment["parentComment"] = parent["commentUrn"]
        parent["commentsSummary"]["totalFirstLevelComments"] += 1
        parent["commentsSummary"]["aggregatedTotalComments"] += 1
    state.add_comment(parent["commentUrn"] if parent else post_urn, comment)
    return comment


def every_item(sandbox: LinkedInSandbox) -> set[str]:
    state = sandbox.state
    comments = {c["commentUrn"] for thread in state.comments.values() for c in thread}
    return {p["id"] for p in state.posts} | comments | {
        f"urn:li:leadGenFormResponse:{r['id']}" if not str(r["id"]).startswith("urn:")
        else str(r["id"]) for r in state.lead_responses}


def swept_posts(sandbox: LinkedInSandbox) -> int:
    return sum(1 for entry in sandbox.requests
               if "/socialActions/" in str(entry.get("path")))


def test_the_first_poll_writes_every_post_comment_reply_and_lead_once(
        redis_client: redis.Redis, crm: SuiteCRMClient, linkedin: LinkedInClient,
        linkedin_sandbox: LinkedInSandbox):
    result = poll_organization(redis_client, crm, linkedin, ORGANIZATION_URN)
    found = by_external_id(crm)
    posts_and_comments = {i for i in every_item(linkedin_sandbox) if "leadGen" not in i}
    assert posts_and_comments <= set(found)
    assert len(found) == result.created == result.fetched
    assert len(found) - len(posts_and_comments) == len(linkedin_sandbox.state.lead_responses)
    assert all(len(records) == 1 for records in found.values())
    assert result.streams == {"comments": "moved", "leads": "moved"}


def test_new_comments_on_old_posts_are_found_and_only_their_posts_are_swept(
        redis_client: redis.Redis, crm: SuiteCRMClient, linkedin: LinkedInClient,
        linkedin_sandbox: LinkedInSandbox):
    poll_organization(redis_client, crm, linkedin, ORGANIZATION_URN)
    before = set(by_external_id(crm))
    oldest, other = linkedin_sandbox.state.posts[0]["id"], linkedin_sandbox.state.posts[2]["id"]
    top = add_comment(linkedin_sandbox, oldest, "Когда будет поставка? 🤖", "urn:li:person:abc")
    reply = add_comment(linkedin_sandbox, oldest, "我们也在等", "urn:li:person:def", parent=top)
    third = add_comment(linkedin_sandbox, other, "Congrats on the launch!", "urn:li:person:ghi")
    linkedin_sandbox.clear_requests()

    result = poll_organization(redis_client, crm, linkedin, ORGANIZATION_URN)

    found = by_external_id(crm)
    new = {top["commentUrn"], reply["commentUrn"], third["commentUrn"]}
    assert set(found) == before | new
    assert (result.created, result.fetched) == (3, 3)
    assert found[reply["commentUrn"]][0]["body"] == "我们也在等"
    assert found[reply["commentUrn"]][0]["parent_external_id"] == top["commentUrn"]
    # two posts read, plus the replies of their comments that have replies: not all six
    threads = {oldest, other}
    with_replies = sum(1 for post in threads for c in linkedin_sandbox.state.comments[post]
                       if c["commentsSummary"]["aggregatedTotalComments"] > 0)
    assert swept_posts(linkedin_sandbox) == len(threads) + with_replies


def test_an_edit_inside_the_overlap_is_seen(
        redis_client: redis.Redis, crm: SuiteCRMClient, linkedin: LinkedInClient,
        linkedin_sandbox: LinkedInSandbox):
    poll_organization(redis_client, crm, linkedin, ORGANIZATION_URN)
    post = linkedin_sandbox.state.posts[1]["id"]
    comment = add_comment(linkedin_sandbox, post, "Price list, please", "urn:li:person:xyz")
    poll_organization(redis_client, crm, linkedin, ORGANIZATION_URN)
    comment["message"]["text"] = "Price list for Germany, please 🇩🇪"

    result = poll_organization(redis_client, crm, linkedin, ORGANIZATION_URN)

    assert (result.updated, result.created) == (1, 0)
    record = by_external_id(crm)[comment["commentUrn"]][0]
    assert record["body"] == "Price list for Germany, please 🇩🇪"


def test_leads_the_token_may_not_read_are_skipped_and_comments_still_move(
        redis_client: redis.Redis, crm: SuiteCRMClient, linkedin_sandbox: LinkedInSandbox,
        linkedin: LinkedInClient):
    config: LinkedInConfig = linkedin.config
    limited = LinkedInClient(config, access_token=NO_LEADS_TOKEN, counter=CallCounter())

    result = poll_organization(redis_client, crm, limited, ORGANIZATION_URN)

    assert result.streams["comments"] == "moved"
    assert result.streams["leads"].startswith("not read")
    leads = StreamKey("linkedin", ORGANIZATION_URN, "leads")
    assert watermarks.load(redis_client, leads).time is None
    assert not any("leadGen" in external_id for external_id in by_external_id(crm))


def test_the_poll_job_reads_the_organization_with_the_runtime_clients(
        redis_client: redis.Redis, redis_url: str, crm: SuiteCRMClient,
        linkedin: LinkedInClient, linkedin_sandbox: LinkedInSandbox):
    runtime.install(runtime.Runtime(redis_url=redis_url, suitecrm=lambda: crm,
                                    linkedin=lambda organization: linkedin))
    try:
        first = poll.poll_account("linkedin", ORGANIZATION_URN)
        again = poll.poll_account("linkedin", ORGANIZATION_URN)
    finally:
        runtime.uninstall()
    assert first["created"] == len(by_external_id(crm)) > 0
    assert (again["fetched"], again["calls"]["suitecrm"]) == (0, 0)
    assert first["streams"] == {"comments": "moved", "leads": "moved"}
