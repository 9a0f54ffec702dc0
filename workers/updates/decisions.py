"""A manager's decision on a held reply, carried out: recorded in SuiteCRM, then posted.

The API takes the decision in Redis, once (``workers.approvals``), and queues
:func:`carry_out` on ``crm`` under the job id ``approval-<id>``. The job:

1. writes the decision on the outbound interaction: ``policy_verdict`` ``approved`` or
   ``rejected``, ``policy_approver_id`` and ``policy_approver_name``, ``policy_note``;
   a rejected reply also gets the external id ``rejected:<update id>`` and the status
   ``closed`` (it will never be on the network). It writes as the manager (their own
   SuiteCRM token, so the audit trail names them) and falls back on the service account
   when their session is over or their role does not let them edit the rep's record:
   the decision must be on record either way;
2. approved: the reply's update gets ``delivery: posting`` and its post is queued on
   ``outbound`` as ``reply-post-<update id>``, the rep's own reply path
   (``workers.updates.delivery``), so it is posted exactly once however often anyone
   approves; rejected: the update's delivery becomes ``failed`` with the manager's
   reason, and nothing is posted;
3. the rep's feed shows the outcome (``workers.updates.holds.tell_decision``).

Safe to repeat: the SuiteCRM write sets the same values, the post job's id is unique and
the delivery's own markers stop a second post.
"""

from __future__ import annotations

import logging
from typing import Any

import redis

from connectors.errors import (
    ConnectorError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from connectors.suitecrm import SuiteCRMClient
from plugin.sync.ids import INTERACTIONS
from workers.approvals import Approval, ApprovalStore
from workers.jobs.updates import enqueue_post, last_attempt
from workers.queues import JobPolicy, enqueue
from workers.rep_sessions import RepSignedOut
from workers.runtime import Runtime, current
from workers.throttle import obeys_retry_after
from workers.updates.holds import job_redis, tell_decision
from workers.updates.replies import CLOSED_STATUS, REJECTED_PREFIX
from workers.updates.store import UpdateStore

log = logging.getLogger(__name__)

FUNCTION = "workers.updates.decisions.carry_out"
# A rep and a customer wait on this: soon, then less often, for about half an hour.
POLICY = JobPolicy(timeout_seconds=120, retries=5, backoff_seconds=(5, 15, 60, 300, 900),
                   failure_ttl_seconds=7 * 24 * 3600, result_ttl_seconds=24 * 3600)


def job_id(approval_id: str) -> str:
    return f"approval-{approval_id}"


def enqueue_decision(client: redis.Redis, approval_id: str) -> bool:
    """Queue the decision's consequences; False when they are queued already."""
    return enqueue(client, "crm", FUNCTION, approval_id, job_id=job_id(approval_id),
                   policy=POLICY)


def rejection_reason(approval: Approval) -> str:
    """What the rep reads in the update's delivery when a manager said no."""
    who = approval.decided_by_name or "a manager"
    note = approval.note.strip()
    return f"{who} did not approve the reply" + (f": {note}" if note else "")


@obeys_retry_after
def carry_out(approval_id: str) -> dict[str, Any]:
    """RQ entry point: record the decision on ``approval_id`` and post or drop the reply."""
    runtime = current()
    client = job_redis(runtime)
    approval = ApprovalStore(client).get(approval_id)
    if approval is None or approval.state == "waiting":
        return {"approval": approval_id, "skipped": True}
    store = UpdateStore(client)
    update = store.get(approval.request.update_id)
    if update is None:
        log.warning("approval %s: the reply's update %s expired; nothing carried out",
                    approval_id, approval.request.update_id)
        return {"approval": approval_id, "gone": True}
    record_decision(runtime, approval, last_attempt=last_attempt())
    if approval.state == "approved":
        store.start_delivery(update.id)  # unless it stands already (a repeated job)
        enqueue_post(client, update.id)
    elif update.delivery.get("status") != "failed":
        store.set_delivery(update.id, {"status": "failed",
                                       "reason": rejection_reason(approval)})
    tell_decision(client, approval)
    return {"approval": approval_id, "state": approval.state}


def record_decision(runtime: Runtime, approval: Approval, *, last_attempt: bool) -> None:
    """The decision on the outbound interaction (see the module docstring). SuiteCRM
    unreachable: raised for a retry, logged on the last attempt (the reply's fate does
    not wait on the bookkeeping for ever)."""
    changes: dict[str, Any] = {
        "policy_verdict": approval.state, "policy_approver_id": approval.decided_by_id,
        "policy_approver_name": approval.decided_by_name, "policy_note": approval.note}
    if approval.state == "rejected":
        changes.update(external_id=REJECTED_PREFIX + approval.request.update_id,
                       status=CLOSED_STATUS)
    try:
        try:
            _as_decider(runtime, approval.decided_by_id).update(INTERACTIONS, approval.id,
                                                                changes)
        except PermissionDeniedError:
            runtime.suitecrm().update(INTERACTIONS, approval.id, changes)
    except (NotFoundError, PermissionDeniedError, ValidationError) as exc:
        log.warning("approval %s: the decision is not on the SuiteCRM record: %s",
                    approval.id, exc)
    except ConnectorError:
        if not last_attempt:
            raise
        log.error("approval %s: SuiteCRM did not take the decision in", approval.id)


def _as_decider(runtime: Runtime, user_id: str) -> SuiteCRMClient:
    try:
        return runtime.rep_suitecrm(user_id)
    except RepSignedOut:
        return runtime.suitecrm()
