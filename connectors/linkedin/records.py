"""Records only LinkedIn produces; the shared ones live in ``connectors.social``.

Lead forms are read to *name* the answers of lead responses; follower statistics have no
Facebook twin; ``ObjectDeletion`` is how a sweep reports a post or comment that vanished
between listing and reading, so callers record the deletion instead of keeping a stale
copy or silently skipping it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class LeadQuestion:
    question_id: str
    name: str  # the form's own question name (``firstName``, ``interest``); keys answers
    label: str = ""
    predefined_field: str | None = None  # FIRST_NAME, EMAIL, ... when LinkedIn prefills it
    options: Mapping[str, str] = field(default_factory=dict)  # option id -> text


@dataclass(frozen=True, slots=True)
class LeadConsent:
    consent_id: str
    name: str
    required: bool = False


@dataclass(frozen=True, slots=True)
class LeadForm:
    form_urn: str  # urn:li:leadGenForm:N
    name: str
    owner_id: str
    state: str = ""
    questions: tuple[LeadQuestion, ...] = ()
    consents: tuple[LeadConsent, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def question(self, question_id: str) -> LeadQuestion | None:
        return next((q for q in self.questions if q.question_id == question_id), None)

    def consent(self, consent_id: str) -> LeadConsent | None:
        return next((c for c in self.consents if c.consent_id == consent_id), None)


@dataclass(frozen=True, slots=True)
class FollowerStatistics:
    """Lifetime follower counts of an organization, by facet (seniority, country...)."""

    organization: str
    total: int
    by_facet: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class FollowerGain:
    """New followers in one UTC interval of a time-bound statistics request."""

    organization: str
    start: datetime
    end: datetime
    organic: int
    paid: int


@dataclass(frozen=True, slots=True)
class ObjectDeletion:
    """``object_id`` was deleted on LinkedIn (answered 404 when we read it)."""

    object_id: str
    kind: str  # "post" or "comment"
    parent_id: str | None = None  # the post a deleted comment belonged to
