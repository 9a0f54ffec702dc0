"""The bodies of ``POST /api/v1/updates``: one schema per update type, chosen by ``type``.

Why a dispatching schema instead of one schema with every field: each type has its own
required fields, and a field of another type is a mistake the app should hear about
(422, "Unknown field"), not something silently ignored. ``UpdateBodySchema.load`` picks
the type's schema and answers its field errors; the OpenAPI document describes the body
as ``oneOf`` the types (``UPDATE_BODY_DOC``), each with its ``type`` as a one-value enum.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import marshmallow as ma

from mobile_api.updates.fields import (
    long_text,
    moment,
    one_of,
    plausible_time,
    record_id,
    subject,
)
from plugin.model import DROPDOWNS
from plugin.sync.interactions import HIDDEN_STATUSES
from workers.updates.creates import (
    CALL_DIRECTIONS,
    CALL_STATUSES,
    PARENT_MODULES,
    TASK_PRIORITIES,
)
from workers.updates.model import UPDATE_TYPES

# SuiteCRM's sales stages (sales_stage_dom), as stored.
SALES_STAGES = ("Prospecting", "Qualification", "Needs Analysis", "Value Proposition",
                "Id. Decision Makers", "Perception Analysis", "Proposal/Price Quote",
                "Negotiation/Review", "Closed Won", "Closed Lost")
# The interaction statuses a rep sets: the module's list without the visibility states
# the sync keeps in step with the network (hidden, deleted).
INTERACTION_STATUSES = tuple(
    value for dropdown in DROPDOWNS if dropdown.name == "scrm_interaction_status_list"
    for value, _label in dropdown.options if value and value not in HIDDEN_STATUSES)
MAX_AMOUNT = 10**12
TEXT_LIMIT = 10_000
REPLY_LIMIT = 8_000  # the longest any network takes; the network's own limit is checked later


def _type(name: str) -> ma.fields.String:
    return ma.fields.String(required=True, validate=ma.validate.OneOf([name]),
                            metadata={"description": "The kind of update"})


def _client_time() -> ma.fields.AwareDateTime:
    return moment("When the rep did it on the phone (ISO 8601 with a time zone)")


class UpdateParentSchema(ma.Schema):
    module = one_of(PARENT_MODULES, "The module of the record it belongs to", required=True)
    id = record_id("The record's SuiteCRM id", required=True)


def _parent(**options: Any) -> ma.fields.Nested:
    return ma.fields.Nested(UpdateParentSchema, metadata={
        "description": "The record it belongs to (a contact, account, lead...)"}, **options)


def _at_least_one(data: Mapping[str, Any], names: tuple[str, ...]) -> None:
    if not any(name in data for name in names):
        raise ma.ValidationError(f"give at least one of: {', '.join(names)}", "_schema")


class LogCallSchema(ma.Schema):
    type = _type("log_call")
    client_time = _client_time()
    subject = subject(50, "What the call was about")
    direction = one_of(CALL_DIRECTIONS, "Who called whom", required=True)
    duration_minutes = ma.fields.Integer(
        validate=ma.validate.Range(0, 99 * 60 + 59),
        metadata={"description": "How long it took (default 0)"})
    status = one_of(CALL_STATUSES, "Held (default), planned or not held")
    date_start = moment("When it started (default: client_time, else when accepted)")
    parent = _parent(required=True)
    description = long_text(TEXT_LIMIT, "Notes on the call")


class AddNoteSchema(ma.Schema):
    type = _type("add_note")
    client_time = _client_time()
    subject = subject(255, "The note's title")
    text = long_text(TEXT_LIMIT, "The note", required=True)
    parent = _parent(required=True)


class CreateTaskSchema(ma.Schema):
    type = _type("create_task")
    client_time = _client_time()
    subject = subject(50, "What to do")
    date_due = moment("When it is due", required=True)
    priority = one_of(TASK_PRIORITIES, "High, medium (default) or low")
    parent = _parent()
    description = long_text(TEXT_LIMIT, "Details")


class CompleteTaskSchema(ma.Schema):
    type = _type("complete_task")
    client_time = _client_time()
    task_id = record_id("The task's id, or ref:<idempotency key> of your create_task",
                        ref=True, required=True)


class OpportunityValuesSchema(ma.Schema):
    """The opportunity's values as the app saw them (null: empty)."""

    sales_stage = ma.fields.String(allow_none=True)
    amount = ma.fields.Decimal(allow_none=True, allow_nan=False)
    date_closed = ma.fields.Date(allow_none=True, validate=plausible_time)


class ContactValuesSchema(ma.Schema):
    """The contact's values as the app saw them (null: empty)."""

    phone_mobile = ma.fields.String(allow_none=True)
    phone_work = ma.fields.String(allow_none=True)
    title = ma.fields.String(allow_none=True)
    email = ma.fields.String(allow_none=True)


class InteractionValuesSchema(ma.Schema):
    """The interaction's values as the app saw them."""

    status = ma.fields.String(allow_none=True)


