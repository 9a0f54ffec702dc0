"""What the update endpoints answer: an update as it stands, and a batch's results."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from workers.updates.model import DELIVERY_STATES, STATUSES, UPDATE_TYPES, Update, parse_iso

BATCH_OUTCOMES = ("accepted", "replayed", "rejected")


class UpdateRecordSchema(ma.Schema):
    module = ma.fields.String(required=True, metadata={"description": "SuiteCRM module"})
    id = ma.fields.String(required=True, metadata={"description": "SuiteCRM record id"})


class UpdateConflictSchema(ma.Schema):
    conflicting = ma.fields.List(ma.fields.String(), required=True, data_key="fields", metadata={
        "description": "The fields someone else changed since the app's base version"})
    server = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(allow_none=True),
                            required=True, metadata={
                                "description": "The server's values of every field the "
                                               "update touches"})
    base = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(allow_none=True),
                          required=True, metadata={"description": "What the app saw"})
    yours = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(allow_none=True),
                           required=True, metadata={"description": "What the rep wanted"})


class UpdateDeliverySchema(ma.Schema):
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(DELIVERY_STATES),
                              metadata={"description": (
                                  "posting; posted; failed (not posted: see reason); "
                                  "unknown (may be posted: look before sending again)")})
    external_id = ma.fields.String(metadata={"description": "The network's id of the reply"})
    posted_at = ma.fields.AwareDateTime()
    reason = ma.fields.String()


class UpdateSchema(ma.Schema):
    """An update as it stands now."""

    id = ma.fields.String(required=True)
    type = ma.fields.String(required=True, validate=ma.validate.OneOf(UPDATE_TYPES))
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(STATUSES), metadata={
        "description": "queued, applied, conflict (nothing written: see conflict) or "
                       "failed (see reason)"})
    idempotency_key = ma.fields.String(required=True)
    accepted_at = ma.fields.AwareDateTime(required=True)
    updated_at = ma.fields.AwareDateTime(required=True)
    client_time = ma.fields.AwareDateTime()
    record = ma.fields.Nested(UpdateRecordSchema, metadata={
        "description": "The record created or changed (applied), or in conflict"})
    conflict = ma.fields.Nested(UpdateConflictSchema)
    reason = ma.fields.String(metadata={"description": "Why it failed, for the rep"})
    delivery = ma.fields.Nested(UpdateDeliverySchema, metadata={
        "description": "Replies: how the post to the network stands"})


class BatchResultSchema(ma.Schema):
    index = ma.fields.Integer(required=True, metadata={"description": "The item's position"})
    idempotency_key = ma.fields.String(required=True)
    outcome = ma.fields.String(required=True, validate=ma.validate.OneOf(BATCH_OUTCOMES),
                               metadata={"description": (
                                   "accepted (new), replayed (this key and body were "
                                   "accepted before) or rejected (see code and errors)")})
    # Not named ``update``: a dict result would dump its ``update`` method when the key
    # is absent (marshmallow falls back on attributes).
    update_state = ma.fields.Nested(UpdateSchema, data_key="update", metadata={
        "description": "The update (accepted, replayed)"})
    code = ma.fields.Integer(metadata={"description": "422 invalid body, 409 key reused"})
    message = ma.fields.String()
    errors = ma.fields.Dict(metadata={"description": "Field errors of the item's body"})


class BatchAnswerSchema(ma.Schema):
    results = ma.fields.List(ma.fields.Nested(BatchResultSchema), required=True)


def present(update: Update) -> dict[str, Any]:
    """``update`` in the shape of ``UpdateSchema``."""
    data: dict[str, Any] = {
        "id": update.id, "type": update.type, "status": update.status,
        "idempotency_key": update.idempotency_key, "accepted_at": update.accepted_at,
        "updated_at": update.updated_at or update.accepted_at}
    if update.client_time is not None:
        data["client_time"] = update.client_time
    result = update.result
    if update.status in ("applied", "conflict") and result.get("module"):
        data["record"] = {"module": result["module"], "id": result["record_id"]}
    if update.status == "conflict":
        data["conflict"] = {"conflicting": list(result.get("fields") or []),
                            **{name: dict(result.get(name) or {})
                               for name in ("server", "base", "yours")}}
    if update.status == "failed":
        data["reason"] = str(result.get("reason") or "")
    if update.delivery:
        delivery = dict(update.delivery)
        if delivery.get("posted_at"):
            delivery["posted_at"] = parse_iso(str(delivery["posted_at"]))
        data["delivery"] = delivery
    return data
