"""Lead ads and lead forms into SuiteCRM: a new Lead, or a Note on the person we know.

Rules, in order:

1. **Exactly once.** The Lead's id is derived from (network, submission id), and so is
   the id of the Note a known person gets: a redelivered or re-polled submission finds
   its record and changes nothing, and two workers on it at once create one record.
2. **Test leads stay apart.** A submission the network marks as a test becomes its own
   Lead with the mapping's ``test_status`` (``Dead``) and a ``[TEST LEAD]`` first line,
   and is never matched to, nor written onto, a real Contact or Lead.
3. **Known people are not duplicated.** The email address (normalised), then each phone
   number (E.164, read in the policy's region) is looked up among Contacts and Leads
   (a converted Lead counts as its Contact). One record found: no Lead is created; the
   record's empty fields are filled from the answers (nothing it holds is overwritten;
   an address cannot be set by an update, so it stays in the Note) and a Note on it
   keeps every answer and consent. Several records found: a new Lead is created and
   lists them as possible duplicates; nothing is merged and nobody is picked.
4. **Nobody found:** a new Lead from the mapped answers; its description keeps the
   consents and every answer that has no field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from connectors.errors import ConflictError, NotFoundError
from connectors.social import LeadSubmission
from connectors.suitecrm import SuiteCRMClient
from connectors.suitecrm.records import Record
from plugin.sync import candidates as find
from plugin.sync import contact_points as cp
from plugin.sync.evidence import Candidate
from plugin.sync.identity import MatchPolicy
from plugin.sync.ids import record_id
from plugin.sync.lead_mapping import (
    LeadMapping,
    MappedLead,
    describe,
    map_answers,
    network_name,
)

# Fields never filled on a record that exists: SuiteCRM ignores an address in an update,
# and a Contact's company is its Account, not text.
NOT_FILLED = frozenset({"email1", "account_name"})
Action = Literal["created", "attached", "already_recorded", "created_possible_duplicate"]


@dataclass(frozen=True, slots=True)
class LeadOutcome:
    """What became of a submission: the record it belongs to now, and how.

    ``module``/``record_id``: the Lead created, or the Contact or Lead it was attached
    to (``note_id`` then names the Note holding the answers). ``matched_by``: ``email``
    or ``phone`` when a known person was found. ``filled``: the empty fields of that
    record that the answers filled.
    """

    action: Action
    module: Literal["Leads", "Contacts"]
    record_id: str
    is_test: bool
    note_id: str | None = None
    matched_by: str | None = None
    filled: tuple[str, ...] = ()
    candidates: tuple[Candidate, ...] = ()

    @property
    def contact_id(self) -> str | None:
        return self.record_id if self.module == "Contacts" else None

    @property
    def lead_id(self) -> str | None:
        return self.record_id if self.module == "Leads" else None


def lead_from_submission(crm: SuiteCRMClient, submission: LeadSubmission,
                         mapping: LeadMapping, policy: MatchPolicy) -> LeadOutcome:
    """Record one submission (see the module doc for the rules); safe to run again."""
    lead_id = record_id("Leads", str(submission.network), submission.external_id)
    note_id = record_id("Notes", str(submission.network), submission.external_id)
    earlier = _already_recorded(crm, lead_id, note_id, submission.is_test)
    if earlier is not None:
        return earlier
    mapped = map_answers(submission, mapping, _lengths(crm, mapping))
    if submission.is_test:
        return _create(crm, submission, mapped, mapping, lead_id, [], None)
    matched_by, found = _known_person(crm, mapped, policy.default_region)
    live = [c for c in found if c.status != "rejected"]
    if any(c.record_id == lead_id for c in live):  # another worker's Lead for this one
        return LeadOutcome("already_recorded", "Leads", lead_id, False)
    if len(live) == 1:
        return _attach(crm, submission, mapped, live[0], note_id, matched_by, tuple(found))
    return _create(crm, submission, mapped, mapping, lead_id, live, matched_by,
                   tuple(found))


def _already_recorded(crm: SuiteCRMClient, lead_id: str, note_id: str,
                      is_test: bool) -> LeadOutcome | None:
    try:
        crm.get("Leads", lead_id, fields=["last_name"])
        return LeadOutcome("already_recorded", "Leads", lead_id, is_test)
    except NotFoundError:
        pass
    try:
        note = crm.get("Notes", note_id, fields=["parent_type", "parent_id"])
    except NotFoundError:
        return None
    module: Literal["Leads", "Contacts"] = (
        "Contacts" if note.get("parent_type") == "Contacts" else "Leads")
    return LeadOutcome("already_recorded", module, str(note.get("parent_id") or ""), is_test,
                       note_id=note_id)


def _lengths(crm: SuiteCRMClient, mapping: LeadMapping) -> dict[str, int | None]:
    """Each mapped field's length; a field the Leads module lacks is a mapping error."""
    known = crm.fields("Leads")
    lengths: dict[str, int | None] = {}
    for key, target in mapping.fields.items():
        if target.startswith("<"):
            continue
        if target not in known:
            raise ValueError(f"lead mapping {key!r}: Leads has no field {target!r}")
        lengths[target] = known[target].length
    return lengths


