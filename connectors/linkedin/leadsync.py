"""Lead Sync: lead forms and lead form responses, joined into ``LeadSubmission``s.

Responses are read per lead type (``SPONSORED`` ads, ``COMPANY`` page forms, ...: the
finder takes one at a time) inside a UTC window of epoch milliseconds. The forms of the
owner are read once per sweep; a response that points at a form not in that list (an
archived form, another owner's) has its form fetched by id, and if that form is gone
too the answers are still delivered, keyed ``question_<id>``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from connectors.errors import NotFoundError
from connectors.linkedin import leads
from connectors.linkedin.api import LinkedInApi
from connectors.linkedin.pagination import Listing
from connectors.linkedin.records import LeadForm
from connectors.linkedin.timewindows import TimeWindow
from connectors.linkedin.urns import encode, owner, record
from connectors.social import LeadSubmission


class FormBook:
    """Lead forms by URN, filled from the owner's list and then on demand."""

    def __init__(self, client: LeadSyncMixin, forms: Mapping[str, LeadForm] | None = None):
        self.client = client
        self.forms: dict[str, LeadForm | None] = dict(forms or {})

    def get(self, form_ref: str) -> LeadForm | None:
        urn = leads.form_urn(form_ref)
        if urn not in self.forms:
            try:
                self.forms[urn] = self.client.lead_form(urn)
            except NotFoundError:
                self.forms[urn] = None
        return self.forms[urn]


class LeadSyncMixin:
    api: LinkedInApi

    def lead_forms(self, owner_urn: str) -> Listing[LeadForm]:
        """Forms of an organization (or sponsored account), all states."""
        params = {"q": "owner", "owner": owner(owner_urn)}
        return self.api.listing("leadForms", "/rest/leadForms", params, "/rest/leadForms",
                             leads.lead_form, lambda f: f.form_urn)

    def lead_form(self, form: str | int) -> LeadForm:
        urn = leads.form_urn(form)
        number = urn.rsplit(":", 1)[1]
        data = self.api.get(f"/rest/leadForms/{number}", {}, "/rest/leadForms/{id}", urn)
        return leads.lead_form(data)

    def form_book(self, owner_urn: str) -> FormBook:
        return FormBook(self, {form.form_urn: form for form in self.lead_forms(owner_urn)})

    def lead_responses(self, owner_urn: str, lead_type: str, window: TimeWindow | None = None,
                       *, book: FormBook | None = None) -> Listing[LeadSubmission]:
        """Responses of one lead type, joined with their forms; resumable listing."""
        book = book or self.form_book(owner_urn)
        params = {
            "q": "owner",
            "owner": owner(owner_urn),
            "leadType": record(leadType=lead_type),
            "submittedAtTimeRange": window.restli() if window else None,
        }

        def parse_one(element: Mapping[str, Any]) -> LeadSubmission:
            form = book.get(str(element.get("versionedLeadGenFormUrn") or ""))
            return leads.submission(element, form, owner_urn)

        return self.api.listing("leadFormResponses", "/rest/leadFormResponses", params,
                             "/rest/leadFormResponses", parse_one, lambda s: s.external_id)

    def lead_submissions(self, owner_urn: str, window: TimeWindow | None = None, *,
                         lead_types: tuple[str, ...] | None = None) -> Iterator[LeadSubmission]:
        """Every lead of every configured type in ``window`` (test leads included,
        flagged ``is_test``: the caller decides whether a test lead becomes a CRM lead)."""
        book = self.form_book(owner_urn)
        for lead_type in lead_types or self.api.config.lead_types:
            yield from self.lead_responses(owner_urn, lead_type, window, book=book)

    def lead_submission(self, response: str, *, book: FormBook | None = None) -> LeadSubmission:
        """One response by id or ``urn:li:leadGenFormResponse:<id>`` (after a webhook)."""
        response_id = response.rsplit(":", 1)[-1]
        data = self.api.get(f"/rest/leadFormResponses/{encode(response_id)}", {},
                         "/rest/leadFormResponses/{id}", response)
        book = book or FormBook(self)
        return leads.submission(data, book.get(str(data.get("versionedLeadGenFormUrn") or "")))
