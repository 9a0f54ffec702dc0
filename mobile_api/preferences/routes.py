"""``GET /api/v1/preferences`` and ``PUT /api/v1/preferences``: the caller's own choices.

Per rep, kept in Redis (``workers.kudos.KudosPreferences``); a rep reads and changes only
their own. Today one choice: whether kudos come into the rep's feed (on by default). A
change applies to kudos shared from then on; items already in the feed stay.
"""

from __future__ import annotations

from typing import Any

from mobile_api.auth.guard import current_rep
from mobile_api.errors import ErrorSchema
from mobile_api.parsing import Blueprint
from mobile_api.preferences.schemas import PreferencesSchema
from mobile_api.state import api_redis
from workers.kudos import KudosPreferences

blueprint = Blueprint("preferences", __name__, url_prefix="/preferences",
                      description="Your own choices for your feed")


def _preferences(user_id: str) -> dict[str, Any]:
    return {"kudos": KudosPreferences(api_redis()).receives(user_id)}


@blueprint.route("", methods=["GET"])
@blueprint.response(200, PreferencesSchema)
@blueprint.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blueprint.doc(operationId="getPreferences")
def get_preferences() -> dict[str, Any]:
    """Your preferences."""
    return _preferences(current_rep().user_id)


@blueprint.route("", methods=["PUT"])
@blueprint.arguments(PreferencesSchema)
@blueprint.response(200, PreferencesSchema)
@blueprint.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blueprint.doc(operationId="putPreferences")
def put_preferences(body: dict[str, Any]) -> dict[str, Any]:
    """Replace your preferences (``{"kudos": false}`` keeps kudos out of your feed)."""
    rep = current_rep()
    KudosPreferences(api_redis()).set_receives(rep.user_id, bool(body["kudos"]))
    return _preferences(rep.user_id)
