"""``/api/v1/updates``: record what the rep did in one tap, offline or not.

Thin by design (``docs/updates.md``): validate the body and the ``Idempotency-Key``, hand
the update to ``workers.updates.intake`` (stored once per rep and key, queued for a worker
that writes it to SuiteCRM as the rep), answer at once. Nothing here talks to SuiteCRM.

* ``POST /updates``: 202 and the update (``Location`` names it); the same key and body
  again: 200 and the same update as it stands; the same key with another body: 409.
* ``GET /updates/{id}``: the rep's own updates only; another rep's id is 404, exactly as
  an unknown one, so ids reveal nothing.
* ``POST /updates/batch``: an offline queue, flushed in order; one result per item.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import request, url_for

from mobile_api.auth.guard import current_rep
from mobile_api.errors import ApiError, ErrorSchema
from mobile_api.parsing import Blueprint
from mobile_api.state import api_redis
from mobile_api.updates.batch import BATCH_BODY_DOC, BatchSchema, submit_batch
from mobile_api.updates.fields import KEY_PATTERN
from mobile_api.updates.responses import BatchAnswerSchema, UpdateSchema, present
from mobile_api.updates.schemas import UPDATE_BODY_DOC, UpdateBodySchema
from workers.updates.intake import BadReference, accept
from workers.updates.store import DEFAULT_TTL_SECONDS, UpdateStore

KEY_HEADER = "Idempotency-Key"
KEY_DAYS = DEFAULT_TTL_SECONDS // 86400
_KEY = ma.validate.Regexp(KEY_PATTERN)
KEY_PARAMETER = {
    "in": "header", "name": KEY_HEADER, "required": True,
    "description": (f"Your unique id for this update (1 to 200 printable ASCII characters). "
                    f"Sending it again within {KEY_DAYS} days with the same body returns "
                    "the same update and writes nothing twice."),
    "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": KEY_PATTERN},
}
MISMATCH = (f"this Idempotency-Key was used for another update in the last {KEY_DAYS} "
            "days: use a new key for a new update")

blueprint = Blueprint("updates", __name__, url_prefix="/updates",
                      description="Quick updates written to SuiteCRM as you, exactly once")


def store() -> UpdateStore:
    return UpdateStore(api_redis())


def idempotency_key() -> str:
    """The request's key, or a 400 that says what is wrong with it."""
    raw = request.headers.get(KEY_HEADER)
    if raw is None or not raw.strip():
        raise ApiError(400, f"send an {KEY_HEADER} header: your unique id for this update, "
                            "so that sending it again never records it twice")
    key = raw.strip()
    try:
        _KEY(key)
    except ma.ValidationError:
        raise ApiError(400, f"the {KEY_HEADER} must be 1 to 200 printable ASCII "
                            "characters") from None
    return key


@blueprint.route("", methods=["POST"])
@blueprint.arguments(UpdateBodySchema)
@blueprint.response(202, UpdateSchema, description="Accepted: a worker writes it soon",
                    headers={"Location": {"description": "Where to follow the update",
                                          "schema": {"type": "string"}}})
@blueprint.alt_response(200, schema=UpdateSchema,
                        description="This key and body were sent before: the same update")
@blueprint.alt_response(400, schema=ErrorSchema, description="No or a bad Idempotency-Key")
@blueprint.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blueprint.alt_response(409, schema=ErrorSchema,
                        description="The Idempotency-Key was used for another body")
@blueprint.alt_response(413, schema=ErrorSchema, description="The body is too large")
@blueprint.doc(parameters=[KEY_PARAMETER], requestBody=UPDATE_BODY_DOC)
def post_update(loaded: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Record an update: log a call, add a note, create or complete a task, move a deal,
    update a contact, reply to or set the status of a social interaction."""
    key = idempotency_key()
    try:
        submission = accept(store(), current_rep().user_id, key, loaded)
    except BadReference as exc:
        raise ApiError(422, "some fields are invalid: see errors",
                       errors={"json": {exc.field: [str(exc)]}}) from None
    if submission.outcome == "mismatch":
        raise ApiError(409, MISMATCH)
    update = submission.update
    status = 202 if submission.outcome == "accepted" else 200
    return present(update), status, {"Location": url_for(".get_update", update_id=update.id)}


@blueprint.route("/<update_id>", methods=["GET"])
@blueprint.response(200, UpdateSchema)
@blueprint.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blueprint.alt_response(404, schema=ErrorSchema, description="No such update of yours")
def get_update(update_id: str) -> dict[str, Any]:
    """One of your updates as it stands: queued, applied, conflict or failed."""
    update = store().get_for(current_rep().user_id, update_id) if len(update_id) <= 64 else None
    if update is None:
        raise ApiError(404, "no such update of yours (updates are kept "
                            f"{KEY_DAYS} days)")
    return present(update)


@blueprint.route("/batch", methods=["POST"])
@blueprint.arguments(BatchSchema)
@blueprint.response(200, BatchAnswerSchema,
                    description="One result per item, in the order sent")
@blueprint.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blueprint.alt_response(413, schema=ErrorSchema,
                        description="The batch is too large: send fewer items at once")
@blueprint.doc(requestBody=BATCH_BODY_DOC)
def post_batch(batch: dict[str, Any]) -> dict[str, Any]:
    """Flush an offline queue: each item has its own key, time and body; they are
    accepted and applied in the order sent."""
    return {"results": submit_batch(store(), current_rep().user_id, batch["items"])}
