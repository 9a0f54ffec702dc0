"""Who may decide, which policy the API checks with, and approvals as the API shows them."""

from __future__ import annotations

import threading
from typing import Any

from flask import current_app

from connectors.errors import ConnectorError
from mobile_api.auth.guard import rep_crm
from mobile_api.errors import ApiError
from mobile_api.state import api_config
from plugin.compliance import Policy
from workers.approvals import Approval
from workers.rep_sessions import Rep
from workers.updates.reply_policy import SitePolicy

POLICY_EXTENSION = "socialcrm.reply_policy"
_guard = threading.Lock()
_SUMMARY = ("network", "kind", "body", "author_name", "permalink", "case_id", "contact_id",
            "lead_id")


def is_manager(rep: Rep) -> bool:
    """A SuiteCRM administrator, or one of the team's managers (``[team] managers``)."""
    return rep.is_admin or rep.user_id in api_config().managers


def require_manager(rep: Rep) -> None:
    if not is_manager(rep):
        raise ApiError(403, "only managers decide on held replies (SuiteCRM administrators "
                            "and the team's managers)")


def site_policy() -> Policy:
    """The app's compliance policy, compiled once per process on first use."""
    with _guard:
        site = current_app.extensions.get(POLICY_EXTENSION)
        if not isinstance(site, SitePolicy):
            site = SitePolicy(api_config().policy_file)
            current_app.extensions[POLICY_EXTENSION] = site
    return site.get()


def display_name(rep: Rep) -> str:
    """The rep's full name as SuiteCRM has it (their login name if SuiteCRM cannot say)."""
    try:
        return rep_crm().current_user().full_name.strip() or rep.user_name
    except (ConnectorError, ApiError):
        return rep.user_name


def present(approval: Approval) -> dict[str, Any]:
    """``approval`` in the shape of ``ApprovalSchema``."""
    request = approval.request
    interaction = {"id": str(request.interaction.get("id") or ""),
                   **{name: _text_or_none(request.interaction.get(name)) for name in _SUMMARY}}
    verdict = request.verdict
    decided = approval.state != "waiting"
    return {
        "id": request.id, "state": approval.state, "text": request.text,
        "network": request.network,
        "verdict": {"decision": verdict.get("decision", "needs_approval"),
                    "reason": str(verdict.get("reason") or ""),
                    "language": str(verdict.get("language") or ""),
                    "reasons": list(verdict.get("reasons") or [])},
        "author": {"user_id": request.author_id, "name": request.author_name},
        "interaction": interaction, "update_id": request.update_id,
        "draft_id": request.draft_id or None, "requested_at": request.requested_at,
        "decided_by": {"user_id": approval.decided_by_id, "name": approval.decided_by_name}
        if decided else None,
        "decided_at": approval.decided_at if decided else None,
        "note": approval.note if decided else None,
    }


def _text_or_none(value: Any) -> str | None:
    return None if value in (None, "") else str(value)
