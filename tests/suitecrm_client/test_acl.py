"""A rep's client sees only what SuiteCRM lets that rep see."""

from __future__ import annotations

import pytest

from connectors.errors import AuthenticationError, PermissionDeniedError
from connectors.sandbox.suitecrm import OWNER_ONLY_USER
from tests.suitecrm_client.conftest import login


def test_owner_only_rep_lists_only_own_contacts(sandbox, crm):
    max_ = login(sandbox, "max")
    mine = list(max_.iterate("Contacts", fields=["assigned_user_id"]))
    assert mine, "the seed assigns contacts to max"
    assert {r["assigned_user_id"] for r in mine} == {OWNER_ONLY_USER}
    everyone = crm.list("Contacts", page_size=1)
    assert everyone.total_pages > len(mine)


def test_owner_only_rep_cannot_read_another_reps_contact(sandbox, crm):
    max_ = login(sandbox, "max")
    other = next(r for r in crm.iterate("Contacts", fields=["assigned_user_id"])
                 if r["assigned_user_id"] not in ("", OWNER_ONLY_USER))
    with pytest.raises(PermissionDeniedError):
        max_.get("Contacts", other.id)


def test_records_a_rep_creates_are_assigned_to_that_rep(sandbox):
    sally = login(sandbox, "sally")
    call = sally.create("Notes", {"name": "Met at the fair"})
    assert call["assigned_user_id"] == sally.current_user().id


def test_logged_out_rep_must_log_in_again(sandbox):
    sally = login(sandbox, "sally")
    sally.logout()
    with pytest.raises(AuthenticationError) as err:
        sally.current_user()
    assert err.value.reason == "expired"
