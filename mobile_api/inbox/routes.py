"""``GET /api/v1/inbox``: the social interactions waiting for this rep's answer, most
urgent SLA first (``mobile_api.inbox.service``). Answering goes through
``POST /api/v1/updates`` (type reply), which shares its idempotency.

The waiting list is read from SuiteCRM with the rep's own token and kept in the rep's
cache (``workers.record_cache``); ``time_left_seconds`` is computed at each answer, so a
cached list still counts down.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from mobile_api.auth.guard import current_rep, rep_crm
from mobile_api.errors import ErrorSchema
from mobile_api.inbox.schemas import InboxArgs, InboxPageSchema
from mobile_api.inbox.service import INTERACTIONS, cursor_key, page, waiting
from mobile_api.parsing import Blueprint
from mobile_api.records.crm_errors import suitecrm_answers
from mobile_api.state import api_redis
from workers.record_cache import RecordCache, Tag

blueprint = Blueprint("inbox", __name__, url_prefix="/inbox",
                      description="Social interactions waiting for your answer")


@blueprint.route("", methods=["GET"])
@blueprint.arguments(InboxArgs, location="query")
@blueprint.response(200, InboxPageSchema)
@blueprint.alt_response(401, schema=ErrorSchema,
                        description="Not logged in, or SuiteCRM no longer accepts your "
                                    "session")
@blueprint.alt_response(403, schema=ErrorSchema,
                        description="Your SuiteCRM role closes social interactions to you")
@blueprint.alt_response(502, schema=ErrorSchema,
                        description="SuiteCRM gave an answer the service cannot use")
@blueprint.alt_response(503, schema=ErrorSchema,
                        description="SuiteCRM is not answering right now (see Retry-After)")
@blueprint.doc(operationId="getInbox")
def inbox(args: dict[str, Any]) -> Any:
    """What waits for your answer, most urgent first.

    Inbound social interactions assigned to you with status new or assigned and no
    response yet; the nearest SLA due time first (overdue ones lead), those without an
    SLA last.
    """
    rep = current_rep()
    after = cursor_key(args.get("cursor"))

    def read() -> Any:
        with suitecrm_answers():
            return waiting(rep_crm(), rep.user_id)

    items = RecordCache(api_redis(), rep.user_id).answer(("inbox",), [Tag(INTERACTIONS)],
                                                         read)
    return page(items, after, args["limit"], datetime.now(UTC))
