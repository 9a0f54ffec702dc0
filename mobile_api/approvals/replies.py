"""``POST /api/v1/replies/check``: the policy's verdict on a reply before it is sent.

The app shows the reasons (and marks the words they point at) while the rep can still
change the reply: the worker gives the very same verdict when the reply is sent
(``workers.updates.reply_policy.check_reply``, the site's policy, the rep's names for
the signature). Nothing is stored or sent.

Either ``interaction_id`` (the network and kind come from the interaction, read as the
rep: one they may not see is a 404) or ``network`` and ``kind`` (``public`` by default).
"""

from __future__ import annotations

from typing import Any

from mobile_api.approvals.schemas import ReplyCheckAnswerSchema, ReplyCheckSchema
from mobile_api.approvals.service import site_policy
from mobile_api.auth.guard import rep_crm
from mobile_api.errors import ApiError, ErrorSchema
from mobile_api.parsing import Blueprint
from mobile_api.records.crm_errors import suitecrm_answers
from plugin.compliance import Kind
from plugin.sync.ids import INTERACTIONS
from workers.updates.replies import MESSAGE_KIND, NOT_POSTED_PREFIXES, REPLYABLE_KINDS
from workers.updates.reply_policy import REPLY_KIND, check_reply, rep_signature

blueprint = Blueprint("replies", __name__, url_prefix="/replies",
                      description="The compliance policy's verdict on a reply, before sending")


@blueprint.route("/check", methods=["POST"])
@blueprint.arguments(ReplyCheckSchema)
@blueprint.response(200, ReplyCheckAnswerSchema)
@blueprint.alt_response(401, schema=ErrorSchema,
                        description="Not logged in, or SuiteCRM no longer accepts your "
                                    "session")
@blueprint.alt_response(404, schema=ErrorSchema,
                        description="No such interaction that you may see")
@blueprint.alt_response(502, schema=ErrorSchema,
                        description="SuiteCRM gave an answer the service cannot use")
@blueprint.alt_response(503, schema=ErrorSchema,
                        description="SuiteCRM is not answering right now (see Retry-After)")
@blueprint.doc(operationId="checkReply")
def check(body: dict[str, Any]) -> dict[str, Any]:
    """The verdict (allowed, needs_approval, blocked) and its reasons, with the places in
    the text they point at."""
    crm = rep_crm()
    kind: Kind = body.get("kind") or REPLY_KIND
    if "interaction_id" in body:
        with suitecrm_answers(missing="no such social interaction"):
            answered = crm.get(INTERACTIONS, body["interaction_id"],
                               fields=["network", "kind", "external_id"])
        network = str(answered.get("network") or "")
        answered_kind = str(answered.get("kind") or "")
        if answered_kind == MESSAGE_KIND:
            kind = "private"  # answered by a Messenger message, checked as private text
        if answered_kind not in (*REPLYABLE_KINDS, MESSAGE_KIND) or not str(
                answered.get("external_id") or "").strip() or str(
                answered.get("external_id")).startswith(NOT_POSTED_PREFIXES):
            raise ApiError(422, "some fields are invalid: see errors", errors={"json": {
                "interaction_id": ["this interaction cannot be answered here: only posts, "
                                   "comments, replies and messages on the network can"]}})
    else:
        network = body["network"]
    with suitecrm_answers():
        names = rep_signature(crm)
    verdict = check_reply(body["text"], network, policy=site_policy(), kind=kind,
                          signature_values=names)
    return {**verdict.to_dict(), "network": network, "kind": kind}
