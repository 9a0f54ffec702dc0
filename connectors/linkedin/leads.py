"""Lead Sync: forms and their responses, joined so answers are keyed by question name.

A lead form response carries answers as ``{questionId, answerDetails}`` only; the names
and labels live on the form. Syncing the ids alone produces CRM leads with fields called
``101`` and ``105`` (or none at all, when a mapping expects names). So every response is
joined with its form here: answers are keyed by the form's question ``name``, multiple
choice option ids become their texts, consents are keyed by their text, and an answer
to a question the form no longer has is kept as ``question_<id>``, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from connectors.errors import BadResponseError
from connectors.linkedin.parse import LI, optional, required
from connectors.linkedin.records import LeadConsent, LeadForm, LeadQuestion
from connectors.social import LeadSubmission, SocialIdentity, utc_from_epoch_millis

_VERSIONED = re.compile(r"^urn:li:versionedLeadGenForm:\((?P<form>urn:li:leadGenForm:\d+),\d+\)$")


def localized(value: Any) -> str:
    """``{"localized": {"en_US": "First name"}}`` -> the en_US text, else the first one."""
    texts = optional(value, "localized") if isinstance(value, Mapping) else None
    if isinstance(texts, Mapping) and texts:
        return str(texts.get("en_US") or next(iter(texts.values())))
    return str(value) if isinstance(value, str) else ""


def form_urn(value: str | int) -> str:
    """A form id, a form URN or a *versioned* form URN -> ``urn:li:leadGenForm:N``."""
    text = str(value)
    if text.isdigit():
        return f"urn:li:leadGenForm:{text}"
    match = _VERSIONED.match(text)
    if match:
        return match.group("form")
    if text.startswith("urn:li:leadGenForm:"):
        return text
    raise BadResponseError(f"not a lead form reference: {text!r}", service="linkedin")


def _question(entry: Mapping[str, Any]) -> LeadQuestion:
    question_id = str(required(entry, "questionId"))
    options = optional(entry, "questionDetails", "multipleChoiceQuestionDetails", "options")
    predefined = entry.get("predefinedField")
    name = entry.get("name") or (str(predefined).lower() if predefined else "")
    return LeadQuestion(
        question_id=question_id,
        name=str(name or f"question_{question_id}"),
        label=localized(entry.get("question")),
        predefined_field=str(predefined) if predefined else None,
        options={str(o.get("id")): localized(o.get("text")) for o in options or ()
                 if isinstance(o, Mapping)},
    )


def lead_form(element: Mapping[str, Any]) -> LeadForm:
    owner = element.get("owner") or {}
    owner_id = next(iter(owner.values()), "") if isinstance(owner, Mapping) else str(owner)
    content = element.get("content") or {}
    consents = tuple(
        LeadConsent(
            consent_id=str(required(c, "consentId")),
            name=localized(c.get("consent")) or f"consent_{c.get('consentId')}",
            required=bool(c.get("required")),
        )
        for c in content.get("consents") or ()
    )
    return LeadForm(
        form_urn=form_urn(required(element, "id")),
        name=str(element.get("name") or ""),
        owner_id=str(owner_id),
        state=str(element.get("state") or ""),
        questions=tuple(_question(q) for q in content.get("questions") or ()),
        consents=consents,
        raw=element,
    )


def _answer_text(details: Mapping[str, Any], question: LeadQuestion | None) -> str:
    text = optional(details, "textQuestionAnswer", "answer")
    if text is not None:
        return str(text)
    chosen = optional(details, "multipleChoiceAnswer", "options")
    if isinstance(chosen, list):
        options = question.options if question else {}
        return ", ".join(options.get(str(option), str(option)) for option in chosen)
    return ""


def answers_by_name(element: Mapping[str, Any], form: LeadForm | None) -> dict[str, str]:
    answers: dict[str, str] = {}
    for answer in optional(element, "formResponse", "answers") or ():
        question_id = str(required(answer, "questionId"))
        question = form.question(question_id) if form else None
        name = question.name if question else f"question_{question_id}"
        answers[name] = _answer_text(answer.get("answerDetails") or {}, question)
    return answers


def consents_by_name(element: Mapping[str, Any], form: LeadForm | None) -> dict[str, bool]:
    consents: dict[str, bool] = {}
    for response in optional(element, "formResponse", "consentResponses") or ():
        consent_id = str(required(response, "consentId"))
        consent = form.consent(consent_id) if form else None
        consents[consent.name if consent else f"consent_{consent_id}"] = bool(
            response.get("accepted"))
    return consents


def _predefined(answers: Mapping[str, str], form: LeadForm | None, field: str) -> str | None:
    for question in form.questions if form else ():
        if question.predefined_field == field and answers.get(question.name):
            return answers[question.name]
    return None


def submission(element: Mapping[str, Any], form: LeadForm | None,
               owner_id: str = "") -> LeadSubmission:
    """One ``leadFormResponses`` element joined with its form (``None`` if unknown)."""
    answers = answers_by_name(element, form)
    submitter_urn = element.get("submitter")
    submitter = None
    if submitter_urn:
        names = (_predefined(answers, form, "FIRST_NAME"), _predefined(answers, form, "LAST_NAME"))
        submitter = SocialIdentity(network=LI, external_id=str(submitter_urn),
                                   name=" ".join(part for part in names if part),
                                   email=_predefined(answers, form, "EMAIL"))
    owner = element.get("owner")
    if isinstance(owner, Mapping) and owner:
        owner_id = str(next(iter(owner.values())))
    return LeadSubmission(
        network=LI,
        external_id=str(required(element, "id")),
        form_id=form_urn(required(element, "versionedLeadGenFormUrn")),
        submitted_at=utc_from_epoch_millis(required(element, "submittedAt")),
        answers=answers,
        owner_id=owner_id or (form.owner_id if form else ""),
        form_name=form.name if form else "",
        consents=consents_by_name(element, form),
        is_test=bool(element.get("testLead")),
        ad_id=optional(element, "associatedEntity", "associatedCreative")
        or optional(element, "leadMetadata", "sponsoredLeadMetadata", "campaign"),
        submitter=submitter,
        raw=element,
    )
