"""Link, list related and unlink; the Note/contact_id rule."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connectors.errors import NotFoundError, ValidationError


@pytest.fixture()
def contact(janitor):
    return janitor.create("Contacts", {"first_name": "Rel", "last_name": janitor.name("Rel")})


def _call(janitor):
    return janitor.create("Calls", {"name": janitor.name("Call"), "status": "Planned",
                                    "direction": "Outbound",
                                    "date_start": datetime(2030, 1, 15, 10, tzinfo=UTC),
                                    "duration_hours": 0, "duration_minutes": 30})


def test_link_by_link_name_then_list_then_unlink(crm, janitor, contact):
    call = _call(janitor)
    crm.link("Contacts", contact.id, "Calls", call.id, link="calls")
    related = crm.related("Contacts", contact.id, "calls", page_size=10)
    assert [r.id for r in related] == [call.id]
    assert related.records[0].type == "Call"
    assert related.total_records == 1

    crm.unlink("Contacts", contact.id, "calls", call.id)
    assert len(crm.related("Contacts", contact.id, "calls")) == 0


def test_link_without_link_name(crm, janitor, contact):
    call = _call(janitor)
    crm.link("Contacts", contact.id, "Calls", call.id)
    assert [r.id for r in crm.iterate_related("Contacts", contact.id, "calls")] == [call.id]


def test_linking_twice_is_harmless(crm, janitor, contact):
    call = _call(janitor)
    crm.link("Contacts", contact.id, "Calls", call.id, link="calls")
    crm.link("Contacts", contact.id, "Calls", call.id, link="calls")
    assert len(crm.related("Contacts", contact.id, "calls")) == 1


def test_iterate_related_pages(crm, janitor, contact):
    calls = [_call(janitor) for _ in range(5)]
    for call in calls:
        crm.link("Contacts", contact.id, "Calls", call.id, link="calls")
    got = list(crm.iterate_related("Contacts", contact.id, "calls", page_size=2))
    assert sorted(r.id for r in got) == sorted(c.id for c in calls)


def test_note_shows_under_contact_only_with_contact_id(crm, janitor, contact):
    with_id = janitor.create("Notes", {"name": janitor.name("Note"), "contact_id": contact.id,
                                       "parent_type": "Contacts", "parent_id": contact.id})
    parent_only = janitor.create("Notes", {"name": janitor.name("Note"),
                                           "parent_type": "Contacts", "parent_id": contact.id})
    ids = {r.id for r in crm.iterate_related("Contacts", contact.id, "notes")}
    assert with_id.id in ids
    assert parent_only.id not in ids


def test_account_link_sets_account_on_contact(crm, janitor, contact):
    account = janitor.create("Accounts", {"name": janitor.name("Inc"), "industry": "Technology"})
    crm.link("Accounts", account.id, "Contacts", contact.id)
    got = crm.get("Contacts", contact.id, fields=["account_id", "account_name"])
    assert got["account_id"] == account.id
    assert got["account_name"] == account["name"]


def test_unknown_link_is_a_validation_error(crm, contact):
    with pytest.raises(ValidationError) as err:
        crm.related("Contacts", contact.id, "no_such_link")
    assert err.value.detail == "Cannot load relationship no_such_link for Contact module"


def test_linking_an_unknown_record_is_not_found(crm, contact):
    with pytest.raises(NotFoundError):
        crm.link("Contacts", contact.id, "Notes", "00000000-0000-0000-0000-000000000000")


def test_link_names_come_from_meta(crm):
    names = crm.link_names("Contacts")
    assert {"calls", "notes", "accounts", "email_addresses"} <= set(names)
