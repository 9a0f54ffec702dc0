"""``POST /api/v1/updates/batch``: an offline queue, flushed in one request, in order.

Each item is an update of its own (its key, its client time, its body) and gets its own
result, in the order sent: ``accepted``, ``replayed`` (the key and body were accepted
before: the same update), or ``rejected`` with the code a single post would have had
(422 with field errors, 409 for a key reused with another body). A rejected item does
not stop the ones after it; the app decides what to do about it. Accepted items join
the rep's queue in the order sent, and the worker applies that queue in order, so a
task created by one item exists when a later item completes it (``ref:<key>``).

Only the envelope (a list of 1 to ``MAX_ITEMS`` items, each with a key and a body) is
checked before any item is taken: a malformed envelope is one 422 for the whole batch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import marshmallow as ma

from mobile_api.updates.fields import KEY_PATTERN, moment
from mobile_api.updates.responses import present
from mobile_api.updates.schemas import UpdateBodySchema
from workers.updates.intake import BadReference, accept
from workers.updates.model import iso
from workers.updates.store import UpdateStore

MAX_ITEMS = 100


class BatchItemSchema(ma.Schema):
    idempotency_key = ma.fields.String(required=True, validate=ma.validate.Regexp(KEY_PATTERN))
    client_time = moment("When the rep did it (overrides the body's)")
    body = ma.fields.Dict(required=True)


class BatchSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(BatchItemSchema), required=True,
                           validate=ma.validate.Length(1, MAX_ITEMS))


BATCH_BODY_DOC: dict[str, Any] = {
    "required": True,
    "description": f"1 to {MAX_ITEMS} updates, in the order the rep made them.",
    "content": {"application/json": {"schema": {
        "type": "object", "required": ["items"], "additionalProperties": False,
        "properties": {"items": {
            "type": "array", "minItems": 1, "maxItems": MAX_ITEMS,
            "items": {
                "type": "object", "required": ["idempotency_key", "body"],
                "additionalProperties": False,
                "properties": {
                    "idempotency_key": {
                        "type": "string", "minLength": 1, "maxLength": 200,
                        "pattern": KEY_PATTERN,
                        "description": "This item's own key (as the Idempotency-Key "
                                       "header of a single post)"},
                    "client_time": {
                        "type": "string", "format": "date-time",
                        "description": "When the rep did it (overrides the body's)"},
                    # Any object: an invalid body rejects its item, not the batch.
                    "body": {"type": "object", "description": (
                        "The update, one of the bodies of POST /updates; checked per "
                        "item: an invalid one is a rejected result, the others go on")},
                }}}}}}},
}


def submit_batch(store: UpdateStore, user_id: str,
                 items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Accept each item in order; one result per item (see the module docstring)."""
    return [submit_item(store, user_id, index, item) for index, item in enumerate(items)]


def submit_item(store: UpdateStore, user_id: str, index: int,
                item: Mapping[str, Any]) -> dict[str, Any]:
    key = str(item["idempotency_key"])
    result: dict[str, Any] = {"index": index, "idempotency_key": key}
    body = dict(item["body"])
    if item.get("client_time") is not None:
        body["client_time"] = iso(item["client_time"])
    try:
        loaded = UpdateBodySchema().load(body)
        submission = accept(store, user_id, key, loaded)
    except ma.ValidationError as exc:
        return {**result, "outcome": "rejected", "code": 422,
                "message": "some fields are invalid: see errors",
                "errors": {"body": exc.messages}}
    except BadReference as exc:
        return {**result, "outcome": "rejected", "code": 422,
                "message": "some fields are invalid: see errors",
                "errors": {"body": {exc.field: [str(exc)]}}}
    if submission.outcome == "mismatch":
        return {**result, "outcome": "rejected", "code": 409,
                "message": "this idempotency key was used for another update"}
    return {**result, "outcome": submission.outcome, "update_state": present(submission.update)}
