"""Create, read, update, delete; idempotent creates; dates and email as SuiteCRM stores them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from connectors.errors import ConflictError, NotFoundError, ValidationError


def test_create_read_update_delete_contact(crm, janitor):
    last = janitor.name("Crud")
    created = janitor.create("Contacts", {
        "first_name": "Zoë", "last_name": last, "title": "QA",
        "email1": f"{last.lower()}@example.org", "birthdate": date(1990, 5, 17),
        "description": "Ünïcödé body — ñ, ß, Ω",
    })
    assert created.type == "Contact"
    assert created["full_name"] == f"Zoë {last}"
    assert created["birthdate"] == "1990-05-17"

    fetched = crm.get("Contacts", created.id)
    assert fetched["email1"] == f"{last.lower()}@example.org"
    # BMP text only: SuiteCRM's default utf8 (3-byte) tables cannot hold emoji
    assert fetched["description"] == "Ünïcödé body — ñ, ß, Ω"
    assert fetched.datetime("date_entered") is not None

    updated = crm.update("Contacts", created.id, {"title": "Senior QA", "phone_work": "+1 555"})
    assert updated["title"] == "Senior QA"
    assert crm.get("Contacts", created.id, fields=["title"])["title"] == "Senior QA"

    crm.delete("Contacts", created.id)
    with pytest.raises(NotFoundError):
        crm.get("Contacts", created.id)


def test_create_keeps_the_client_supplied_id(crm, janitor):
    wanted = str(uuid.uuid4())
    record = janitor.create("Contacts", {"last_name": janitor.name("Id")}, record_id=wanted)
    assert record.id == wanted
    assert crm.get("Contacts", wanted).id == wanted


def test_creating_an_existing_id_is_a_conflict_not_a_duplicate(crm, janitor):
    record = janitor.create("Contacts", {"last_name": janitor.name("Dup")})
    with pytest.raises(ConflictError):
        crm.create("Contacts", {"last_name": "Other"}, record_id=record.id)
    assert crm.get("Contacts", record.id)["last_name"] == record["last_name"]


def test_sparse_fields_return_only_those(crm, janitor):
    record = janitor.create("Contacts", {"first_name": "Sparse", "last_name": janitor.name()})
    got = crm.get("Contacts", record.id, fields=["last_name", "first_name"])
    assert set(got.attributes) == {"first_name", "last_name"}


def test_aware_datetimes_are_stored_in_utc(crm, janitor):
    paris = timezone(timedelta(hours=2))
    start = datetime(2030, 3, 1, 11, 30, 45, tzinfo=paris)
    call = janitor.create("Calls", {"name": janitor.name("Call"), "status": "Planned",
                                    "direction": "Outbound", "date_start": start,
                                    "duration_hours": 0, "duration_minutes": 15})
    assert call.datetime("date_start") == datetime(2030, 3, 1, 9, 30, tzinfo=UTC)
    assert call.datetime("date_end") == datetime(2030, 3, 1, 9, 45, tzinfo=UTC)


@pytest.mark.parametrize("value", [
    "2030-03-01T09:30:00+02:00", "2030-03-01T09:30:00Z", "2030-03-01 09:30",
])
def test_date_strings_suitecrm_would_store_as_null_are_refused(crm, value):
    with pytest.raises(ValueError, match="NULL"):
        crm.create("Calls", {"name": "never sent", "date_start": value})


def test_naive_datetimes_are_refused(crm):
    with pytest.raises(ValueError, match="time zone"):
        crm.create("Calls", {"name": "never sent", "date_start": datetime(2030, 1, 1, 9)})


def test_text_that_only_looks_like_a_date_is_fine(crm, janitor):
    record = janitor.create("Contacts", {"last_name": janitor.name(),
                                         "description": "2030-03-01T09:30 kickoff"})
    assert record["description"] == "2030-03-01T09:30 kickoff"


def test_email1_in_an_update_is_refused_and_replace_email_address_works(crm, janitor):
    last = janitor.name("Mail")
    record = janitor.create("Contacts", {"last_name": last, "email1": f"{last}@example.org"})
    with pytest.raises(ValueError, match="email1"):
        crm.update("Contacts", record.id, {"email1": "new@example.org"})
    new_address = f"{last}.new@example.org".lower()
    row = crm.replace_email_address("Contacts", record.id, new_address)
    assert row.type == "EmailAddress"
    assert crm.get("Contacts", record.id)["email1"] == new_address


def test_unknown_attribute_is_a_validation_error_with_suitecrm_message(crm):
    with pytest.raises(ValidationError) as err:
        crm.create("Contacts", {"last_name": "x", "no_such_field": "x"})
    assert err.value.detail == "Property no_such_field in Contact module is invalid"


def test_update_of_unknown_id_is_not_found(crm):
    with pytest.raises(NotFoundError):
        crm.update("Contacts", "00000000-0000-0000-0000-000000000000", {"title": "x"})


def test_unknown_module_is_a_validation_error(crm):
    with pytest.raises(ValidationError) as err:
        crm.create("NoSuchModule", {"name": "x"})
    assert err.value.detail == "Module NoSuchModule does not exist"
