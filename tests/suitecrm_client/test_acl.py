"""A rep's client sees only what SuiteCRM lets that rep see."""

from __future__ import annotations

import pytest

from connectors.errors import AuthenticationError, PermissionDeniedError
from sandboxes.suitecrm import OWNER_ONLY_USER
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


def test_records_a_rep_creates_stay_unassigned_unless_he_says_so(sandbox, crm):
    max_ = login(sandbox, "max")
    unassigned = max_.create("Notes", {"name": "Met at the fair"})
    assert unassigned["assigned_user_id"] == ""
    assert max_.get("Notes", unassigned.id)["created_by"] == OWNER_ONLY_USER  # owner as creator
    mine = max_.create("Notes", {"name": "Met at the fair",
                                 "assigned_user_id": max_.current_user().id})
    assert max_.get("Notes", mine.id)["assigned_user_id"] == OWNER_ONLY_USER
    crm.update("Notes", unassigned.id, {"assigned_user_id": "seed_sally_id"})
    with pytest.raises(PermissionDeniedError):
        max_.get("Notes", unassigned.id)


def test_logged_out_rep_must_log_in_again(sandbox):
    sally = login(sandbox, "sally")
    sally.logout()
    with pytest.raises(AuthenticationError) as err:
        sally.current_user()
    assert err.value.reason == "expired"


def test_rows_hidden_by_acl_do_not_end_a_related_walk(sandbox, crm):
    account = crm.create("Accounts", {"name": "Shared account"})
    ids = [f"{n:08d}-0000-4000-8000-000000000000" for n in range(1, 5)]
    owners = ["seed_sally_id", "seed_sally_id", OWNER_ONLY_USER, OWNER_ONLY_USER]
    for record_id, owner in zip(ids, owners, strict=True):
        crm.create("Contacts", {"last_name": f"Acl{record_id[:8]}", "assigned_user_id": owner},
                   record_id=record_id)
        crm.link("Accounts", account.id, "Contacts", record_id)
    max_ = login(sandbox, "max")
    seen = [r.id for r in max_.iterate_related("Accounts", account.id, "contacts", page_size=2)]
    assert seen == ids[2:]
