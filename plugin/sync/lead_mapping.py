"""Which lead form answer goes into which Lead field, and where everything else goes.

Forms ask what their owner wants, under names each network spells its own way
(Facebook ``full_name``, ``phone_number``; LinkedIn ``firstName``, ``emailAddress``).
Answer keys are compared without case, spaces, dashes or underscores, so one table of
defaults serves both networks (``FIRST_NAME``, ``first_name`` and ``firstName`` are the
same key), and a site adds or overrides entries with ``LeadMapping.with_fields``.

Nothing a person answered is dropped: an answer that has no field, that comes second for
a field already filled, or that is longer than its field, is kept word for word in the
Lead's description under "Other answers"; consents are listed there too, each with its
yes or no, because a consent is worth nothing if nobody can find it later.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from connectors.social import LeadSubmission
from plugin.sync import contact_points as cp

FULL_NAME = "<full name>"  # a target: split into first and last name when those are missing
KEEP = "<description>"  # a target: keep the answer in the description only
NETWORK_NAMES = {"facebook": "Facebook", "linkedin": "LinkedIn"}
PHONE_TARGETS = ("phone_mobile", "phone_work", "phone_home", "phone_other")
_KEY = re.compile(r"[\W_]+", re.UNICODE)
_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def answer_key(name: str) -> str:
    """``First Name``, ``first_name``, ``FIRST-NAME`` and ``firstName`` -> ``firstname``."""
    return _KEY.sub("", name.casefold())


DEFAULT_FIELDS: Mapping[str, str] = MappingProxyType({
    # Facebook's standard questions and LinkedIn's predefined fields, keys as answer_key
    "fullname": FULL_NAME, "name": FULL_NAME,
    "firstname": "first_name", "lastname": "last_name",
    "email": "email1", "emailaddress": "email1", "workemail": "email1",
    "phone": "phone_mobile", "phonenumber": "phone_mobile", "mobilephone": "phone_mobile",
    "mobilephonenumber": "phone_mobile", "workphone": "phone_work",
    "workphonenumber": "phone_work",
    "company": "account_name", "companyname": "account_name",
    "jobtitle": "title", "department": "department",
    "city": "primary_address_city", "streetaddress": "primary_address_street",
    "state": "primary_address_state", "province": "primary_address_state",
    "zipcode": "primary_address_postalcode", "zip": "primary_address_postalcode",
    "postcode": "primary_address_postalcode", "postalcode": "primary_address_postalcode",
    "country": "primary_address_country", "website": "website",
})


@dataclass(frozen=True, slots=True)
class LeadMapping:
    """Answer keys to Lead fields, and what every Lead from a form is given.

    ``test_status`` marks the network's test leads (Meta's testing tool, LinkedIn's
    ``testLead``): ``Dead`` keeps them out of every pipeline count and list of open Leads.
    """

    fields: Mapping[str, str] = field(default_factory=lambda: DEFAULT_FIELDS)
    status: str = "New"
    test_status: str = "Dead"
    lead_source: str = "Other"
    assigned_user_id: str | None = None

    def __post_init__(self) -> None:
        for key, target in self.fields.items():
            if key != answer_key(key) or not key:
                raise ValueError(f"lead mapping key {key!r} must be written as "
                                 f"{answer_key(key)!r}")
            if target not in (FULL_NAME, KEEP) and not _FIELD_NAME.match(target):
                raise ValueError(f"lead mapping {key!r}: {target!r} is not a field name")

    def with_fields(self, extra: Mapping[str, str], *, replace: bool = False) -> LeadMapping:
        """This mapping plus ``extra`` (answer name -> Lead field, ``KEEP`` or
        ``FULL_NAME``); ``replace`` drops the defaults first."""
        merged = {} if replace else dict(self.fields)
        merged.update({answer_key(k): v for k, v in extra.items()})
        return LeadMapping(MappingProxyType(merged), self.status, self.test_status,
                           self.lead_source, self.assigned_user_id)

    def target(self, answer_name: str) -> str | None:
        return self.fields.get(answer_key(answer_name))


@dataclass(frozen=True, slots=True)
class MappedLead:
    """A submission's answers sorted into Lead fields and the rest (kept in order)."""

    fields: dict[str, str]
    others: list[tuple[str, str]]

    @property
    def email(self) -> str | None:
        return self.fields.get("email1")

    @property
    def phones(self) -> list[str]:
        return [self.fields[f] for f in PHONE_TARGETS if self.fields.get(f)]

    @property
    def name(self) -> str:
        return " ".join(self.fields[f] for f in ("first_name", "last_name")
                        if self.fields.get(f))


