"""What the client refuses before sending, and lost answers on deletes and unlinks."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from connectors.errors import ValidationError
from connectors.suitecrm import Filter, SuiteCRMClient
from sandboxes.suitecrm import DEMO_SYNC_CLIENT
from tests.suitecrm_client.conftest import api_calls


def test_a_date_for_a_datetime_field_is_refused(crm):
    with pytest.raises(ValueError, match="datetime field"):
        crm.create("Calls", {"name": "x", "date_start": date(2030, 3, 1)})


def test_a_datetime_for_a_date_field_is_refused(crm):
    with pytest.raises(ValueError, match="date field"):
        crm.create("Contacts", {"last_name": "x",
                                "birthdate": datetime(1990, 5, 17, 23, 30, tzinfo=UTC)})


def test_filters_cannot_match_null():
    with pytest.raises(ValueError, match="NULL"):
        Filter.where(assigned_user_id=None)


@pytest.mark.parametrize(("filter_", "sort"), [
    (Filter.where(account_name="Acme"), None),
    (Filter.where(email2="a@example.org"), None),
    (None, "email1"),
    (None, "-calls"),
])
def test_filter_and_sort_on_non_db_fields_are_refused(crm, filter_, sort):
    with pytest.raises(ValueError, match="not a database column"):
        crm.list("Contacts", filter=filter_, sort=sort)


def test_email1_stays_filterable(crm):
    crm.list("Contacts", filter=Filter.where(email1="nobody@example.org"))


@pytest.mark.parametrize("sort", ["full_name", "-account_name", "assigned_user_name"])
def test_names_suitecrm_joins_stay_sortable(crm, sort):
    page = crm.list("Contacts", sort=sort, page_size=5)
    assert len(page) == 5


def test_a_database_failure_is_a_validation_error_with_suitecrms_words(crm):
    # SuiteCRM refuses SugarFeed's metadata, so the client cannot refuse this filter on
    # a non-db field itself: SuiteCRM's answer (JSON, then raw text) is the check
    with pytest.raises(ValidationError) as err:
        crm.list("SugarFeed", filter=Filter.where(created_by_name="Administrator"))
    assert err.value.status == 400
    assert err.value.detail == "Database failure. Please refer to suitecrm.log for details."


def test_delete_whose_answer_was_lost_is_a_success(crm, sandbox):
    record = crm.create("Contacts", {"last_name": "DeleteLost"})
    sandbox.faults.configure(lose_answer_next=1)
    crm.delete("Contacts", record.id)
    assert len(api_calls(sandbox, "DELETE", record.id)) == 2


def test_unlink_whose_answer_was_lost_is_a_success(crm, sandbox):
    contact = crm.create("Contacts", {"last_name": "UnlinkLost"})
    call = crm.create("Calls", {"name": "c", "date_start": datetime(2030, 1, 1, 9, tzinfo=UTC)})
    crm.link("Contacts", contact.id, "Calls", call.id, link="calls")
    sandbox.faults.configure(lose_answer_next=1)
    crm.unlink("Contacts", contact.id, "calls", call.id)
    assert len(crm.related("Contacts", contact.id, "calls")) == 0


def test_lost_create_with_a_token_expiring_before_the_retry_is_created_once(sandbox):
    crm = SuiteCRMClient.service_account(sandbox.url, *DEMO_SYNC_CLIENT,
                                         sleep=lambda _: sandbox.expire_tokens())
    crm.current_user()
    sandbox.faults.configure(lose_answer_next=1)
    record = crm.create("Contacts", {"last_name": "LostThenExpired"})
    found = list(crm.iterate("Contacts", filter=Filter.where(last_name="LostThenExpired")))
    assert [r.id for r in found] == [record.id]


def test_related_records_carry_their_module_name(crm):
    contact = crm.create("Contacts", {"last_name": "WithCall"})
    call = crm.create("Calls", {"name": "c", "date_start": datetime(2030, 1, 1, 9, tzinfo=UTC)})
    crm.link("Contacts", contact.id, "Calls", call.id, link="calls")
    [related] = crm.related("Contacts", contact.id, "calls").records
    assert related.module == "Calls"
    assert crm.get(related.module, related.id).id == call.id
