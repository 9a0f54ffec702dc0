"""The sandbox's outbox behaves as the package's does on a real SuiteCRM 7.14 (measured
there by tests/live/test_outbox_v8.py): what is written, who may read it, what a delete
does."""

from __future__ import annotations

import pytest

from connectors.errors import NotFoundError, PermissionDeniedError, ValidationError
from connectors.suitecrm import SuiteCRMClient
from plugin.outbox import MODULE, parse_row
from sandboxes.suitecrm import DEMO_SYNC_CLIENT, SuiteCRMSandbox
from tests.outbox.conftest import SALLY, outbox_rows, task


def test_hooked_modules_write_rows_others_do_not(crm: SuiteCRMClient) -> None:
    call = crm.create("Calls", {"name": "Hooked", "status": "Planned", "direction": "Inbound"})
    crm.create("Accounts", {"name": "Not hooked"})
    crm.create("SCRM_SocialProfiles", {"name": "Not hooked either", "network": "facebook",
                                       "external_id": "fb-1"})
    assert [(row[1], row[2], row[3]) for row in outbox_rows(crm)] == [
        ("Calls", call.id, "create")]


def test_a_row_names_the_change_never_its_values(crm: SuiteCRMClient,
                                                 sally: SuiteCRMClient) -> None:
    record = task(sally, "Секрет 秘密", assigned_user_id=SALLY)
    sally.update("Tasks", record, {"priority": "Low", "name": "Секрет 2"})
    sally.update("Tasks", record, {"priority": "Low"})  # no change, no row
    sally.update("Tasks", record, {"deleted": 1})  # a delete by PATCH is a delete
    rows = crm.list(MODULE, sort="sequence", page_size=10).records
    changes = [parse_row(row) for row in rows]
    assert [(c.action, c.changed_fields) for c in changes] == [
        ("create", ("assigned_user_id", "date_due", "name", "priority", "status")),
        ("update", ("name", "priority")),
        ("delete", ()),
    ]
    assert {(c.modified_user_id, c.assigned_user_id) for c in changes} == {(SALLY, SALLY)}
    assert [c.sequence for c in changes] == [1, 2, 3]
    assert all("Секрет" not in str(dict(row.attributes)) for row in rows)
    assert changes[1].date_modified >= changes[0].date_modified


def test_only_administrators_reach_the_outbox(crm: SuiteCRMClient,
                                              sally: SuiteCRMClient) -> None:
    task(sally, "Mine")
    (row,) = crm.list(MODULE).records
    for refused in (lambda: sally.list(MODULE), lambda: sally.get(MODULE, row.id),
                    lambda: sally.delete(MODULE, row.id)):
        with pytest.raises(PermissionDeniedError, match="AccessDeniedException"):
            refused()
    assert MODULE not in crm.modules(), "no tab: not listed"
    with pytest.raises(PermissionDeniedError, match="Not Allowed"):
        crm.fields(MODULE)


def test_deleting_a_row_removes_it_and_runs_no_hook(crm: SuiteCRMClient) -> None:
    task(crm, "One")
    (row,) = crm.list(MODULE).records
    crm.create(MODULE, {"name": "by hand", "record_module": "Tasks", "record_id": row.id,
                        "action": "create"})
    crm.delete(MODULE, row.id)
    assert [r["name"] for r in crm.list(MODULE).records] == ["by hand"], \
        "writing or deleting outbox rows adds no row"
    with pytest.raises(NotFoundError):
        crm.get(MODULE, row.id)


def test_a_suitecrm_without_the_package_has_no_outbox() -> None:
    with SuiteCRMSandbox(seed=False) as plain:
        crm = SuiteCRMClient.service_account(plain.url, *DEMO_SYNC_CLIENT)
        task(crm, "Plain")
        with pytest.raises(ValidationError, match="does not exist"):
            crm.list(MODULE)