def map_answers(submission: LeadSubmission, mapping: LeadMapping,
                lengths: Mapping[str, int | None] | None = None) -> MappedLead:
    """Sort the answers: each mapped one into its field (first answer wins, and only if
    it fits ``lengths``), the others kept with a note of why; the name made whole."""
    fields: dict[str, str] = {}
    others: list[tuple[str, str]] = []
    full_name: str | None = None
    for key, raw in submission.answers.items():
        value = str(raw).strip()
        target = mapping.target(key)
        if not value:
            continue
        if target is None or target == KEEP:
            others.append((key, value))
        elif target == FULL_NAME and full_name is None:
            full_name = value
        elif target in fields or target == FULL_NAME:
            others.append((key, value))
        elif (limit := (lengths or {}).get(target)) and len(value) > limit:
            others.append((f"{key} (longer than the {limit} characters of {target})", value))
        else:
            fields[target] = value
    if full_name is not None:
        if not fields.get("first_name") and not fields.get("last_name"):
            fields["first_name"], fields["last_name"] = cp.split_full_name(full_name)
            if not fields["first_name"]:
                del fields["first_name"]
        else:
            others.insert(0, ("full name", full_name))
    if not fields.get("last_name"):
        fields["last_name"] = (cp.first_present([fields.get("email1"), *_phones(fields)])
                               or f"{network_name(submission.network)} lead "
                                  f"{submission.external_id}")
    return MappedLead(fields, others)


def _phones(fields: Mapping[str, str]) -> list[str]:
    return [fields[f] for f in PHONE_TARGETS if fields.get(f)]


def network_name(network: str) -> str:
    return NETWORK_NAMES.get(str(network), str(network))


def describe(submission: LeadSubmission, mapped: MappedLead, *, every_answer: bool = False,
             possible_duplicates: list[str] | None = None) -> str:
    """The readable text a Lead's description (or a Note) keeps about a submission:
    test marker, source, consents, the answers that have no field (``every_answer``:
    all of them, for a Note on a record that already existed), possible duplicates."""
    lines = []
    if submission.is_test:
        lines += ["[TEST LEAD] Sent by the network's test tool: not a real prospect.", ""]
    form = f'"{submission.form_name}" ' if submission.form_name else ""
    ad = f", ad {submission.ad_id}" if submission.ad_id else ""
    lines.append(f"{network_name(submission.network)} lead form {form}(form "
                 f"{submission.form_id}), lead {submission.external_id}, submitted "
                 f"{submission.submitted_at:%Y-%m-%d %H:%M:%S} UTC{ad}.")
    lines += ["", "Consents:"]
    lines += [f"- {name}: {'yes' if given else 'no'}"
              for name, given in submission.consents.items()] or ["- none asked"]
    answers = ([(k, str(v).strip()) for k, v in submission.answers.items() if str(v).strip()]
               if every_answer else mapped.others)
    if answers:
        lines += ["", "Answers:" if every_answer else "Other answers:"]
        lines += [f"- {key}: {value}" for key, value in answers]
    if possible_duplicates:
        lines += ["", "Possible duplicates (nothing merged; decide in SuiteCRM):"]
        lines += [f"- {entry}" for entry in possible_duplicates]
    return "\n".join(lines)
