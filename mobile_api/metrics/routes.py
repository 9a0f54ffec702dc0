"""``GET /api/v1/metrics``: actual against goal; ``GET|PUT /api/v1/goals``: the goals.

Metrics are read from SuiteCRM with the caller's own token (``rep_crm()``), so SuiteCRM's
roles decide what they cover: everything the caller may see, nothing more. Computed
figures are cached per caller and query for a minute (``workers.metrics``); the goals are
applied on every answer, so a goal just set shows at once.

Goals are one company-wide set: everyone logged in reads them, only SuiteCRM
administrators change them (a rep gets 403).
"""

from __future__ import annotations

from typing import Any

from mobile_api.auth.guard import current_rep, rep_crm
from mobile_api.errors import ApiError, ErrorSchema
from mobile_api.metrics.schemas import GoalsInputSchema, GoalsSchema, MetricsArgs, MetricsSchema
from mobile_api.parsing import Blueprint
from mobile_api.records.crm_errors import suitecrm_answers
from mobile_api.state import api_redis
from plugin.metrics import Goals
from workers.metrics import GoalStore, MetricsQuery, metrics

blueprint = Blueprint("metrics", __name__, description="Goals and metrics for managers")


@blueprint.route("/metrics", methods=["GET"])
@blueprint.arguments(MetricsArgs, location="query")
@blueprint.response(200, MetricsSchema)
@blueprint.alt_response(401, schema=ErrorSchema,
                        description="Not logged in, or SuiteCRM no longer accepts your "
                                    "session")
@blueprint.alt_response(403, schema=ErrorSchema,
                        description="SuiteCRM refused a read the figures need (a module "
                                    "your role closes altogether is listed in "
                                    "unreadable_modules instead)")
@blueprint.alt_response(502, schema=ErrorSchema,
                        description="SuiteCRM gave an answer the service cannot use")
@blueprint.alt_response(503, schema=ErrorSchema,
                        description="SuiteCRM is not answering right now (see Retry-After)")
@blueprint.doc(operationId="getMetrics")
def get_metrics(args: dict[str, Any]) -> dict[str, Any]:
    """Actual against goal: overall, per network, per team member and per day.

    Counts (inbound, answered, complaints, Cases opened, social leads), first-response
    times (median, p90), SLA percent met, average sentiment and its daily trend, volume
    per network per day, for the records your SuiteCRM role lets you see.
    """
    rep = current_rep()
    query = MetricsQuery(period=args["period"].strip(), time_zone=args["tz"],
                         network=args.get("network"), user_id=args.get("user"))
    with suitecrm_answers():
        return metrics(api_redis(), rep_crm(), query, viewer_id=rep.user_id)


@blueprint.route("/goals", methods=["GET"])
@blueprint.response(200, GoalsSchema)
@blueprint.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blueprint.doc(operationId="getGoals")
def get_goals() -> dict[str, Any]:
    """The company's goals (null: no goal set)."""
    return GoalStore(api_redis()).get().to_json()


@blueprint.route("/goals", methods=["PUT"])
@blueprint.arguments(GoalsInputSchema)
@blueprint.response(200, GoalsSchema)
@blueprint.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blueprint.alt_response(403, schema=ErrorSchema,
                        description="Only SuiteCRM administrators set goals")
@blueprint.doc(operationId="putGoals")
def put_goals(body: dict[str, Any]) -> dict[str, Any]:
    """Replace the goals (a goal left out or null is removed). Administrators only."""
    rep = current_rep()
    if not rep.is_admin:
        raise ApiError(403, "only SuiteCRM administrators set goals")
    stored = GoalStore(api_redis()).put(Goals(**body), updated_by=rep.user_name)
    return stored.to_json()
