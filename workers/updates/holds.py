"""Holding a reply for a manager's approval, and telling people in their feeds.

The ``crm`` step of a reply (``workers.updates.replies``) calls :func:`hold` when the
policy says ``needs_approval``: the reply joins the approvals list
(``workers.approvals``) and two alert items go out, one to the managers (the team's
``[team] managers`` of the rules file; SuiteCRM administrators see the list in the API
too) and one to the rep, so both see at once that something waits. When a manager
decides (``workers.updates.decisions``), :func:`tell_decision` replaces the waiting
item with the outcome in the rep's feed and takes the managers' item away.

Alert items are ``kind: alert`` of the module ``SocialCRM_Alerts`` (as the SLA and wave
alerts), with ids derived from the reply, so a retried step republishes the same item.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import redis
from redis.exceptions import RedisError
from rq import get_current_job

from connectors.suitecrm import Record
from plugin.sync.ids import INTERACTIONS
from plugin.sync.rules import SyncRules
from plugin.sync.steps import SyncSteps
from workers import feed
from workers.approvals import Approval, ApprovalRequest, ApprovalStore
from workers.feed_items import FeedItem, reference, version_of
from workers.jobs.ingest import STEPS_OPTION
from workers.runtime import Runtime
from workers.updates.model import Update
from workers.updates.reply_policy import Verdict

log = logging.getLogger(__name__)

ALERT_MODULE = "SocialCRM_Alerts"
SUMMARY_FIELDS = ("network", "kind", "body", "author_name", "permalink", "external_id",
                  "case_id", "contact_id", "lead_id")


def job_redis(runtime: Runtime) -> redis.Redis:
    """The Redis of the running job (the runtime's when run by hand)."""
    job = get_current_job()
    return job.connection if job is not None else runtime.redis()


def managers_of(options: Mapping[str, Any]) -> tuple[str, ...]:
    """The team's managers from a worker runtime's sync rules (none without rules)."""
    steps = options.get(STEPS_OPTION)
    rules = steps.rules if isinstance(steps, SyncSteps) else SyncRules()
    return rules.managers


def hold(client: redis.Redis, update: Update, inbound: Record, verdict: Verdict, *,
         reply_id: str, author_name: str, managers: Sequence[str]) -> ApprovalRequest:
    """Put the reply of ``update`` (recorded as ``reply_id``) on the approvals list and
    tell the managers and the rep; safe to repeat."""
    summary = {"id": inbound.id, **{name: inbound.get(name) for name in SUMMARY_FIELDS
                                    if inbound.get(name) not in (None, "")}}
    request = ApprovalRequest(
        id=reply_id, update_id=update.id, author_id=update.user_id,
        author_name=author_name, text=str(update.fields["text"]),
        network=str(inbound.get("network") or ""), verdict=verdict.to_dict(),
        interaction=summary, requested_at=update.accepted_at,
        draft_id=str(update.fields.get("draft_id") or ""))
    ApprovalStore(client).request(request)
    others = [user for user in dict.fromkeys(managers) if user and user != update.user_id]
    _publish(client, _waiting_item(request, verdict), others)
    _publish(client, _held_item(request, verdict), [update.user_id])
    return request


def tell_decision(client: redis.Redis, approval: Approval) -> None:
    """The decision in the rep's feed; the managers' waiting item taken away."""
    request = approval.request
    when = approval.decided_at or request.requested_at
    who = approval.decided_by_name or "a manager"
    if approval.state == "approved":
        title = f"{who} approved your reply: it is being posted"
    else:
        title = f"{who} did not approve your reply"
    item = FeedItem(
        kind="alert", module=ALERT_MODULE, record_id=f"approval-{approval.state}-{request.id}",
        version=version_of(when), title=title, occurred_at=when,
        summary=approval.note or request.text, network=request.network or None,
        status=approval.state, related=_related(request))
    try:
        feed.remove(client, ALERT_MODULE, _waiting_id(request))
        feed.remove(client, ALERT_MODULE, _held_id(request))
    except RedisError as exc:
        log.warning("approval %s: waiting items not removed: %s", request.id, exc)
    _publish(client, item, [request.author_id])


def _waiting_id(request: ApprovalRequest) -> str:
    return f"approval-waiting-{request.id}"


def _held_id(request: ApprovalRequest) -> str:
    return f"approval-held-{request.id}"


def _waiting_item(request: ApprovalRequest, verdict: Verdict) -> FeedItem:
    return FeedItem(
        kind="alert", module=ALERT_MODULE, record_id=_waiting_id(request),
        version=version_of(request.requested_at),
        title=f"Reply to approve from {request.author_name or 'a rep'}: {verdict.reason}",
        occurred_at=request.requested_at, summary=request.text,
        network=request.network or None, status="needs_approval", related=_related(request))


def _held_item(request: ApprovalRequest, verdict: Verdict) -> FeedItem:
    return FeedItem(
        kind="alert", module=ALERT_MODULE, record_id=_held_id(request),
        version=version_of(request.requested_at),
        title=f"Your reply waits for a manager's approval: {verdict.reason}",
        occurred_at=request.requested_at, summary=request.text,
        network=request.network or None, status="needs_approval", related=_related(request))


def _related(request: ApprovalRequest) -> tuple[str, ...]:
    answered = str(request.interaction.get("id") or "")
    return tuple(reference(INTERACTIONS, record_id)
                 for record_id in (request.id, answered) if record_id)


def _publish(client: redis.Redis, item: FeedItem, users: Sequence[str]) -> None:
    """Best effort: the hold or the decision stands whatever the feed does."""
    if not users:
        return
    try:
        feed.publish(client, item, list(users))
    except (RedisError, ValueError) as exc:
        log.warning("alert %s not shown in the feed: %s", item.record_id, exc)
