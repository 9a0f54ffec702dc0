"""What a Social Profile records about who it is: the evidence document and its history.

Every identity decision (a match, a review, a Lead created, a link made by hand) is
written onto the profile as four fields: ``contact_id``, ``lead_id``,
``match_confidence`` and ``match_evidence``. The evidence is a JSON document meant to be
read by people in SuiteCRM (indented, non-ASCII kept as is) and by ``socialcrm
identities``. Before each decision overwrites them, the four values as they were are
pushed onto the document's ``history``, so that ``undo_last`` restores exactly what
was there before, byte for byte, including a hand-written evidence text that was never
JSON. Nothing here decides anything: ``plugin.sync.identity`` does.

Why a history inside the text and not a module of its own: the evidence is what a user
reads to understand a link, and what they may want to undo; keeping both in one field
needs no extra SuiteCRM module, and SuiteCRM's own audit still sees every change.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Literal

from connectors.errors import NotFoundError
from connectors.suitecrm import Filter, SuiteCRMClient
from connectors.suitecrm.records import Record
from plugin.sync.ids import PROFILES

FORMAT = "socialcrm.identity/1"
HISTORY_LIMIT = 20  # older entries are dropped: an undo reaches back this far
REVIEW_PENDING = "review_pending"
LINKED = "linked"
LEAD_CREATED = "lead_created"
LINK_FIELDS = ("contact_id", "lead_id", "match_confidence", "match_evidence")
CandidateStatus = Literal["chosen", "candidate", "rejected"]


class IdentityError(Exception):
    """Base of what identity operations refuse; the message is one line for a person."""


class ProfileNotFoundError(IdentityError):
    """No Social Profile has that id."""


class RecordNotFoundError(IdentityError):
    """The Contact or Lead to link to does not exist."""


class NothingToUndoError(IdentityError):
    """The profile is not linked by SocialCRM, or its link was changed elsewhere."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A Contact or Lead that one matching key pointed to, and what became of it.

    ``keys`` names each key that matched and the value it matched with
    (``{"email": "ann@example.com"}``, ``{"phone_mobile": "+15550100001"}``).
    """

    module: str
    record_id: str
    name: str
    level: str
    confidence: float
    keys: Mapping[str, str]
    status: CandidateStatus
    reason: str

    def restated(self, status: CandidateStatus, reason: str) -> Candidate:
        """The same candidate with what became of it, once the decision is known."""
        return replace(self, status=status, reason=reason)

    def as_json(self) -> dict[str, Any]:
        return {"module": self.module, "id": self.record_id, "name": self.name,
                "level": self.level, "confidence": self.confidence, "keys": dict(self.keys),
                "status": self.status, "reason": self.reason}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Candidate:
        return cls(module=str(data.get("module", "")), record_id=str(data.get("id", "")),
                   name=str(data.get("name", "")), level=str(data.get("level", "")),
                   confidence=float(data.get("confidence") or 0.0),
                   keys={str(k): str(v) for k, v in (data.get("keys") or {}).items()},
                   status=data.get("status", "candidate"), reason=str(data.get("reason", "")))


@dataclass(frozen=True, slots=True)
class ProfileLink:
    """The four fields of a profile exactly as SuiteCRM answered them (empty: ``""``)."""

    contact_id: str = ""
    lead_id: str = ""
    match_confidence: str = ""
    match_evidence: str = ""

    @classmethod
    def of(cls, record: Record) -> ProfileLink:
        return cls(*(str(record.get(name) or "") for name in LINK_FIELDS))

    def attributes(self) -> dict[str, str]:
        """What to write back. Empty strings clear: SuiteCRM keeps a decimal that is sent
        as null, but stores an empty string as empty."""
        return {name: getattr(self, name) for name in LINK_FIELDS}

    @property
    def target(self) -> tuple[str, str] | None:
        """(module, id) the profile points to, Contact first, or ``None``."""
        if self.contact_id:
            return ("Contacts", self.contact_id)
        if self.lead_id:
            return ("Leads", self.lead_id)
        return None

    @property
    def document(self) -> dict[str, Any] | None:
        return parse(self.match_evidence)


def render(document: Mapping[str, Any]) -> str:
    """The evidence text: indented JSON, non-ASCII as is, keys in the order given."""
    return json.dumps(document, ensure_ascii=False, indent=2)


def parse(text: str) -> dict[str, Any] | None:
    """The document if ``text`` is SocialCRM evidence, else ``None``."""
    try:
        document = json.loads(text) if text else None
    except ValueError:
        return None
    if isinstance(document, dict) and document.get("format") == FORMAT:
        return document
    return None


def now_text(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def document(state: str, *, decided_by: str, at: str, summary: str,
             linked_to: Mapping[str, str] | None, level: str | None,
             confidence: float | None, facts: Mapping[str, Any],
             candidates: Sequence[Candidate], skipped: Mapping[str, str],
             by: str = "socialcrm") -> dict[str, Any]:
    """A new evidence document (without history: ``record`` adds it)."""
    return {
        "format": FORMAT, "state": state, "summary": summary, "decided_by": decided_by,
        "by": by, "at": at, "linked_to": dict(linked_to) if linked_to else None,
        "level": level, "confidence": confidence, "facts": dict(facts),
        "candidates": [c.as_json() for c in candidates], "skipped": dict(skipped),
    }


def _history(link: ProfileLink) -> list[dict[str, Any]]:
    found = (link.document or {}).get("history")
    return [entry for entry in found if isinstance(entry, dict)] if isinstance(found, list) \
        else []


def _snapshot(link: ProfileLink, at: str) -> dict[str, Any]:
    """``link`` as one history entry. A SocialCRM document is kept without its own
    history (the stack below it is that history) when that rebuilds its text exactly;
    any other text is kept verbatim."""
    entry: dict[str, Any] = {"replaced_at": at, "contact_id": link.contact_id,
                             "lead_id": link.lead_id,
                             "match_confidence": link.match_confidence}
    current = link.document
    if current is not None:
        bare = {k: v for k, v in current.items() if k != "history"}
        if render({**bare, "history": _history(link)}) == link.match_evidence:
            entry["evidence"] = bare
            return entry
    entry["evidence_text"] = link.match_evidence
    return entry


def with_history(new: Mapping[str, Any], previous: ProfileLink, at: str) -> str:
    """The text of ``new`` with ``previous`` pushed onto the history it inherits."""
    stack = [*_history(previous), _snapshot(previous, at)][-HISTORY_LIMIT:]
    return render({**new, "history": stack})


def previous_of(link: ProfileLink) -> ProfileLink:
    """What ``link`` replaced, exactly; ``NothingToUndoError`` when nothing is recorded."""
    stack = _history(link)
    if not stack:
        raise NothingToUndoError("no earlier state is recorded on this profile")
    entry, rest = stack[-1], stack[:-1]
    if isinstance(entry.get("evidence"), dict):
        text = render({**entry["evidence"], "history": rest})
    else:
        text = str(entry.get("evidence_text") or "")
    return ProfileLink(str(entry.get("contact_id") or ""), str(entry.get("lead_id") or ""),
                       str(entry.get("match_confidence") or ""), text)


def read_profile(crm: SuiteCRMClient, profile_id: str) -> Record:
    try:
        return crm.get(PROFILES, profile_id)
    except NotFoundError:
        raise ProfileNotFoundError(f"no Social Profile with id {profile_id}") from None


def write(crm: SuiteCRMClient, profile_id: str, link: ProfileLink) -> None:
    crm.update(PROFILES, profile_id, link.attributes())


def confidence_text(value: float) -> str:
    """A score as the DECIMAL(7,4) column holds it, so it reads back identical."""
    return f"{value:.4f}"


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """A profile waiting for a person to decide who it is."""

    profile_id: str
    network: str
    external_id: str
    name: str
    summary: str
    candidates: tuple[Candidate, ...]
    document: Mapping[str, Any]


def awaiting_review(crm: SuiteCRMClient, *, limit: int = 100) -> list[ReviewItem]:
    """Profiles whose current evidence says ``review_pending``, oldest decision first.

    SuiteCRM finds the texts that mention the state anywhere (their history too); each
    is parsed, and only a current state of review counts.
    """
    found: list[ReviewItem] = []
    query = Filter.where(match_evidence__like=f"%{REVIEW_PENDING}%")
    for record in crm.iterate(PROFILES, filter=query, page_size=100):
        current = parse(str(record.get("match_evidence") or ""))
        if current is None or current.get("state") != REVIEW_PENDING:
            continue
        found.append(ReviewItem(
            record.id, str(record.get("network") or ""), str(record.get("external_id") or ""),
            str(record.get("display_name") or record.get("name") or ""),
            str(current.get("summary") or ""),
            tuple(Candidate.from_json(c) for c in current.get("candidates") or ()
                  if isinstance(c, dict)), current))
        if len(found) >= limit:
            break
    return sorted(found, key=lambda item: str(item.document.get("at") or ""))


def link_by_hand(crm: SuiteCRMClient, profile_id: str, module: str, target_id: str, *,
                 by: str, now: datetime | None = None) -> ProfileLink:
    """Link a profile to a Contact or Lead a person chose, recording who and when.

    The decision is final for the matcher (``apply_match`` never replaces a link to a
    record that exists) and ``undo_last_link`` takes it back.
    """
    if module not in ("Contacts", "Leads"):
        raise IdentityError(f"a profile links to Contacts or Leads, not {module}")
    profile = read_profile(crm, profile_id)
    try:
        target = crm.get(module, target_id, fields=["first_name", "last_name"])
    except NotFoundError:
        raise RecordNotFoundError(f"no {module[:-1]} with id {target_id}") from None
    name = " ".join(str(target.get(f)) for f in ("first_name", "last_name") if target.get(f))
    current = ProfileLink.of(profile)
    at = now_text(now)
    earlier = current.document or {}
    new_document = document(
        LINKED, decided_by="hand", by=by, at=at,
        summary=f"Linked by hand to {module[:-1]} {name} by {by}",
        linked_to={"module": module, "id": target_id, "name": name}, level="by_hand",
        confidence=1.0, facts=earlier.get("facts") or {},
        candidates=[Candidate.from_json(c) for c in earlier.get("candidates") or ()
                    if isinstance(c, dict)], skipped={})
    new = ProfileLink(target_id if module == "Contacts" else "",
                      target_id if module == "Leads" else "", confidence_text(1.0),
                      with_history(new_document, current, at))
    write(crm, profile_id, new)
    return new


def undo_last_link(crm: SuiteCRMClient, profile_id: str) -> tuple[ProfileLink, ProfileLink]:
    """Restore exactly what the profile held before its current link; (before, after).

    Refused when the profile is not linked by SocialCRM, or when its link was changed
    elsewhere since (the evidence names another record than the profile does): the
    history would then restore something nobody expects.
    """
    current = ProfileLink.of(read_profile(crm, profile_id))
    state = current.document or {}
    if state.get("state") not in (LINKED, LEAD_CREATED):
        raise NothingToUndoError(f"profile {profile_id} is not linked by SocialCRM")
    linked_to = state.get("linked_to") or {}
    recorded = (str(linked_to.get("module")), str(linked_to.get("id")))
    if current.target != recorded:
        now_on = " ".join(current.target) if current.target else "nothing"
        raise NothingToUndoError(
            f"profile {profile_id} was changed outside SocialCRM (it points to {now_on}, "
            f"its evidence to {' '.join(recorded)}); nothing restored")
    previous = previous_of(current)
    write(crm, profile_id, previous)
    return current, previous
