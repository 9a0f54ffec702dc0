"""Recorded error cases and the metadata endpoints."""

from __future__ import annotations

import pytest

from connectors.errors import NotFoundError, PermissionDeniedError, ValidationError


def test_unknown_id_is_not_found_although_suitecrm_says_400(crm):
    with pytest.raises(NotFoundError) as err:
        crm.get("Contacts", "00000000-0000-0000-0000-000000000000")
    assert err.value.status == 400


def test_malformed_id_is_a_validation_error(crm):
    with pytest.raises(ValidationError) as err:
        crm.get("Contacts", "not-a-uuid")
    assert err.value.detail == 'The option "id" with value "not-a-uuid" is invalid.'


def test_unknown_module_listing(crm):
    with pytest.raises(ValidationError) as err:
        crm.list("NoSuchModule")
    assert err.value.detail == "Module NoSuchModule does not exist"


def test_meta_fields_of_unknown_module_is_not_allowed(crm):
    with pytest.raises(PermissionDeniedError):
        crm.fields("NoSuchModule")


def test_deleted_record_reads_as_not_found(crm, janitor):
    record = janitor.create("Contacts", {"last_name": janitor.name("Gone")})
    crm.delete("Contacts", record.id)
    with pytest.raises(NotFoundError):
        crm.get("Contacts", record.id)
    with pytest.raises(NotFoundError):
        crm.delete("Contacts", record.id)


def test_meta_modules_lists_access(crm):
    modules = crm.modules()
    for name in ("Accounts", "Contacts", "Leads", "Cases", "Calls", "Notes"):
        assert modules[name].can("view"), name
        assert modules[name].can("edit"), name


def test_meta_fields_types(crm):
    fields = crm.fields("Contacts")
    assert fields["id"].type == "id"
    assert fields["birthdate"].is_date
    assert fields["date_modified"].is_datetime
    assert fields["calls"].is_link
    assert fields["calls"].relationship == "calls_contacts"
    assert fields["email1"].type == "varchar"
