"""Recorded error cases and the metadata endpoints."""

from __future__ import annotations

import pytest

from connectors.errors import NotFoundError, PermissionDeniedError, ValidationError
from connectors.suitecrm import Filter, SuiteCRMClient
from connectors.transport import CallCounter

REFUSED = "[SuiteCRM] [Not Allowed] The API user does not have access to this module."


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


@pytest.mark.parametrize("module", ["Users", "EmailAddresses", "SugarFeed"])
def test_metadata_suitecrm_refuses_is_asked_for_once(target, module):
    counter = CallCounter()
    crm = SuiteCRMClient.service_account(target.url, target.client_id, target.client_secret,
                                         counter=counter)
    for _ in range(2):
        with pytest.raises(PermissionDeniedError) as err:
            crm.fields(module)
        assert err.value.detail == REFUSED
    assert counter.snapshot()[("suitecrm", "GET /meta/fields")] == 1


def test_modules_without_metadata_are_still_filtered_and_sorted(crm, janitor):
    """SuiteCRM lists EmailAddresses and SugarFeed although it refuses their metadata:
    the client sends such queries unchecked and SuiteCRM's answer is the check."""
    last = janitor.name("Feed")
    janitor.create("Contacts", {"last_name": last, "email1": f"{last}@example.org"})
    addresses = list(crm.iterate("EmailAddresses", sort="email_address",
                                 filter=Filter.where(email_address__like=f"{last}%")))
    assert [r["email_address"].lower() for r in addresses] == [f"{last}@example.org".lower()]
    feed = crm.list("SugarFeed", filter=Filter.where(name__like=f"%{last}%"), page_size=5)
    assert len(feed) == 1
    assert feed.records[0]["name"].startswith("<b>{this.CREATED_BY}</b>")  # decoded text
    with pytest.raises(ValidationError) as err:
        crm.list("SugarFeed", filter=Filter.where(created_by_name="Administrator"))
    assert err.value.detail == "Database failure. Please refer to suitecrm.log for details."
