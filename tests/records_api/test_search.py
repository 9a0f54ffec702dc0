"""Searching the five kinds as a rep: by name, email, phone and number, ``mine``, paging
with the opaque cursor, and what SuiteCRM's roles hide."""

from __future__ import annotations

from typing import Any

import pytest

from connectors.suitecrm import SuiteCRMClient
from tests.mobile.conftest import Api
from tests.records_api.helpers import MAX, SALLY, WILL, ids, named, ok, person, search_all


def make(crm: SuiteCRMClient, kind: str, owner: str, tag: str, **fields: Any) -> str:
    """One record of ``kind`` whose searchable name starts with ``tag``."""
    if kind in {"contacts", "leads"}:
        return person(crm, kind.title(), owner, f"{tag} Müller", **fields)
    return named(crm, kind.title(), owner, f"{tag} — Überseeprojekt", **fields)


@pytest.mark.parametrize("kind", ["contacts", "accounts", "leads", "opportunities", "cases"])
def test_each_kind_is_found_by_name_with_compact_rows(
        api: Api, crm: SuiteCRMClient, sally_headers: dict[str, str], tag: str,
        kind: str) -> None:
    created = make(crm, kind, SALLY, tag)
    make(crm, kind, WILL, tag + "x")  # starts with the tag too: a prefix match
    rows = search_all(api, kind, sally_headers, q=tag.lower())
    assert len(rows) == 2 and created in ids(rows)
    row = next(r for r in rows if r["id"] == created)
    stored = crm.get(kind.title(), created)
    assert row["name"] == stored["name"] and tag in row["name"]
    assert row["assigned_user_id"] == SALLY
    assert row["date_modified"] == stored["date_modified"]
    assert 5 <= len(row) <= 8, "a compact row: id, name and a few key fields"


def test_contact_rows_carry_their_key_fields_exactly(
        api: Api, crm: SuiteCRMClient, sally_headers: dict[str, str], tag: str) -> None:
    account = named(crm, "Accounts", SALLY, f"Café Lumière {tag}")
    contact = person(crm, "Contacts", SALLY, f"{tag}-Żak", first_name="Łukasz",
                     email1=f"{tag.lower()}@example.org", phone_mobile="+48 12 345 67 89",
                     account_id=account)
    (row,) = search_all(api, "contacts", sally_headers, q=tag)
    assert row == {"id": contact, "name": f"Łukasz {tag}-Żak",
                   "account_name": f"Café Lumière {tag}",
                   "email1": f"{tag.lower()}@example.org", "phone_mobile": "+48 12 345 67 89",
                   "assigned_user_id": SALLY,
                   "date_modified": crm.get("Contacts", contact)["date_modified"]}


def test_q_matches_first_or_last_name_and_two_words_match_both(
        api: Api, crm: SuiteCRMClient, sally_headers: dict[str, str], tag: str) -> None:
    by_last = person(crm, "Contacts", SALLY, tag, first_name="Greta")
    by_first = person(crm, "Contacts", SALLY, "Hansen", first_name=tag)
    both = person(crm, "Contacts", SALLY, f"{tag}son", first_name="Ingrid")
    assert set(ids(search_all(api, "contacts", sally_headers, q=tag))) == {
        by_last, by_first, both}
    assert ids(search_all(api, "contacts", sally_headers, q=f"ingrid {tag}")) == [both]
    assert ids(search_all(api, "contacts", sally_headers, q=f"  Greta   {tag} ")) == [by_last]


def test_q_finds_by_email_phone_and_case_number(
        api: Api, crm: SuiteCRMClient, sally_headers: dict[str, str], tag: str) -> None:
    email = f"{tag.lower()}_sales@example.org"
    lead = person(crm, "Leads", SALLY, "Nakamura", email1=email)
    person(crm, "Leads", SALLY, "Nakamura", email1=f"{tag.lower()}xsales@example.org")
    found = search_all(api, "leads", sally_headers, q=email[:-5])
    assert ids(found) == [lead], "_ is a literal underscore, not LIKE's any-character"
    phone = "+49 30 " + str(int.from_bytes(tag.encode()) % 10_000_000).zfill(7)
    contact = person(crm, "Contacts", SALLY, "Schröder", phone_work=phone)
    assert ids(search_all(api, "contacts", sally_headers, q=phone)) == [contact]
    case = named(crm, "Cases", SALLY, f"{tag} broken hinge")
    number = crm.get("Cases", case)["case_number"]
    rows = search_all(api, "cases", sally_headers, q=str(number))
    assert ids(rows) == [case] and rows[0]["case_number"] == int(number)


def test_mine_keeps_only_records_assigned_to_the_rep(
        api: Api, crm: SuiteCRMClient, sally_headers: dict[str, str], tag: str) -> None:
    hers = {person(crm, "Contacts", SALLY, f"{tag}{n}") for n in "abc"}
    theirs = {person(crm, "Contacts", WILL, f"{tag}{n}") for n in "de"}
    assert set(ids(search_all(api, "contacts", sally_headers, q=tag))) == hers | theirs
    # one word: first OR last name, which SuiteCRM cannot AND with the owner
    assert set(ids(search_all(api, "contacts", sally_headers, q=tag, mine="true"))) == hers
    # two words: an AND query with the owner inside it
    assert set(ids(search_all(api, "contacts", sally_headers, q=f"anna {tag}",
                              mine="true"))) == hers
    deal = named(crm, "Opportunities", SALLY, f"{tag} fleet", amount="1200.50",
                 sales_stage="Prospecting", date_closed="2031-02-03")
    named(crm, "Opportunities", WILL, f"{tag} fleet 2", amount="99", sales_stage="Prospecting",
          date_closed="2031-02-03")
    assert ids(search_all(api, "opportunities", sally_headers, q=tag, mine="true")) == [deal]