def _known_person(crm: SuiteCRMClient, mapped: MappedLead, region: str
                  ) -> tuple[str | None, list[Candidate]]:
    """Who the answers' email, then phones, point to: (key that found them, candidates)."""
    email = cp.normalise_email(mapped.email)
    if email is not None:
        found = find.by_email(crm, email)
        if any(c.status != "rejected" for c in found):
            return "email", found
    considered: list[Candidate] = []
    for phone in mapped.phones:
        e164 = cp.normalise_phone(phone, region)
        if e164 is None:
            continue
        found = find.by_phone(crm, e164, region)
        if any(c.status != "rejected" for c in found):
            return "phone", found
        considered += found
    return None, considered


def _attach(crm: SuiteCRMClient, submission: LeadSubmission, mapped: MappedLead,
            person: Candidate, note_id: str, matched_by: str | None,
            found: tuple[Candidate, ...]) -> LeadOutcome:
    """Fill the known record's empty fields, then add the Note: the Note goes last, so
    that a failure in between is redone by the next delivery, not skipped."""
    module: Literal["Leads", "Contacts"] = "Contacts" if person.module == "Contacts" \
        else "Leads"
    record = crm.get(module, person.record_id)
    filled = _empty_fields_filled(crm, record, mapped)
    title = submission.form_name or submission.form_id
    note: dict[str, Any] = {
        "name": f"{network_name(submission.network)} lead form: {title}",
        "parent_type": module, "parent_id": person.record_id,
        "description": describe(submission, mapped, every_answer=True)}
    if module == "Contacts":
        note["contact_id"] = person.record_id
    try:
        crm.create("Notes", note, record_id=note_id)
    except ConflictError:
        return LeadOutcome("already_recorded", module, person.record_id, False,
                           note_id=note_id)
    return LeadOutcome("attached", module, person.record_id, False, note_id, matched_by,
                       filled, found)


def _empty_fields_filled(crm: SuiteCRMClient, record: Record, mapped: MappedLead
                         ) -> tuple[str, ...]:
    updates = {name: value for name, value in mapped.fields.items()
               if name not in NOT_FILLED and name in record.attributes
               and not str(record.get(name) or "").strip()}
    if updates:
        crm.update(record.module, record.id, updates)
    return tuple(sorted(updates))


def _create(crm: SuiteCRMClient, submission: LeadSubmission, mapped: MappedLead,
            mapping: LeadMapping, lead_id: str, duplicates: list[Candidate],
            matched_by: str | None, found: tuple[Candidate, ...] = ()) -> LeadOutcome:
    listed = [f"{c.module[:-1]} {c.name} ({c.record_id}), same {c.level}"
              for c in duplicates]
    attributes: dict[str, Any] = {
        **mapped.fields,
        "status": mapping.test_status if submission.is_test else mapping.status,
        "lead_source": mapping.lead_source,
        "lead_source_description": _source(submission),
        "description": describe(submission, mapped, possible_duplicates=listed),
    }
    if mapping.assigned_user_id:
        attributes["assigned_user_id"] = mapping.assigned_user_id
    try:
        crm.create("Leads", attributes, record_id=lead_id)
    except ConflictError:  # another worker created it, or a person deleted it: keep theirs
        return LeadOutcome("already_recorded", "Leads", lead_id, submission.is_test)
    action: Action = "created_possible_duplicate" if duplicates else "created"
    return LeadOutcome(action, "Leads", lead_id, submission.is_test,
                       matched_by=matched_by if duplicates else None, candidates=found)


def _source(submission: LeadSubmission) -> str:
    test = " (test lead)" if submission.is_test else ""
    form = submission.form_name or submission.form_id
    return f"{network_name(submission.network)} lead form {form}{test}"

