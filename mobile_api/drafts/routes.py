"""``/api/v1/drafts``: replies drafted for you when a social Case you own is closed.

When a Case that came from a social interaction is closed, a public reply built from its
resolution waits here for its assignee (``workers.close_loop``), with the compliance
policy's verdict on it. Sending it is one tap: ``POST /drafts/{id}/send`` hands it to the
quick-updates path as a ``reply`` whose Idempotency-Key is the draft's id, so the very
checks, approvals and exactly-once post of a rep's own reply apply, and tapping twice
sends once. The customer's interaction becomes ``closed_publicly`` when it is posted.

* ``GET /drafts``: your pending drafts, oldest first;
* ``GET /drafts/{id}``: one of yours, in any state (another rep's is 404);
* ``POST /drafts/{id}/send`` (optional ``text``: your edit): 202 and the reply's update
  (follow it at ``Location``); the same again: 200 and the same update; another text
  after sending, or a withdrawn or discarded draft: 409;
* ``DELETE /drafts/{id}``: discard it (204); a sent one cannot be (409).
"""

from __future__ import annotations

from typing import Any

from flask import url_for

from mobile_api.auth.guard import current_rep
from mobile_api.drafts.schemas import DraftListArgs, DraftPageSchema, DraftSchema, DraftSendSchema
from mobile_api.errors import ApiError, ErrorSchema
from mobile_api.parsing import Blueprint
from mobile_api.state import api_redis
from mobile_api.updates.responses import UpdateSchema
from mobile_api.updates.responses import present as present_update
from workers.close_loop import untell
from workers.updates.drafts import Draft, DraftStore
from workers.updates.intake import accept
from workers.updates.store import UpdateStore

blueprint = Blueprint("drafts", __name__, url_prefix="/drafts",
                      description="Replies drafted for you when a social Case is closed")
NOT_FOUND = "no such draft of yours (drafts are kept 30 days)"
MAX_ID_CHARS = 64


def drafts() -> DraftStore:
    return DraftStore(api_redis())


def mine(draft_id: str) -> Draft:
    """The caller's draft, or the 404 an unknown one gets."""
    draft = drafts().get(draft_id) if len(draft_id) <= MAX_ID_CHARS else None
    if draft is None or draft.assignee_id != current_rep().user_id:
        raise ApiError(404, NOT_FOUND)
    return draft


def present(draft: Draft) -> dict[str, Any]:
    """``draft`` in the shape of ``DraftSchema``."""
    interaction = {"id": draft.interaction_id, **{
        name: _text_or_none(draft.interaction.get(name)) for name in (
            "network", "kind", "body", "author_name", "permalink", "language")}}
    verdict = draft.verdict
    return {
        "id": draft.id, "state": draft.state, "text": draft.text, "language": draft.language,
        "created_at": draft.created_at,
        "case": {"id": draft.case_id, "number": draft.case_number or None,
                 "name": draft.case_name or None},
        "interaction": interaction,
        "verdict": {"decision": verdict.get("decision", "allowed"),
                    "reason": str(verdict.get("reason") or ""),
                    "language": str(verdict.get("language") or ""),
                    "reasons": list(verdict.get("reasons") or [])},
        "update_id": draft.update_id or None,
    }


def _text_or_none(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


@blueprint.route("", methods=["GET"])
@blueprint.arguments(DraftListArgs, location="query")
@blueprint.response(200, DraftPageSchema)
@blueprint.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blueprint.doc(operationId="listDrafts")
def list_drafts(args: dict[str, Any]) -> dict[str, Any]:
    """Your pending drafts, oldest first: one tap sends each."""
    items, total = drafts().pending(current_rep().user_id, limit=args["limit"],
                                    offset=args["offset"])
    return {"items": [present(item) for item in items], "total": total}


@blueprint.route("/<draft_id>", methods=["GET"])
@blueprint.response(200, DraftSchema)
@blueprint.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blueprint.alt_response(404, schema=ErrorSchema, description="No such draft of yours")
@blueprint.doc(operationId="getDraft")
def get_draft(draft_id: str) -> dict[str, Any]:
    """One of your drafts, in any state."""
    return present(mine(draft_id))


@blueprint.route("/<draft_id>/send", methods=["POST"])
@blueprint.arguments(DraftSendSchema, required=False)
@blueprint.response(202, UpdateSchema, description="Accepted: a worker sends it soon",
                    headers={"Location": {"description": "Where to follow the reply",
                                          "schema": {"type": "string"}}})
@blueprint.alt_response(200, schema=UpdateSchema,
                        description="Sent before with this text: the same update")
@blueprint.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blueprint.alt_response(404, schema=ErrorSchema, description="No such draft of yours")
@blueprint.alt_response(409, schema=ErrorSchema, description=(
    "Withdrawn (the Case was reopened), discarded, or sent before with another text"))
@blueprint.doc(operationId="sendDraft")
def send_draft(body: dict[str, Any], draft_id: str) -> tuple[dict[str, Any], int,
                                                            dict[str, str]]:
    """Send the draft (or your edit of it) as your reply, once."""
    draft = mine(draft_id)
    if draft.state in ("withdrawn", "discarded"):
        raise ApiError(409, f"this draft was {draft.state}"
                            + (": its Case was reopened" if draft.state == "withdrawn" else ""))
    updates = UpdateStore(api_redis())
    sent = updates.find(draft.assignee_id, draft.id) if draft.state == "sent" else None
    text = body.get("text") or (str(sent.fields.get("text")) if sent else draft.text)
    submission = accept(updates, draft.assignee_id, draft.id, {
        "type": "reply", "interaction_id": draft.interaction_id, "text": text,
        "draft_id": draft.id})
    if submission.outcome == "mismatch":
        raise ApiError(409, "this draft was sent already with another text")
    update = submission.update
    if drafts().move(draft, "sent", update_id=update.id) == "moved":
        untell(api_redis(), draft)
    status = 202 if submission.outcome == "accepted" else 200
    return (present_update(update), status,
            {"Location": url_for("updates.get_update", update_id=update.id)})


@blueprint.route("/<draft_id>", methods=["DELETE"])
@blueprint.response(204, description="Discarded")
@blueprint.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blueprint.alt_response(404, schema=ErrorSchema, description="No such draft of yours")
@blueprint.alt_response(409, schema=ErrorSchema, description="It was sent already")
@blueprint.doc(operationId="discardDraft")
def discard_draft(draft_id: str) -> None:
    """Discard the draft: nothing is posted (the interaction stays closed)."""
    draft = mine(draft_id)
    outcome = drafts().move(draft, "discarded")
    if outcome == "sent":
        raise ApiError(409, "this draft was sent already")
    if outcome == "moved":
        untell(api_redis(), draft)
