"""``GET /api/v1/advocates``: the best advocates among the profiles the caller may see.

Read from SuiteCRM with the caller's own token (``rep_crm()``): SuiteCRM's roles decide
which Social Profiles are ranked. Scores and flags are SuiteCRM's (written by the
refresh job); the components that explain them come from Redis
(``mobile_api.advocates.service``). Not cached: each answer is SuiteCRM's current state.
"""

from __future__ import annotations

from typing import Any

from mobile_api.advocates.schemas import AdvocateRankingSchema, AdvocatesArgs
from mobile_api.advocates.service import AdvocateQuery, top_advocates
from mobile_api.auth.guard import rep_crm
from mobile_api.errors import ErrorSchema
from mobile_api.parsing import Blueprint
from mobile_api.records.crm_errors import suitecrm_answers
from mobile_api.state import api_redis

blueprint = Blueprint("advocates", __name__, url_prefix="/advocates",
                      description="Customers who speak well of the company")


@blueprint.route("", methods=["GET"])
@blueprint.arguments(AdvocatesArgs, location="query")
@blueprint.response(200, AdvocateRankingSchema)
@blueprint.alt_response(401, schema=ErrorSchema,
                        description="Not logged in, or SuiteCRM no longer accepts your "
                                    "session")
@blueprint.alt_response(403, schema=ErrorSchema,
                        description="Your SuiteCRM role closes Social Profiles to you")
@blueprint.alt_response(502, schema=ErrorSchema,
                        description="SuiteCRM gave an answer the service cannot use")
@blueprint.alt_response(503, schema=ErrorSchema,
                        description="SuiteCRM is not answering right now (see Retry-After)")
@blueprint.doc(operationId="getAdvocates")
def get_advocates(args: dict[str, Any]) -> dict[str, Any]:
    """The top advocates, best first.

    Social Profiles by advocate score (0-100: positive talk, how often, how lately, how
    far it reaches), with the parts of each score. Discount seekers (whose positive talk
    is mostly about discounts, coupons or free things) are left out unless
    `include_discount_seekers=true`.
    """
    query = AdvocateQuery(limit=args["limit"], network=args.get("network"),
                          account_id=args.get("account_id"),
                          include_discount_seekers=args["include_discount_seekers"])
    with suitecrm_answers():
        return {"items": top_advocates(api_redis(), rep_crm(), query)}
