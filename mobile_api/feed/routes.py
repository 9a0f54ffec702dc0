"""``/api/v1/feed``: the rep's timeline, a page per request, and the delta since a sync.

Both read only the calling rep's keys in the Redis feed store (``workers.feed``), each in
one script: a rep can name no other rep's feed. A page carries an ETag, so a phone that
polls gets ``304`` with no body while nothing changed; ``/feed/changes`` lets an offline
app catch up with what changed since its last sync (``workers.feed_changes``).
"""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.views import MethodView

from mobile_api.auth.guard import answers_with_token, current_rep, reads_with_token
from mobile_api.errors import ApiError, ErrorSchema
from mobile_api.feed import bodies, pages
from mobile_api.feed.compression import chosen_encoding
from mobile_api.feed.schemas import (
    ChangesQuerySchema,
    ChangesSchema,
    FeedPageSchema,
    FeedQuerySchema,
)
from mobile_api.parsing import Blueprint
from mobile_api.state import api_redis
from workers import feed
from workers.feed_changes import (
    Delta,
    TokenError,
    TokenExpired,
    changes_since,
    current_token,
)

blueprint = Blueprint("feed", __name__, url_prefix="/feed",
                      description="The rep's activity feed, newest first, and its delta")

RESYNC = ("this sync token is older than the changes the feed keeps ({reason}): read the "
          "feed again from GET /api/v1/feed, after taking a new token from "
          "GET /api/v1/feed/changes without since")
ETAG_HEADER = {"ETag": {"description": "The page's tag: send it as If-None-Match",
                        "schema": {"type": "string"}}}


# The conditional header, read by ``bodies.conditional`` from the request: documented as a
# parameter of the route, not parsed as an argument (webargs would cost every page read a
# schema load for a header it never needs to check), nor with ``doc(parameters=...)``,
# which would replace the query parameters in the OpenAPI document.
IF_NONE_MATCH = {"in": "header", "name": "If-None-Match", "required": False,
                 "schema": {"type": "string"},
                 "description": "The ETag of the copy the app has: 304 when unchanged"}
# Schema instances, not classes: webargs builds a schema per request from a class, which
# costs a page read about a tenth of its time; these schemas hold no request state.
FEED_QUERY, CHANGES_QUERY = FeedQuerySchema(), ChangesQuerySchema()


@blueprint.route("", parameters=[IF_NONE_MATCH])
class Feed(MethodView):
    @reads_with_token(pages.read_state)
    @blueprint.arguments(FEED_QUERY, location="query")
    @blueprint.response(200, FeedPageSchema, headers=ETAG_HEADER)
    @blueprint.alt_response(304, description="Not Modified: the page is the one the app has")
    @blueprint.alt_response(400, schema=ErrorSchema, description="Not a cursor of this feed")
    @blueprint.alt_response(401, schema=ErrorSchema, description="Not logged in")
    def get(self, query: dict[str, Any]) -> Response:
        """A page of the rep's feed, newest first; filter by `type` and `record`."""
        try:
            page = pages.page(api_redis(), current_rep().user_id, query,
                              answers_with_token())
        except feed.CursorError:
            raise ApiError(400, "the cursor is not one this feed gave: start from the top",
                           errors={"query": {"cursor": ["not a cursor of this feed"]}}
                           ) from None
        return bodies.conditional(page.body, page.tag,
                                  encoding=chosen_encoding(request, len(page.body)),
                                  encoded=page.encoded)


@blueprint.route("/changes")
class Changes(MethodView):
    @blueprint.arguments(CHANGES_QUERY, location="query")
    @blueprint.response(200, ChangesSchema)
    @blueprint.alt_response(400, schema=ErrorSchema, description="Not a sync token")
    @blueprint.alt_response(401, schema=ErrorSchema, description="Not logged in")
    @blueprint.alt_response(410, schema=ErrorSchema,
                            description="The token is too old: resync from GET /feed")
    def get(self, query: dict[str, Any]) -> Response:
        """What changed in the rep's feed since a sync token, for offline apps.

        Without `since`: the current token. To sync from nothing, take it first, read the
        feed, then ask for the changes since it."""
        client, user_id = api_redis(), current_rep().user_id
        since: str | None = query.get("since")
        if since is None:
            delta = Delta((), (), current_token(client, user_id), more=False)
            return bodies.uncached(bodies.changes_body(delta))
        try:
            delta = changes_since(client, user_id, since, query["limit"])
        except TokenError:
            raise ApiError(400, "since is not a sync token this feed gave",
                           errors={"query": {"since": ["not a sync token"]}}) from None
        except TokenExpired as gone:
            raise ApiError(410, RESYNC.format(reason=gone.reason)) from None
        return bodies.uncached(bodies.changes_body(delta))