def test_without_q_mine_lists_the_reps_records_newest_change_first(
        api: Api, sally_headers: dict[str, str]) -> None:
    page = ok(api("GET", "/records/opportunities", params={"mine": "true", "limit": 50},
                  headers=sally_headers))
    assert page["items"] and {r["assigned_user_id"] for r in page["items"]} == {SALLY}
    changed = [r["date_modified"] for r in page["items"]]
    assert changed == sorted(changed, reverse=True)


@pytest.mark.parametrize("mine", ["false", "true"])
def test_the_cursor_walks_every_match_once(
        api: Api, crm: SuiteCRMClient, sally_headers: dict[str, str], tag: str,
        mine: str) -> None:
    hers = {person(crm, "Contacts", SALLY, f"{tag}{n:02d}") for n in range(7)}
    others = {person(crm, "Contacts", WILL, f"{tag}{n:02d}w") for n in range(5)}
    pages: list[list[str]] = []
    query: dict[str, Any] = {"q": tag, "limit": 3, "mine": mine}
    while True:
        page = ok(api("GET", "/records/contacts", params=query, headers=sally_headers))
        pages.append(ids(page["items"]))
        if page["next_cursor"] is None:
            break
        query["cursor"] = page["next_cursor"]
    seen = [record for chunk in pages for record in chunk]
    assert len(seen) == len(set(seen)), "no record twice"
    assert set(seen) == (hers if mine == "true" else hers | others)
    assert all(len(chunk) <= 3 for chunk in pages) and len(pages) >= 3


def test_max_finds_only_his_own_records(
        api: Api, crm: SuiteCRMClient, max_headers: dict[str, str],
        sally_headers: dict[str, str], tag: str) -> None:
    email = f"{tag.lower()}@example.net"
    sallys = person(crm, "Contacts", SALLY, tag, email1=email)
    his = person(crm, "Contacts", MAX, tag)
    assert set(ids(search_all(api, "contacts", sally_headers, q=tag))) == {sallys, his}
    assert ids(search_all(api, "contacts", max_headers, q=tag)) == [his]
    assert search_all(api, "contacts", max_headers, q=email) == []
    for kind in ("leads", "opportunities", "cases"):
        hidden = make(crm, kind, SALLY, tag)
        assert ids(search_all(api, kind, sally_headers, q=tag)) == [hidden]
        assert search_all(api, kind, max_headers, q=tag) == [], kind


def test_a_cursor_only_continues_its_own_search(
        api: Api, crm: SuiteCRMClient, sally_headers: dict[str, str], tag: str) -> None:
    for n in range(3):
        person(crm, "Contacts", SALLY, f"{tag}{n}")
    first = ok(api("GET", "/records/contacts", params={"q": tag, "limit": 1},
                   headers=sally_headers))
    assert first["next_cursor"]
    for params in ({"q": tag + "x", "cursor": first["next_cursor"]},
                   {"q": tag, "mine": "true", "cursor": first["next_cursor"]}):
        answer = api("GET", "/records/contacts", params=params, headers=sally_headers)
        assert answer.status_code == 422
        assert "cursor" in answer.json()["errors"]["query"]
    other_kind = api("GET", "/records/leads", params={"q": tag, "cursor": first["next_cursor"]},
                     headers=sally_headers)
    assert other_kind.status_code == 422


@pytest.mark.parametrize(("params", "field"), [
    ({"limit": 0}, "limit"), ({"limit": 51}, "limit"), ({"limit": "ten"}, "limit"),
    ({"mine": "perhaps"}, "mine"), ({"q": ""}, "q"), ({"q": "   "}, "q"),
    ({"q": "x" * 101}, "q"), ({"q": "nul\x00byte"}, "q"), ({"q": "smile 😀"}, "q"),
    ({"cursor": "!!not-base64!!"}, "cursor"), ({"cursor": "W10"}, "cursor"),
    ({"cursor": "x" * 600}, "cursor"),
])
def test_bad_parameters_get_field_errors(api: Api, sally_headers: dict[str, str],
                                         params: dict[str, Any], field: str) -> None:
    answer = api("GET", "/records/accounts", params=params, headers=sally_headers)
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["code"] == 422 and body["message"]
    assert list(body["errors"]["query"]) == [field]


def test_unknown_kinds_and_missing_tokens_answer_json_errors(
        api: Api, sally_headers: dict[str, str]) -> None:
    unknown = api("GET", "/records/users", headers=sally_headers)
    assert unknown.status_code == 404 and unknown.json()["code"] == 404
    anonymous = api("GET", "/records/contacts")
    assert anonymous.status_code == 401 and anonymous.json()["message"]
