"""The inbox's arguments and answer."""

from __future__ import annotations

import marshmallow as ma

from mobile_api.inbox.service import SPECS
from mobile_api.records.cursor import CursorField
from mobile_api.records.schemas import MAX_LIMIT, field_for


class InboxArgs(ma.Schema):
    limit = ma.fields.Integer(load_default=20, validate=ma.validate.Range(1, MAX_LIMIT))
    cursor = CursorField()


def _nullable(description: str) -> ma.fields.String:
    return ma.fields.String(required=True, allow_none=True,
                            metadata={"description": description})


InboxItemSchema = ma.Schema.from_dict({
    "id": ma.fields.String(required=True),
    **{spec.name: field_for(spec) for spec in SPECS},
    "time_left_seconds": ma.fields.Integer(required=True, allow_none=True, metadata={
        "description": "Seconds until sla_due_at at the time of this answer; negative when "
                       "overdue, null without an SLA"}),
    "customer_module": ma.fields.String(
        required=True, allow_none=True, validate=ma.validate.OneOf(["Contacts", "Leads"]),
        metadata={"description": "Contacts or Leads when SuiteCRM links the author"}),
    "customer_id": _nullable("The contact's or lead's id (open its card)"),
    "customer_name": _nullable("The contact's or lead's name, else the author's name on "
                               "the network"),
}, name="InboxItem")


class InboxPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(InboxItemSchema), required=True)
    next_cursor = _nullable("Pass as `cursor` for the next page; null on the last page")
    total = ma.fields.Integer(required=True, metadata={"description": "Items waiting"})
    overdue = ma.fields.Integer(required=True,
                                metadata={"description": "Items waiting past their SLA"})
