"""What the approvals and the reply check take and answer.

A verdict speaks the words SuiteCRM stores in ``policy_verdict``: ``allowed``,
``needs_approval``, ``blocked``, for the reply and for each of its reasons.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from mobile_api.updates.fields import record_id
from plugin.compliance import KINDS
from workers.updates.reply_policy import MAX_REPLY_CHARS

VERDICTS = ("allowed", "needs_approval", "blocked")
STATES = ("waiting", "approved", "rejected")
NOTE_LIMIT = 2000
CHECK_TEXT_LIMIT = 20_000  # longer than any network takes, so the verdict can say so


def _nullable(description: str) -> ma.fields.String:
    return ma.fields.String(required=True, allow_none=True,
                            metadata={"description": description})


class ReplyReasonSchema(ma.Schema):
    code = ma.fields.String(required=True, metadata={"description": (
        "empty, banned_term, commitment, personal_data, too_long or missing_signature "
        "(an app may translate it; message is English)")})
    message = ma.fields.String(required=True, metadata={"description": "For people"})
    decision = ma.fields.String(required=True, validate=ma.validate.OneOf(VERDICTS))
    subject = ma.fields.String(required=True, metadata={"description": (
        "The policy term, the kind of personal data (email, phone, card), or empty")})
    spans = ma.fields.List(ma.fields.List(ma.fields.Integer(), validate=ma.validate.Length(
        equal=2)), required=True, metadata={"description": (
            "[start, end) offsets into the reply (Unicode code points) it points at")})


class ReplyVerdictSchema(ma.Schema):
    decision = ma.fields.String(required=True, validate=ma.validate.OneOf(VERDICTS),
                                metadata={"description": (
                                    "allowed (posted), needs_approval (waits for a "
                                    "manager) or blocked (not posted)")})
    reason = ma.fields.String(required=True, metadata={"description": (
        "The deciding reasons in one line for the rep ('' when allowed)")})
    language = ma.fields.String(required=True, metadata={"description": (
        "What the reply was read as (ISO 639-1; '' when only the networks' limits apply)")})
    reasons = ma.fields.List(ma.fields.Nested(ReplyReasonSchema), required=True)


class ReplyCheckSchema(ma.Schema):
    """Either the interaction answered, or the network and kind of the reply."""

    interaction_id = record_id("The social interaction the reply answers")
    network = ma.fields.String(validate=ma.validate.OneOf(list(MAX_REPLY_CHARS)))
    kind = ma.fields.String(validate=ma.validate.OneOf(KINDS), metadata={
        "description": "With network: public (a comment, the default) or private"})
    text = ma.fields.String(required=True, validate=ma.validate.Length(max=CHECK_TEXT_LIMIT))

    @ma.validates_schema
    def _one_target(self, data: dict[str, Any], **_: Any) -> None:
        if ("interaction_id" in data) == ("network" in data):
            raise ma.ValidationError("give either interaction_id or network (and kind)",
                                     "_schema")
        if "kind" in data and "network" not in data:
            raise ma.ValidationError("kind goes with network", "kind")


class ReplyCheckAnswerSchema(ReplyVerdictSchema):
    network = ma.fields.String(required=True)
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(KINDS))


class PersonSchema(ma.Schema):
    user_id = ma.fields.String(required=True, metadata={"description": "SuiteCRM user id"})
    name = ma.fields.String(required=True)


class AnsweredInteractionSchema(ma.Schema):
    id = ma.fields.String(required=True)
    network = _nullable("facebook or linkedin")
    kind = _nullable("post, comment or reply")
    body = _nullable("What the customer wrote")
    author_name = _nullable("The customer's name on the network")
    permalink = _nullable("Where it is on the network")
    case_id = _nullable("The Case it belongs to")
    contact_id = _nullable("The contact who wrote it")
    lead_id = _nullable("The lead who wrote it")


class ApprovalSchema(ma.Schema):
    id = ma.fields.String(required=True, metadata={"description": (
        "The reply's outbound Social Interaction id (the record of the rep's update)")})
    state = ma.fields.String(required=True, validate=ma.validate.OneOf(STATES))
    text = ma.fields.String(required=True, metadata={"description": "The reply"})
    network = ma.fields.String(required=True)
    verdict = ma.fields.Nested(ReplyVerdictSchema, required=True)
    author = ma.fields.Nested(PersonSchema, required=True, metadata={
        "description": "The rep who wrote it"})
    interaction = ma.fields.Nested(AnsweredInteractionSchema, required=True, metadata={
        "description": "The customer's interaction it answers"})
    update_id = ma.fields.String(required=True, metadata={"description": (
        "The rep's update (its delivery shows the post)")})
    draft_id = _nullable("The close-the-loop draft it was sent from")
    requested_at = ma.fields.AwareDateTime(required=True)
    decided_by = ma.fields.Nested(PersonSchema, required=True, allow_none=True)
    decided_at = ma.fields.AwareDateTime(required=True, allow_none=True)
    note = _nullable("The manager's note on the decision")


class ApprovalListArgs(ma.Schema):
    limit = ma.fields.Integer(load_default=20, validate=ma.validate.Range(1, 100))
    offset = ma.fields.Integer(load_default=0, validate=ma.validate.Range(0, 10_000))


class ApprovalPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ApprovalSchema), required=True)
    total = ma.fields.Integer(required=True, metadata={"description": "Replies waiting"})


class ApprovalDecisionSchema(ma.Schema):
    note = ma.fields.String(load_default="", validate=ma.validate.Length(max=NOTE_LIMIT),
                            metadata={"description": "Why (the rep reads it)"})
