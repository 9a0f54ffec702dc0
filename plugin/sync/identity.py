"""Who is behind a social profile: match it to a Contact or Lead, or say why not.

The keys are tried in a fixed order, strongest first, and the first key that finds
anyone decides: the stored social id (a profile of the same network and id already
linked), the email address, the phone number (E.164), the name together with the
company. Each candidate carries a confidence score and what matched
(``plugin.sync.candidates``).

A decision is never a guess. Several records at the same level are ambiguous and go to
review; a single record below the policy's threshold goes to review too (a Lead created
beside a likely match would be a duplicate someone later has to merge); only when
nobody matched at all does the policy choose between creating a Lead and review.
Records are never merged: a link is an id on the profile, recorded with its evidence,
and ``plugin.sync.evidence.undo_last_link`` takes it back.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from connectors.errors import ConflictError
from connectors.social import SocialIdentity
from connectors.suitecrm import SuiteCRMClient
from connectors.suitecrm.records import Record
from plugin.sync import candidates as find
from plugin.sync import contact_points as cp
from plugin.sync import evidence as ev
from plugin.sync.evidence import Candidate, ProfileLink
from plugin.sync.ids import record_id

LEVELS: tuple[find.Level, ...] = ("social_id", "email", "phone", "name_company")
NETWORK_NAMES = {"facebook": "Facebook", "linkedin": "LinkedIn"}


@dataclass(frozen=True, slots=True)
class IdentityFacts:
    """What a network or a lead form told us about a person (any part may be missing)."""

    network: str
    external_id: str
    name: str = ""
    email: str | None = None
    phone: str | None = None
    company: str | None = None
    handle: str | None = None

    @classmethod
    def of(cls, identity: SocialIdentity, *, phone: str | None = None,
           company: str | None = None) -> IdentityFacts:
        return cls(str(identity.network), identity.external_id, identity.name,
                   identity.email, phone, company, identity.handle)

    def as_json(self, region: str) -> dict[str, Any]:
        """The facts as the evidence shows them: email and phone as they were compared."""
        return {"network": self.network, "external_id": self.external_id, "name": self.name,
                "email": cp.normalise_email(self.email) or self.email,
                "phone": cp.normalise_phone(self.phone, region) or self.phone,
                "company": self.company}


@dataclass(frozen=True, slots=True)
class MatchPolicy:
    """How sure a match must be, and what happens when nobody is found.

    ``default_region`` reads numbers written without a country code (``US``: ``555 010
    0001``; ``RU``: ``8 916 123-45-67``). ``lead_status``/``lead_source`` are given to
    a Lead created by ``below_threshold="create_lead"``.
    """

    threshold: float = 0.9
    below_threshold: Literal["review", "create_lead"] = "review"
    default_region: str = "US"
    lead_status: str = "New"
    lead_source: str = "Other"

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], not {self.threshold}")
        if self.below_threshold not in ("review", "create_lead"):
            raise ValueError("below_threshold must be 'review' or 'create_lead', "
                             f"not {self.below_threshold!r}")
        if not cp.is_known_region(self.default_region):
            raise ValueError(f"default_region {self.default_region!r} is not a phone region "
                             "(use e.g. US, RU)")


@dataclass(frozen=True, slots=True)
class Match:
    """The outcome of matching; ``decision`` is what ``apply_match`` will do."""

    decision: Literal["link", "review", "create_lead"]
    facts: IdentityFacts
    reason: str
    level: find.Level | None = None
    chosen: Candidate | None = None
    candidates: tuple[Candidate, ...] = ()
    skipped: Mapping[str, str] = field(default_factory=dict)

    @property
    def confidence(self) -> float | None:
        return self.chosen.confidence if self.chosen else None


@dataclass(frozen=True, slots=True)
class Applied:
    """What ``apply_match`` did, and the profile's four fields afterwards.

    ``action``: ``linked``, ``lead_created``, ``review`` (marked for review),
    ``unchanged`` (already so: nothing written), ``kept_existing`` (the profile is
    linked to another record that still exists; a link is only replaced by hand).
    """

    action: Literal["linked", "lead_created", "review", "unchanged", "kept_existing"]
    profile_id: str
    link: ProfileLink


def match_identity(crm: SuiteCRMClient, facts: IdentityFacts, policy: MatchPolicy, *,
                   profile: Record | None = None) -> Match:
    """Try each key in order; the first that finds anyone decides (see the module doc).

    ``profile`` is the person's Social Profile when the caller already holds it: it
    saves the lookup of the stored social id.
    """
    skipped: dict[str, str] = {}
    considered: list[Candidate] = []
    for level in LEVELS:
        found = _search(crm, level, facts, policy, profile, skipped)
        considered += found
        live = [c for c in found if c.status != "rejected"]
        if live:
            for later in LEVELS[LEVELS.index(level) + 1:]:
                skipped[later] = f"not tried: the {find.label(level)} decided"
            return _decide(level, live, considered, facts, policy, skipped)
    return Match(policy.below_threshold, facts, "no Contact or Lead matches any key",
                 candidates=tuple(considered), skipped=skipped)


def _search(crm: SuiteCRMClient, level: find.Level, facts: IdentityFacts,
            policy: MatchPolicy, profile: Record | None,
            skipped: dict[str, str]) -> list[Candidate]:
    if level == "social_id":
        return find.by_social_id(crm, facts.network, facts.external_id, profile)
    if level == "email":
        email = cp.normalise_email(facts.email)
        if email is None:
            skipped[level] = "not an email address" if facts.email else "no email given"
            return []
        return find.by_email(crm, email, facts.name)
    if level == "phone":
        phone = cp.normalise_phone(facts.phone, policy.default_region)
        if phone is None:
            skipped[level] = (f"not a phone number (region {policy.default_region})"
                              if facts.phone else "no phone given")
            return []
        return find.by_phone(crm, phone, policy.default_region, facts.name)
    if not facts.name.strip() or not (facts.company or "").strip():
        skipped[level] = "needs both a name and a company"
        return []
    if cp.company_search_pattern(facts.company or "") is None:
        skipped[level] = "the company name has nothing to search by"
        return []
    return find.by_name_and_company(crm, facts.name, facts.company or "")


def _decide(level: find.Level, live: list[Candidate], considered: list[Candidate],
            facts: IdentityFacts, policy: MatchPolicy, skipped: dict[str, str]) -> Match:
    others = tuple(c for c in considered if c not in live)
    how = find.label(level)
    if len(live) > 1:
        offered = tuple(c.restated("candidate", f"{c.reason}; one of {len(live)} records "
                                   f"that match by {how}: ambiguous") for c in live)
        return Match("review", facts, f"{len(live)} records match by {how}", level, None,
                     offered + others, skipped)
    best = live[0]
    if best.confidence >= policy.threshold:
        chosen = best.restated("chosen", best.reason)
        return Match("link", facts, f"{best.module[:-1]} {best.name} matches by {how}",
                     level, chosen, (chosen, *others), skipped)
    weak = best.restated("candidate", f"{best.reason}; confidence {best.confidence:.4f} is "
                         f"below the threshold {policy.threshold:.4f}")
    return Match("review", facts, f"only a weak match by {how}", level, None,
                 (weak, *others), skipped)


def apply_match(crm: SuiteCRMClient, profile_id: str, match: Match, policy: MatchPolicy, *,
                profile: Record | None = None, now: datetime | None = None) -> Applied:
    """Write the decision onto the profile (or create the Lead it asks for).

    Safe to run again: what is already so is not written twice. A profile linked to a
    record that still exists is never relinked here (only ``link_by_hand`` does that).
    """
    record = profile if profile is not None else ev.read_profile(crm, profile_id)
    current = ProfileLink.of(record)
    existing = current.target
    dangling = any(c.level == "social_id" and c.status == "rejected" and
                   (c.module, c.record_id) == existing for c in match.candidates)
    action: Literal["linked", "lead_created"]
    if match.decision == "link" and match.chosen is not None:
        target = (match.chosen.module, match.chosen.record_id)
        state, action, confidence = ev.LINKED, "linked", match.chosen.confidence
        name = match.chosen.name
    elif match.decision == "create_lead":
        target = ("Leads", _create_lead(crm, match.facts, policy))
        state, action, confidence, name = ev.LEAD_CREATED, "lead_created", 1.0, match.facts.name
    else:
        return _mark_review(crm, profile_id, match, policy, current, dangling, now)
    if existing == target:
        return Applied("unchanged", profile_id, current)
    if existing is not None and not dangling:
        return Applied("kept_existing", profile_id, current)
    summary = (f"Linked to {target[0][:-1]} {name} by {find.label(match.level or '')} "
               f"({confidence:.4f})" if state == ev.LINKED else
               f"No Contact or Lead matched; Lead {name} created for this profile")
    document = ev.document(
        state, decided_by="matcher", at=ev.now_text(now), summary=summary,
        linked_to={"module": target[0], "id": target[1], "name": name},
        level=match.level, confidence=confidence,
        facts=match.facts.as_json(policy.default_region), candidates=match.candidates,
        skipped=match.skipped)
    new = ProfileLink(target[1] if target[0] == "Contacts" else "",
                      target[1] if target[0] == "Leads" else "",
                      ev.confidence_text(confidence),
                      ev.with_history(document, current, ev.now_text(now)))
    ev.write(crm, profile_id, new)
    return Applied(action, profile_id, new)


def _mark_review(crm: SuiteCRMClient, profile_id: str, match: Match, policy: MatchPolicy,
                 current: ProfileLink, dangling: bool, now: datetime | None) -> Applied:
    if current.target is not None and not dangling:
        return Applied("kept_existing", profile_id, current)
    offered = [c for c in match.candidates if c.status == "candidate"]
    before = current.document or {}
    if before.get("state") == ev.REVIEW_PENDING and before.get("summary") == match.reason \
            and _ids(before.get("candidates")) == _ids([c.as_json() for c in offered]):
        return Applied("unchanged", profile_id, current)
    best = max((c.confidence for c in offered), default=None)
    document = ev.document(
        ev.REVIEW_PENDING, decided_by="matcher", at=ev.now_text(now), summary=match.reason,
        linked_to=None, level=match.level, confidence=best,
        facts=match.facts.as_json(policy.default_region), candidates=match.candidates,
        skipped=match.skipped)
    new = ProfileLink("", "", ev.confidence_text(best) if best is not None else "",
                      ev.with_history(document, current, ev.now_text(now)))
    ev.write(crm, profile_id, new)
    return Applied("review", profile_id, new)


def _ids(candidates: Any) -> set[tuple[str, str]]:
    return {(str(c.get("module")), str(c.get("id"))) for c in candidates or ()
            if isinstance(c, dict) and c.get("status") == "candidate"}


def _create_lead(crm: SuiteCRMClient, facts: IdentityFacts, policy: MatchPolicy) -> str:
    """The Lead for a profile nobody matched, with an id derived from the profile, so
    that two workers on the same person create one Lead."""
    lead_id = record_id("Leads", facts.network, f"profile:{facts.external_id}")
    first, last = cp.split_full_name(facts.name)
    network = NETWORK_NAMES.get(facts.network, facts.network)
    attributes: dict[str, Any] = {
        "first_name": first, "last_name": last or facts.handle or
        f"{network} {facts.external_id}", "account_name": facts.company or "",
        "phone_mobile": (facts.phone or "").strip(), "status": policy.lead_status,
        "lead_source": policy.lead_source,
        "lead_source_description": f"{network} profile {facts.external_id}",
        "description": f"Created by SocialCRM for the {network} profile {facts.name} "
                       f"({facts.external_id}): no Contact or Lead matched it.",
    }
    if cp.normalise_email(facts.email):
        attributes["email1"] = (facts.email or "").strip()
    with contextlib.suppress(ConflictError):  # another worker created it first: one Lead
        crm.create("Leads", attributes, record_id=lead_id)
    return lead_id
