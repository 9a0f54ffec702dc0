"""What the drafts endpoints take and answer."""

from __future__ import annotations

import marshmallow as ma

from mobile_api.approvals.schemas import ReplyVerdictSchema
from mobile_api.updates.fields import long_text
from mobile_api.updates.schemas import REPLY_LIMIT
from workers.updates.drafts import DRAFT_STATES


def _nullable(description: str) -> ma.fields.String:
    return ma.fields.String(required=True, allow_none=True,
                            metadata={"description": description})


class DraftCaseSchema(ma.Schema):
    id = ma.fields.String(required=True)
    number = _nullable("The Case's number")
    name = _nullable("The Case's subject")


class DraftInteractionSchema(ma.Schema):
    id = ma.fields.String(required=True)
    network = _nullable("facebook or linkedin")
    kind = _nullable("post, comment or reply")
    body = _nullable("What the customer wrote")
    author_name = _nullable("The customer's name on the network")
    permalink = _nullable("Where it is on the network")
    language = _nullable("Its language (ISO 639-1), which chose the template")


class DraftSchema(ma.Schema):
    id = ma.fields.String(required=True, metadata={"description": (
        "The draft's id: the Idempotency-Key of the reply it sends")})
    state = ma.fields.String(required=True, validate=ma.validate.OneOf(DRAFT_STATES),
                             metadata={"description": (
                                 "pending; sent (see update_id); withdrawn (the Case was "
                                 "reopened); discarded")})
    text = ma.fields.String(required=True)
    language = ma.fields.String(required=True, metadata={"description": (
        "The template's language")})
    created_at = ma.fields.AwareDateTime(required=True)
    case = ma.fields.Nested(DraftCaseSchema, required=True)
    interaction = ma.fields.Nested(DraftInteractionSchema, required=True, metadata={
        "description": "The customer's interaction the reply answers, in its thread"})
    verdict = ma.fields.Nested(ReplyVerdictSchema, required=True, metadata={
        "description": "The compliance policy's verdict on the text as drafted"})
    update_id = _nullable("Once sent: the reply's update (GET /updates/{id})")


class DraftListArgs(ma.Schema):
    limit = ma.fields.Integer(load_default=20, validate=ma.validate.Range(1, 100))
    offset = ma.fields.Integer(load_default=0, validate=ma.validate.Range(0, 10_000))


class DraftPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(DraftSchema), required=True)
    total = ma.fields.Integer(required=True, metadata={"description": "Drafts pending"})


class DraftSendSchema(ma.Schema):
    text = long_text(REPLY_LIMIT, "The reply as the rep wants it (default: the draft's "
                                  "text)")
