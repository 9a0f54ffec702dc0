"""Lead Ads: forms (archived ones too) and their leads since a watermark.

Leads are filtered server-side with ``filtering=[{"field":"time_created",
"operator":"GREATER_THAN","value":<epoch>}]``; the watermark (``LeadWatermark``) makes
that filter exact at the second boundary. The first page of every form's leads is read
in one batch call, further pages in batch rounds, so reading a Page's leads costs a
couple of calls, not one per form.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from connectors.errors import BadResponseError
from connectors.facebook import parse
from connectors.facebook.access import confirm_page_access
from connectors.facebook.batch import follow_all
from connectors.facebook.errors import SERVICE
from connectors.facebook.fields import Query
from connectors.facebook.pagination import Page, Paginator
from connectors.facebook.records import LeadForm, LeadQuestion, LeadRead, LeadWatermark
from connectors.social import LeadSubmission

if TYPE_CHECKING:
    from connectors.facebook.graph import GraphApi

FORM_FIELDS = ("id", "name", "status", "locale", "questions", "leads_count", "created_time")
LEAD_FIELDS = ("id", "created_time", "ad_id", "form_id", "is_organic", "platform",
               "field_data", "custom_disclaimer_responses")
LEADS_LABEL = "GET /{form}/leads"


def leads_filter(watermark: LeadWatermark | None) -> dict[str, str]:
    """``filtering`` for leads created at or after the watermark's second."""
    if watermark is None or watermark.epoch <= 0:
        return {}
    rule = {"field": "time_created", "operator": "GREATER_THAN", "value": watermark.epoch - 1}
    return {"filtering": json.dumps([rule], separators=(",", ":"))}


def _form(raw: Mapping[str, Any], page_id: str) -> LeadForm:
    questions = tuple(
        LeadQuestion(key=str(q.get("key")), label=str(q.get("label") or q.get("key")),
                     type=str(q.get("type") or "CUSTOM"))
        for q in raw.get("questions") or [] if isinstance(q, Mapping) and q.get("key")
    )
    count = raw.get("leads_count")
    return LeadForm(external_id=str(raw["id"]), page_id=page_id,
                    name=str(raw.get("name") or ""), status=str(raw.get("status") or ""),
                    questions=questions, leads_count=count if isinstance(count, int) else None)


class LeadsMixin:
    graph: GraphApi

    def lead_forms(self, page_id: str) -> list[LeadForm]:
        """Every lead form of the Page, whatever its status (ARCHIVED ones keep leads)."""
        pages = Paginator(self.graph, f"{page_id}/leadgen_forms",
                          Query(fields=FORM_FIELDS, limit=100),
                          endpoint="GET /{page}/leadgen_forms")
        return [_form(raw, page_id) for raw in pages.items() if raw.get("id")]

    def iter_leads(self, form: LeadForm, since: LeadWatermark | None = None, *,
                   limit: int = 100) -> Iterator[LeadSubmission]:
        """Leads of one form at or after ``since``, minus those it already saw."""
        seen = since.seen_ids if since else frozenset()
        pages = Paginator(self.graph, f"{form.external_id}/leads",
                          Query(fields=LEAD_FIELDS, limit=limit), endpoint=LEADS_LABEL,
                          params=leads_filter(since))
        for raw in pages.items():
            lead = parse.lead(raw, page_id=form.page_id, form_name=form.name)
            if lead.external_id not in seen:
                yield _with_form(lead, form)

    def read_leads(self, forms: Sequence[LeadForm],
                   since: Mapping[str, LeadWatermark] | None = None, *,
                   limit: int = 100) -> LeadRead:
        """New leads of many forms through batch requests, and the advanced watermarks."""
        marks = dict(since or {})
        by_form: dict[str, list[LeadSubmission]] = {f.external_id: [] for f in forms}
        by_id = {f.external_id: f for f in forms}

        def collect(form_id: str, page: Page) -> None:
            form = by_id[form_id]
            seen = marks[form_id].seen_ids if form_id in marks else frozenset()
            for raw in page.data:
                lead = parse.lead(raw, page_id=form.page_id, form_name=form.name)
                if lead.external_id not in seen:
                    by_form[form_id].append(_with_form(lead, form))

        starts = {f.external_id: (f"{f.external_id}/leads", leads_filter(marks.get(f.external_id)))
                  for f in forms}
        deleted = follow_all(self.graph, starts, Query(fields=LEAD_FIELDS, limit=limit),
                             collect, label=LEADS_LABEL)
        for page_id in sorted({by_id[form_id].page_id for form_id in deleted}):
            confirm_page_access(self.graph, page_id)  # 100/33 may only mean "no access"
        leads: list[LeadSubmission] = []
        watermarks: dict[str, LeadWatermark] = {}
        for form_id, found in by_form.items():
            unique = tuple({lead.external_id: lead for lead in found}.values())
            leads.extend(unique)
            watermarks[form_id] = marks.get(form_id, LeadWatermark()).advance(unique)
        leads.sort(key=lambda lead: (lead.submitted_at, lead.external_id))
        return LeadRead(leads=tuple(leads), watermarks=watermarks,
                        deleted_forms=frozenset(deleted))

    def lead(self, leadgen_id: str, *, form: LeadForm | None = None,
             page_id: str = "") -> LeadSubmission:
        """One lead by id (what a ``leadgen`` webhook announces)."""
        body = self.graph.get(leadgen_id, {"fields": ",".join(LEAD_FIELDS)},
                              endpoint="GET /{lead}")
        if not isinstance(body, Mapping):
            raise BadResponseError("lead answer is not an object", service=SERVICE)
        lead = parse.lead(body, page_id=form.page_id if form else page_id,
                          form_name=form.name if form else "")
        return _with_form(lead, form) if form else lead


def _with_form(lead: LeadSubmission, form: LeadForm | None) -> LeadSubmission:
    """Fill ``form_id`` when Graph left it out (it is optional on the lead node)."""
    if form is None or lead.form_id:
        return lead
    return replace(lead, form_id=form.external_id)