def _modified() -> ma.fields.AwareDateTime:
    return moment("The record's date_modified when the app read it")


def _seen(values: type[ma.Schema]) -> ma.fields.Nested:
    return ma.fields.Nested(values, data_key="fields", metadata={
        "description": "The values of the edited fields when the app read them: a field "
                       "someone else changed since is a conflict"})


class OpportunityBaseSchema(ma.Schema):
    date_modified = _modified()
    values = _seen(OpportunityValuesSchema)


class ContactBaseSchema(ma.Schema):
    date_modified = _modified()
    values = _seen(ContactValuesSchema)


class InteractionBaseSchema(ma.Schema):
    date_modified = _modified()
    values = _seen(InteractionValuesSchema)


def _base(schema: type[ma.Schema]) -> ma.fields.Nested:
    return ma.fields.Nested(schema, metadata={
        "description": "The version the edit is based on (omit it: no conflict check)"})


def _amount_places(value: Decimal) -> None:
    """0 to ``MAX_AMOUNT`` with at most 2 decimal places (not marshmallow's Range: the
    document would show its limits as strings)."""
    if not 0 <= value <= MAX_AMOUNT:
        raise ma.ValidationError(f"must be between 0 and {MAX_AMOUNT}")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise ma.ValidationError("at most 2 decimal places")


class MoveOpportunitySchema(ma.Schema):
    type = _type("move_opportunity")
    client_time = _client_time()
    opportunity_id = record_id("The opportunity's id", required=True)
    sales_stage = one_of(SALES_STAGES, "The new sales stage")
    amount = ma.fields.Decimal(allow_nan=False, validate=_amount_places, metadata={
        "description": "The new amount (at most 2 decimal places)", "minimum": 0,
        "maximum": MAX_AMOUNT})
    date_closed = ma.fields.Date(validate=plausible_time,
                                 metadata={"description": "The new expected close date"})
    base_version = _base(OpportunityBaseSchema)

    @ma.validates_schema
    def _something(self, data: Mapping[str, Any], **_: Any) -> None:
        _at_least_one(data, ("sales_stage", "amount", "date_closed"))


class UpdateContactSchema(ma.Schema):
    type = _type("update_contact")
    client_time = _client_time()
    contact_id = record_id("The contact's id", required=True)
    phone_mobile = long_text(100, "Mobile phone ('' clears it)", blank=True)
    phone_work = long_text(100, "Office phone ('' clears it)", blank=True)
    email = ma.fields.Email(validate=ma.validate.Length(max=100),
                            metadata={"description": "The new primary email address"})
    title = long_text(100, "Job title ('' clears it)", blank=True)
    base_version = _base(ContactBaseSchema)

    @ma.validates_schema
    def _something(self, data: Mapping[str, Any], **_: Any) -> None:
        _at_least_one(data, ("phone_mobile", "phone_work", "email", "title"))


class ReplySchema(ma.Schema):
    type = _type("reply")
    client_time = _client_time()
    interaction_id = record_id("The social interaction answered", required=True)
    text = long_text(REPLY_LIMIT, "The reply, posted publicly as the Page or organization",
                     required=True)


class SetInteractionStatusSchema(ma.Schema):
    type = _type("set_interaction_status")
    client_time = _client_time()
    interaction_id = record_id("The social interaction", required=True)
    status = one_of(INTERACTION_STATUSES, "The new status", required=True)
    base_version = _base(InteractionBaseSchema)


TYPE_SCHEMAS: Mapping[str, type[ma.Schema]] = {
    "log_call": LogCallSchema, "add_note": AddNoteSchema, "create_task": CreateTaskSchema,
    "complete_task": CompleteTaskSchema, "move_opportunity": MoveOpportunitySchema,
    "update_contact": UpdateContactSchema, "reply": ReplySchema,
    "set_interaction_status": SetInteractionStatusSchema,
}
assert set(TYPE_SCHEMAS) == set(UPDATE_TYPES)

UPDATE_BODY_DOC: dict[str, Any] = {
    "required": True,
    "description": "One update; `type` says which, and which fields it takes.",
    "content": {"application/json": {"schema": {"oneOf": list(TYPE_SCHEMAS.values())}}},
}


class UpdateBodySchema(ma.Schema):
    """Loads a body with the schema of its ``type`` (see the module docstring)."""

    def load(self, data: Any, *, many: bool | None = None,
             partial: Any = None, unknown: str | None = None) -> dict[str, Any]:
        if not isinstance(data, Mapping):
            raise ma.ValidationError({"_schema": ["the body must be a JSON object"]})
        kind = data.get("type")
        schema = TYPE_SCHEMAS.get(kind) if isinstance(kind, str) else None
        if schema is None:
            raise ma.ValidationError({"type": [
                f"must be one of: {', '.join(TYPE_SCHEMAS)}"]})
        loaded: dict[str, Any] = schema().load(data)
        return loaded
