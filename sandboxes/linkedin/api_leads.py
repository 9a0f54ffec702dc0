"""Sandbox routes for Lead Sync: lead forms and lead form responses.

``submittedAtTimeRange`` is served half-open, ``start <= submittedAt < end``, in epoch
milliseconds; a lead exactly at a UTC midnight belongs to the day that starts there.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from sandboxes.linkedin import web
from sandboxes.linkedin.paging import ApiError, page
from sandboxes.linkedin.state import SandboxState

blueprint = Blueprint("linkedin_leads", __name__)
LEAD_TYPES = frozenset({"SPONSORED", "EVENT", "COMPANY", "ORGANIZATION_PRODUCT"})


def _owner(current: SandboxState) -> str:
    owner = web.param("owner")
    if not isinstance(owner, dict) or len(owner) != 1:
        raise ApiError(400, "owner must be (organization:<encoded URN>) or "
                       "(sponsoredAccount:<encoded URN>)", service_error_code=100)
    urn = next(iter(owner.values()))
    if not isinstance(urn, str) or not urn.startswith("urn:li:"):
        raise ApiError(400, "owner must hold an encoded URN", service_error_code=100)
    if urn != current.organization:
        raise ApiError(403, f"Not enough permissions to access leads of {urn}",
                       code="ACCESS_DENIED", service_error_code=100)
    return urn


def _window() -> tuple[int, int] | None:
    window = web.param("submittedAtTimeRange", required=False)
    if window is None:
        return None
    try:
        start, end = int(window["start"]), int(window["end"])
    except (KeyError, TypeError, ValueError):
        raise ApiError(400, "submittedAtTimeRange must be (start:<epoch ms>,end:<epoch ms>)",
                       service_error_code=100) from None
    if start >= end:
        raise ApiError(400, "submittedAtTimeRange start must be before end",
                       service_error_code=100)
    return start, end


@blueprint.get("/rest/leadForms")
def find_forms() -> Response:
    current = web.state()
    web.finder("owner", "owner")
    owner = _owner(current)
    forms = [f for f in current.lead_forms if owner in f["owner"].values()]
    return web.answer(page(current, forms, web.params(), raw_path=web.raw_path()))


@blueprint.get("/rest/leadForms/<int:form_id>")
def get_form(form_id: int) -> Response:
    web.accept(paged=False)
    form = next((f for f in web.state().lead_forms if f["id"] == form_id), None)
    if form is None:
        raise web.not_found(f"urn:li:leadGenForm:{form_id}")
    return web.answer(form)


@blueprint.get("/rest/leadFormResponses")
def find_responses() -> Response:
    current = web.state()
    web.finder("owner", "owner", "leadType", "submittedAtTimeRange")
    owner = _owner(current)
    lead_type = web.param("leadType")
    if not isinstance(lead_type, dict) or lead_type.get("leadType") not in LEAD_TYPES:
        raise ApiError(400, f"leadType must be (leadType:<one of {sorted(LEAD_TYPES)}>)",
                       service_error_code=100)
    window = _window()
    with current.lock:
        responses: list[dict[str, Any]] = [
            r for r in current.visible(current.lead_responses, "id")
            if r["leadType"] == lead_type["leadType"] and owner in r["owner"].values()
            and (window is None or window[0] <= r["submittedAt"] < window[1])
        ]
    return web.answer(page(current, responses, web.params(), raw_path=web.raw_path()))


@blueprint.get("/rest/leadFormResponses/<response_id>")
def get_response(response_id: str) -> Response:
    current = web.state()
    web.accept(paged=False)
    with current.lock:
        found = next((r for r in current.visible(current.lead_responses, "id")
                      if r["id"] == response_id), None)
    if found is None:
        raise web.not_found(f"urn:li:leadGenFormResponse:{response_id}")
    return web.answer(found)
