"""Find the Contacts and Leads that one identifying key points to, and score each.

Shared by identity matching (``plugin.sync.identity``) and lead ads
(``plugin.sync.leads``), so that "the same person" means the same thing in both. Every
search asks SuiteCRM for a short list and confirms each record here with the
normalised keys of ``contact_points``; a record SuiteCRM found that the confirmation
rules out is kept as *rejected*, with the reason, because the evidence shows what was
considered, not only what was chosen.

Scores: an email address 0.95, a mobile phone 0.90 (home 0.88, work and other 0.85: a
work number is often a switchboard), name and company 0.80, a stored social id 1.0.
For email and phone the person's name corroborates (+0.04, capped at 0.99) or, sharing
no word at all, contradicts (-0.10) the key.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import Literal

from connectors.errors import NotFoundError
from connectors.suitecrm import Filter, SuiteCRMClient
from connectors.suitecrm.records import Record
from plugin.sync import contact_points as cp
from plugin.sync.evidence import Candidate
from plugin.sync.ids import PROFILES

Level = Literal["social_id", "email", "phone", "name_company"]
EMAIL_SCORE = 0.95
PHONE_SCORES = {"phone_mobile": 0.90, "phone_home": 0.88, "phone_other": 0.85,
                "phone_work": 0.85}
NAME_COMPANY_SCORE = 0.80
NAME_AGREES, NAME_DIFFERS, MAX_INDIRECT = 0.04, -0.10, 0.99
PHONE_FIELDS = tuple(PHONE_SCORES)
PERSON_FIELDS = ("first_name", "last_name", "email1", *PHONE_FIELDS, "account_name")
LEAD_FIELDS = (*PERSON_FIELDS, "status", "converted", "contact_id")
MAX_PER_QUERY = 50  # more records than this on one key is not a person, it is noise
MAX_ACCOUNTS, MAX_CONTACTS_PER_ACCOUNT = 10, 500
Found = list[tuple[Record | None, Candidate]]


def label(level: str) -> str:
    """A level as a person reads it."""
    return {"social_id": "stored social id", "name_company": "name and company"}.get(
        level, level)


def by_social_id(crm: SuiteCRMClient, network: str, external_id: str,
                 profile: Record | None) -> list[Candidate]:
    """The Contact or Lead that profiles of this network and id are linked to; a link
    whose record is gone (SuiteCRM gives its relate name empty) is rejected."""
    profiles = [profile] if profile is not None else list(_take(crm.iterate(
        PROFILES, filter=Filter.where(network=network, external_id=external_id),
        page_size=MAX_PER_QUERY)))
    keys = {"social_id": f"{network}:{external_id}"}
    found: dict[tuple[str, str], Candidate] = {}
    for record in profiles:
        for module, id_field, name_field in (("Contacts", "contact_id", "contact_name"),
                                             ("Leads", "lead_id", "lead_name")):
            linked = str(record.get(id_field) or "")
            if not linked:
                continue
            if name_field in record.attributes:
                name = str(record.get(name_field) or "")
            else:  # a caller's profile read without its relate names: ask for the record
                found_record = _get(crm, module, linked)
                name = full_name(found_record) or linked if found_record else ""
            status: Literal["candidate", "rejected"] = "candidate" if name else "rejected"
            reason = (f"the profile is linked to this {module[:-1]}" if name else
                      f"the profile's {module[:-1]} no longer exists")
            found[(module, linked)] = Candidate(module, linked, name, "social_id", 1.0, keys,
                                                status, reason)
    return list(found.values())


def by_email(crm: SuiteCRMClient, email: str, name: str = "") -> list[Candidate]:
    """Contacts and Leads with this (normalised) address among their addresses."""
    found: Found = [(r, _candidate(r, "email", EMAIL_SCORE, {"email": email}, name))
                    for r in _people(crm, Filter.where(email1=email))]
    return _fold_converted(crm, found)


def by_phone(crm: SuiteCRMClient, e164: str, region: str, name: str = "") -> list[Candidate]:
    """Contacts and Leads with this E.164 number in any phone field, however written."""
    pattern = cp.phone_search_pattern(e164)
    query = Filter.any(**{f"{field}__like": pattern for field in PHONE_FIELDS})
    found: Found = []
    for record in _people(crm, query):
        same = [f for f in PHONE_FIELDS
                if cp.normalise_phone(str(record.get(f) or ""), region) == e164]
        if same:
            score = max(PHONE_SCORES[f] for f in same)
            found.append((record, _candidate(record, "phone", score,
                                             {f: e164 for f in same}, name)))
        else:
            numbers = ", ".join(str(record.get(f)) for f in PHONE_FIELDS if record.get(f))
            found.append((record, Candidate(
                _module(record), record.id, full_name(record), "phone", 0.0, {}, "rejected",
                f"similar digits but another number ({numbers})")))
    return _fold_converted(crm, found)


def by_name_and_company(crm: SuiteCRMClient, name: str, company: str) -> list[Candidate]:
    """Leads with this name at this company, and Contacts with this name among the
    contacts of the Accounts of this company (names and companies folded)."""
    pattern, wanted = cp.company_search_pattern(company), cp.company_key(company)
    if pattern is None:
        return []
    keys = {"name": name, "company": company}
    found: Found = []
    leads = crm.iterate("Leads", filter=Filter.where(account_name__like=pattern),
                        fields=LEAD_FIELDS, page_size=MAX_PER_QUERY)
    for lead in _take(leads):
        if cp.company_key(str(lead.get("account_name") or "")) == wanted and \
                _same_name(lead, name):
            found.append((lead, _candidate(lead, "name_company", NAME_COMPANY_SCORE, keys)))
    accounts = crm.iterate("Accounts", filter=Filter.where(name__like=pattern),
                           fields=["name"], page_size=MAX_ACCOUNTS)
    for account in islice(accounts, MAX_ACCOUNTS):
        if cp.company_key(str(account.get("name") or "")) != wanted:
            continue
        people = crm.iterate_related("Accounts", account.id, "contacts")
        for contact in islice(people, MAX_CONTACTS_PER_ACCOUNT):
            if _same_name(contact, name):
                found.append((contact, _candidate(contact, "name_company",
                                                  NAME_COMPANY_SCORE, keys)))
    return _fold_converted(crm, found)


def full_name(record: Record) -> str:
    return " ".join(str(record.get(f)).strip() for f in ("first_name", "last_name")
                    if record.get(f))


def _people(crm: SuiteCRMClient, query: Filter) -> list[Record]:
    return [*_take(crm.iterate("Contacts", filter=query, fields=PERSON_FIELDS,
                               page_size=MAX_PER_QUERY)),
            *_take(crm.iterate("Leads", filter=query, fields=LEAD_FIELDS,
                               page_size=MAX_PER_QUERY))]


def _take(records: Iterable[Record]) -> Iterator[Record]:
    return islice(records, MAX_PER_QUERY)


def _module(record: Record) -> str:
    return "Leads" if record.module == "Leads" or record.type == "Lead" else "Contacts"


def _same_name(record: Record, name: str) -> bool:
    return cp.same_person_name(name, record.get("first_name"), record.get("last_name"))


def _candidate(record: Record, level: Level, score: float, keys: Mapping[str, str],
               name: str = "") -> Candidate:
    reason = f"{label(level)} matches"
    if name and level in ("email", "phone"):
        first, last = record.get("first_name"), record.get("last_name")
        if cp.same_person_name(name, first, last):
            score, reason = min(score + NAME_AGREES, MAX_INDIRECT), f"{reason}; the name agrees"
        elif not cp.name_overlap(name, first, last):
            score, reason = score + NAME_DIFFERS, f"{reason}; the name differs"
    return Candidate(_module(record), record.id, full_name(record), level, round(score, 4),
                     keys, "candidate", reason)


def _converted_into(record: Record | None) -> str | None:
    """The Contact a converted Lead became, else ``None``."""
    if record is None or _module(record) != "Leads" or not record.get("contact_id"):
        return None
    converted = str(record.get("status") or "") == "Converted" or \
        str(record.get("converted") or "0") in ("1", "true")
    return str(record.get("contact_id")) if converted else None


def _fold_converted(crm: SuiteCRMClient, found: Found) -> list[Candidate]:
    """A converted Lead stands for the Contact it became: the Lead is rejected with that
    reason and the Contact takes its place (once), so one person is one candidate."""
    out: dict[tuple[str, str], Candidate] = {}
    for record, candidate in found:
        contact_id = _converted_into(record) if candidate.status != "rejected" else None
        if contact_id is None:
            out.setdefault((candidate.module, candidate.record_id), candidate)
            continue
        out[("Leads", candidate.record_id)] = candidate.restated(
            "rejected", f"converted into Contact {contact_id}")
        if ("Contacts", contact_id) not in out:
            contact = _get(crm, "Contacts", contact_id)
            if contact is not None:
                out[("Contacts", contact_id)] = Candidate(
                    "Contacts", contact_id, full_name(contact), candidate.level,
                    candidate.confidence, candidate.keys, "candidate",
                    f"{candidate.reason}, on the Lead converted into this Contact")
    return list(out.values())


def _get(crm: SuiteCRMClient, module: str, record_id: str) -> Record | None:
    try:
        return crm.get(module, record_id, fields=PERSON_FIELDS)
    except NotFoundError:
        return None
