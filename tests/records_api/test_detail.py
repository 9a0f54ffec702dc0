"""Opening one record as a rep: its fields read back exactly as written, ``base_version``,
``ETag`` / ``If-None-Match``, and the one 404 for missing and hidden records."""

from __future__ import annotations

from datetime import date

import pytest

from connectors.suitecrm import SuiteCRMClient
from tests.mobile.conftest import Api
from tests.records_api.helpers import MAX, SALLY, named, ok, person
from workers.record_cache import invalidate

TEXT = "Renewal 😀 — 续约讨论, продление; O'Brien & <b>Söhne</b>\nline two"


def test_a_contact_reads_back_exactly_as_written(
        api: Api, crm: SuiteCRMClient, sally_headers: dict[str, str], tag: str) -> None:
    account = named(crm, "Accounts", SALLY, f"Müller & Söhne {tag}")
    written = {
        "salutation": "Ms.", "first_name": "Zoë", "last_name": f"Ñúñez-{tag} 😀",
        "title": "Директор по продажам", "department": "销售部", "account_id": account,
        "email1": f"zoe.{tag.lower()}@example.org", "phone_work": "+34 91 123 45 67",
        "phone_mobile": "+34 600 000 001", "phone_home": "", "phone_other": "",
        "primary_address_street": "Calle Mayor 1", "primary_address_city": "Madrid",
        "primary_address_state": "", "primary_address_postalcode": "28013",
        "primary_address_country": "España", "lead_source": "Web Site",
        "description": TEXT, "birthdate": date(1984, 2, 29), "do_not_call": True,
    }
    contact = crm.create("Contacts", {**written, "assigned_user_id": SALLY}).id
    answer = api("GET", f"/records/contacts/{contact}", headers=sally_headers)
    body = ok(answer)
    stored = crm.get("Contacts", contact)
    expected = {**written, "birthdate": "1984-02-29", "phone_home": None, "phone_other": None,
                "primary_address_state": None}
    assert {name: body[name] for name in expected} == expected
    assert body["id"] == contact and body["name"] == stored["name"]
    assert body["account_name"] == f"Müller & Söhne {tag}"
    assert body["assigned_user_id"] == SALLY and body["assigned_user_name"]
    assert body["date_modified"] == stored["date_modified"] == body["base_version"]
    assert body["date_entered"] == stored["date_entered"]
    assert answer.headers["ETag"]


@pytest.mark.parametrize(("kind", "fields", "expected"), [
    ("accounts", {"name": "Acme {tag}", "industry": "Energy", "employees": "250",
                  "website": "https://acme.example", "billing_address_city": "Kraków"},
     {"industry": "Energy", "employees": "250", "billing_address_city": "Kraków"}),
    ("leads", {"first_name": "Chidi", "last_name": "Okafor {tag}", "status": "In Process",
               "account_name": "Lagos Lights Ltd", "converted": False},
     {"status": "In Process", "account_name": "Lagos Lights Ltd", "converted": False}),
    ("opportunities", {"name": "Fleet {tag}", "amount": "123456.78", "probability": 65,
                       "sales_stage": "Proposal/Price Quote", "date_closed": date(2031, 1, 31)},
     {"amount": "123456.78", "probability": 65, "date_closed": "2031-01-31",
      "sales_stage": "Proposal/Price Quote"}),
    ("cases", {"name": "Hinge {tag}", "priority": "P1", "status": "Open_New",
               "description": TEXT},
     {"priority": "P1", "status": "Open_New", "description": TEXT}),
])
def test_each_kind_answers_its_fields_typed(
        api: Api, crm: SuiteCRMClient, sally_headers: dict[str, str], tag: str, kind: str,
        fields: dict[str, object], expected: dict[str, object]) -> None:
    values = {k: v.format(tag=tag) if isinstance(v, str) else v for k, v in fields.items()}
    record = crm.create(kind.title(), {**values, "assigned_user_id": SALLY})
    body = ok(api("GET", f"/records/{kind}/{record.id}", headers=sally_headers))
    got = {name: body[name] for name in expected}
    if "amount" in got:  # SuiteCRM pads decimals: the API keeps its digits, none lost
        assert float(str(got.pop("amount"))) == float(str(expected["amount"]))
        assert body["amount"] == crm.get(kind.title(), record.id)["amount"]
    assert got == {k: v for k, v in expected.items() if k in got}
    assert body["base_version"] == crm.get(kind.title(), record.id)["date_modified"]
    if kind == "cases":
        assert body["case_number"] == int(crm.get("Cases", record.id)["case_number"])


def test_if_none_match_answers_304_until_the_record_changes(
        api: Api, crm: SuiteCRMClient, sally_headers: dict[str, str], tag: str) -> None:
    deal = named(crm, "Opportunities", SALLY, f"Pilot {tag}", amount="10",
                 sales_stage="Prospecting", date_closed=date(2030, 5, 1))
    path = f"/records/opportunities/{deal}"
    first = api("GET", path, headers=sally_headers)
    etag = first.headers["ETag"]
    again = api("GET", path, headers={**sally_headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert api("GET", path, headers={**sally_headers, "If-None-Match": '"other"'}
               ).status_code == 200
    crm.update("Opportunities", deal, {"sales_stage": "Negotiation/Review"})
    invalidate(api.redis, SALLY, "Opportunities", deal)  # what the rep's own update does
    changed = api("GET", path, headers={**sally_headers, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.json()["sales_stage"] == "Negotiation/Review"


def test_the_etag_follows_the_record_not_the_rep(
        api: Api, crm: SuiteCRMClient, sally_headers: dict[str, str],
        max_headers: dict[str, str], tag: str) -> None:
    account = named(crm, "Accounts", MAX, f"Shared {tag}")  # Accounts: everyone may read
    other = named(crm, "Accounts", MAX, f"Other {tag}")
    path = f"/records/accounts/{account}"
    sallys = api("GET", path, headers=sally_headers).headers["ETag"]
    assert api("GET", path, headers=max_headers).headers["ETag"] == sallys
    assert api("GET", f"/records/accounts/{other}", headers=sally_headers
               ).headers["ETag"] != sallys


def test_missing_malformed_and_hidden_records_answer_the_same_404(
        api: Api, crm: SuiteCRMClient, max_headers: dict[str, str],
        sally_headers: dict[str, str], tag: str) -> None:
    hidden = person(crm, "Contacts", SALLY, tag)
    assert api("GET", f"/records/contacts/{hidden}", headers=sally_headers).status_code == 200
    answers = [api("GET", f"/records/contacts/{record}", headers=max_headers) for record in
               (hidden, "00000000-0000-4000-8000-000000000000", "not-an-id", "1' OR '1'='1")]
    assert {a.status_code for a in answers} == {404}
    assert len({a.json()["message"] for a in answers}) == 1, "hidden looks like missing"
    for kind, module in (("leads", "Leads"), ("opportunities", "Opportunities"),
                         ("cases", "Cases")):
        record = named(crm, module, SALLY, f"{tag} hidden") if module != "Leads" else \
            person(crm, module, SALLY, tag)
        assert api("GET", f"/records/{kind}/{record}", headers=max_headers).status_code == 404
    own = person(crm, "Contacts", MAX, tag)
    assert ok(api("GET", f"/records/contacts/{own}", headers=max_headers))["id"] == own
