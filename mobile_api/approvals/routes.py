"""``/api/v1/approvals``: the replies the compliance policy holds, and managers' decisions.

Thin by design: the list and the decisions live in Redis (``workers.approvals``); a
decision is taken there once, atomically, and its consequences (the verdict and the
approver written to SuiteCRM, the post on the ``outbound`` queue) are queued for a
worker (``workers.updates.decisions``).

* ``GET /approvals``: managers only (SuiteCRM administrators and the team's managers;
  anyone else gets 403): the replies waiting, oldest first.
* ``GET /approvals/{id}``: a manager, or the rep who wrote the reply (its id is the
  ``record`` of their update); anyone else gets 404, as for an unknown id.
* ``POST /approvals/{id}/approve`` and ``/reject`` (optional ``note``): managers only;
  idempotent (approving twice posts once and answers the same approval); the other
  decision after one is a 409. Nobody approves their own reply (403): that takes a
  second pair of eyes; withdrawing it by a rejection is fine.
"""

from __future__ import annotations

from typing import Any

from mobile_api.approvals.schemas import (
    ApprovalDecisionSchema,
    ApprovalListArgs,
    ApprovalPageSchema,
    ApprovalSchema,
)
from mobile_api.approvals.service import display_name, is_manager, present, require_manager
from mobile_api.auth.guard import current_rep
from mobile_api.errors import ApiError, ErrorSchema
from mobile_api.parsing import Blueprint
from mobile_api.state import api_redis
from workers.approvals import ApprovalStore, Decision
from workers.updates.decisions import enqueue_decision
from workers.updates.model import utc_now

blueprint = Blueprint("approvals", __name__, url_prefix="/approvals",
                      description="Replies held by the compliance policy, for managers")
NOT_FOUND = "no such reply waiting for approval (or it expired)"


def store() -> ApprovalStore:
    return ApprovalStore(api_redis())


@blueprint.route("", methods=["GET"])
@blueprint.arguments(ApprovalListArgs, location="query")
@blueprint.response(200, ApprovalPageSchema)
@blueprint.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blueprint.alt_response(403, schema=ErrorSchema, description="Not a manager")
@blueprint.doc(operationId="listApprovals")
def list_approvals(args: dict[str, Any]) -> dict[str, Any]:
    """The replies waiting for a manager's decision, oldest first, with their text, the
    policy's reasons, the rep and the customer's interaction."""
    require_manager(current_rep())
    items, total = store().waiting(limit=args["limit"], offset=args["offset"])
    return {"items": [present(item) for item in items], "total": total}


@blueprint.route("/<approval_id>", methods=["GET"])
@blueprint.response(200, ApprovalSchema)
@blueprint.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blueprint.alt_response(404, schema=ErrorSchema,
                        description="No such held reply that you may see")
@blueprint.doc(operationId="getApproval")
def get_approval(approval_id: str) -> dict[str, Any]:
    """A held reply and its decision (for a manager, or the rep who wrote it)."""
    rep = current_rep()
    approval = store().get(approval_id)
    if approval is None or not (is_manager(rep) or approval.request.author_id == rep.user_id):
        raise ApiError(404, NOT_FOUND)
    return present(approval)


def _decide(approval_id: str, decision: Decision, note: str) -> dict[str, Any]:
    rep = current_rep()
    require_manager(rep)
    approvals = store()
    held = approvals.get(approval_id)
    if held is None:
        raise ApiError(404, NOT_FOUND)
    if decision == "approved" and held.request.author_id == rep.user_id:
        raise ApiError(403, "another manager must approve your own reply")
    outcome, approval = approvals.decide(approval_id, decision, by_id=rep.user_id,
                                         by_name=display_name(rep), note=note.strip(),
                                         at=utc_now())
    if outcome == "missing" or approval is None:
        raise ApiError(404, NOT_FOUND)
    if outcome == "conflict":
        raise ApiError(409, f"this reply was {approval.state} already by "
                            f"{approval.decided_by_name or 'another manager'}")
    enqueue_decision(api_redis(), approval_id)  # once per id; a repeat is a no-op
    return present(approval)


@blueprint.route("/<approval_id>/approve", methods=["POST"])
@blueprint.arguments(ApprovalDecisionSchema, required=False)
@blueprint.response(200, ApprovalSchema, description="Approved: the reply is posted soon")
@blueprint.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blueprint.alt_response(403, schema=ErrorSchema,
                        description="Not a manager, or your own reply")
@blueprint.alt_response(404, schema=ErrorSchema, description="No such held reply")
@blueprint.alt_response(409, schema=ErrorSchema, description="It was rejected already")
@blueprint.doc(operationId="approveReply")
def approve(body: dict[str, Any], approval_id: str) -> dict[str, Any]:
    """Approve a held reply: it is posted once by the outbound queue; the verdict and
    you as the approver are recorded on its Social Interaction in SuiteCRM."""
    return _decide(approval_id, "approved", str(body.get("note") or ""))


@blueprint.route("/<approval_id>/reject", methods=["POST"])
@blueprint.arguments(ApprovalDecisionSchema, required=False)
@blueprint.response(200, ApprovalSchema, description="Rejected: the reply is not posted")
@blueprint.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blueprint.alt_response(403, schema=ErrorSchema, description="Not a manager")
@blueprint.alt_response(404, schema=ErrorSchema, description="No such held reply")
@blueprint.alt_response(409, schema=ErrorSchema, description="It was approved already")
@blueprint.doc(operationId="rejectReply")
def reject(body: dict[str, Any], approval_id: str) -> dict[str, Any]:
    """Reject a held reply: it is never posted; the rep reads your note in the update's
    delivery and in their feed."""
    return _decide(approval_id, "rejected", str(body.get("note") or ""))
