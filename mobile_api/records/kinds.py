"""The five kinds of record a rep searches and opens, declared once.

Each kind names its SuiteCRM module, the few fields of a search row, the fixed list of
fields of its detail (all real SuiteCRM 7.14 fields, asked for by name so SuiteCRM sends
nothing else), and what ``q`` searches. The API schemas (``schemas``), the SuiteCRM
queries (``search``, ``detail``) and the cache tags all read these declarations, so a
field added here shows everywhere at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

# Value types, as the API answers them (SuiteCRM answers every value as a string):
# text (string), datetime (ISO 8601 as SuiteCRM gives it), date (YYYY-MM-DD),
# int, float, decimal (a string, exact: money keeps every digit SuiteCRM holds), bool.
TYPES = frozenset({"text", "datetime", "date", "int", "float", "decimal", "bool"})


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    type: str = "text"
    description: str = ""

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"{self.name}: unknown value type {self.type!r}")


def _fields(*names: str, **typed: str) -> tuple[FieldSpec, ...]:
    """Text fields by name, then typed ones (``birthdate="date"``), in that order."""
    return tuple(FieldSpec(name) for name in names) + tuple(
        FieldSpec(name, kind) for name, kind in typed.items())


# In every row and every detail (besides ``id`` and ``name``).
ROW_COMMON = _fields("assigned_user_id", date_modified="datetime")
DETAIL_COMMON = _fields("assigned_user_id", "assigned_user_name", "created_by",
                        "modified_user_id", date_entered="datetime",
                        date_modified="datetime")
PERSON_ADDRESS = _fields("primary_address_street", "primary_address_city",
                         "primary_address_state", "primary_address_postalcode",
                         "primary_address_country")


@dataclass(frozen=True, slots=True)
class RecordKind:
    """One searchable kind. ``name_fields`` are matched by ``q`` (prefix, OR'ed; for a
    person two words or more mean first name AND last name); ``phone_fields`` when
    ``q`` looks like a phone number; ``email1`` when it holds an ``@``."""

    name: str  # the URL segment
    module: str  # the SuiteCRM module
    title: str  # singular, for schema names and messages
    row: tuple[FieldSpec, ...]
    detail: tuple[FieldSpec, ...]
    name_fields: tuple[str, ...]
    phone_fields: tuple[str, ...] = ()
    has_email: bool = False
    person: bool = False
    number_field: str = ""  # matched exactly when q is a whole number (a Case's number)
    shows_modules: tuple[str, ...] = ()  # other modules whose values it shows

    @property
    def sort_by_name(self) -> str:
        return "last_name" if self.person else "name"

    def list_fields(self) -> list[str]:
        return ["name", *(f.name for f in (*self.row, *ROW_COMMON))]

    def detail_fields(self) -> list[str]:
        return ["name", *(f.name for f in (*self.detail, *DETAIL_COMMON))]


CONTACTS = RecordKind(
    "contacts", "Contacts", "Contact",
    row=_fields("account_name", "email1", "phone_mobile"),
    detail=_fields("salutation", "first_name", "last_name", "title", "department",
                   "account_id", "account_name", "email1", "phone_work", "phone_mobile",
                   "phone_home", "phone_other", *(f.name for f in PERSON_ADDRESS),
                   "lead_source", "description", birthdate="date", do_not_call="bool"),
    name_fields=("first_name", "last_name"), phone_fields=("phone_mobile", "phone_work"),
    has_email=True, person=True, shows_modules=("Accounts",))

ACCOUNTS = RecordKind(
    "accounts", "Accounts", "Account",
    row=_fields("industry", "billing_address_city", "phone_office"),
    detail=_fields("account_type", "industry", "annual_revenue", "employees", "website",
                   "phone_office", "phone_alternate", "email1", "billing_address_street",
                   "billing_address_city", "billing_address_state",
                   "billing_address_postalcode", "billing_address_country", "parent_id",
                   "parent_name", "description"),
    name_fields=("name",), phone_fields=("phone_office", "phone_alternate"),
    has_email=True)

LEADS = RecordKind(
    "leads", "Leads", "Lead",
    row=_fields("status", "account_name", "email1"),
    detail=_fields("salutation", "first_name", "last_name", "title", "department",
                   "account_name", "status", "status_description", "lead_source",
                   "lead_source_description", "email1", "phone_work", "phone_mobile",
                   *(f.name for f in PERSON_ADDRESS), "website", "contact_id",
                   "account_id", "opportunity_id", "description", converted="bool",
                   do_not_call="bool"),
    name_fields=("first_name", "last_name"), phone_fields=("phone_mobile", "phone_work"),
    has_email=True, person=True)

OPPORTUNITIES = RecordKind(
    "opportunities", "Opportunities", "Opportunity",
    row=(*_fields("account_name", "sales_stage"),
         FieldSpec("amount", "decimal", "In the opportunity's currency, exact"),
         FieldSpec("date_closed", "date", "Expected close date")),
    detail=(*_fields("account_id", "account_name", "sales_stage", "next_step",
                     "opportunity_type", "lead_source", "currency_id", "description",
                     probability="int"),
            FieldSpec("amount", "decimal", "In the opportunity's currency, exact"),
            FieldSpec("date_closed", "date", "Expected close date")),
    name_fields=("name",), shows_modules=("Accounts",))

CASES = RecordKind(
    "cases", "Cases", "Case",
    row=_fields("status", "priority", "account_name", case_number="int"),
    detail=_fields("type", "status", "state", "priority", "account_id", "account_name",
                   "description", "resolution", case_number="int"),
    name_fields=("name",), number_field="case_number", shows_modules=("Accounts",))

KINDS: Mapping[str, RecordKind] = MappingProxyType(
    {kind.name: kind for kind in (CONTACTS, ACCOUNTS, LEADS, OPPORTUNITIES, CASES)})
PEOPLE: Mapping[str, RecordKind] = MappingProxyType(
    {kind.name: kind for kind in (CONTACTS, LEADS)})
