"""The change outbox of the installed package on a real SuiteCRM, written by changes made
through V8: what each row holds (checked in the database), who may read it, what deleting a
row does, that the sandbox writes the same rows for the same changes, and that the service's
own writes are recognised with the dates SuiteCRM really answers."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import redis

from connectors.errors import NotFoundError, PermissionDeniedError
from connectors.suitecrm import Filter, SuiteCRMClient
from plugin.outbox import MODULE, OutboxChange, parse_row
from sandboxes.suitecrm import DEMO_MOBILE_CLIENT, DEMO_SYNC_CLIENT, SuiteCRMSandbox
from tests.live.host import Database, LiveSettings
from workers import crm_outbox, own_writes

SALLY = "seed_sally_id"


def rep(url: str, client: tuple[str, str], password: str) -> SuiteCRMClient:
    return SuiteCRMClient.login(url, *client, "sally", password)


def play(crm: SuiteCRMClient, tag: str) -> list[str]:
    """The same changes on any SuiteCRM, made by Sally: a Task created, changed twice (once
    to the same value), deleted by PATCH; a Call created and deleted. Their record ids."""
    due = datetime(2026, 12, 24, 9, 30, tzinfo=UTC)
    first = crm.create("Tasks", {"name": f"Позвонить {tag} 打电话 😡", "status": "Not Started",
                                 "priority": "High", "date_due": due,
                                 "assigned_user_id": SALLY}).id
    crm.update("Tasks", first, {"priority": "Low", "description": "Перезвонить 回电"})
    crm.update("Tasks", first, {"priority": "Low"})
    crm.update("Tasks", first, {"deleted": 1})
    second = crm.create("Calls", {"name": f"Звонок {tag}", "status": "Planned",
                                  "direction": "Outbound", "date_start": due,
                                  "duration_hours": 0, "duration_minutes": 15,
                                  "assigned_user_id": SALLY}).id
    crm.delete("Calls", second)
    return [first, second]


def rows_of(crm: SuiteCRMClient, record_ids: list[str]) -> list[OutboxChange]:
    found = [parse_row(r) for record_id in record_ids for r in crm.list(
        MODULE, filter=Filter.where(record_id=record_id), sort="sequence").records]
    return sorted(found, key=lambda change: change.sequence)


def view(changes: list[OutboxChange], ids: list[str]) -> list[tuple[object, ...]]:
    """What must agree between SuiteCRM and the sandbox (ids by position). A Call's create
    also lists what Call::save fills itself (its reminder times), which the sandbox does
    not model; a Task's lists exactly what was sent."""
    return [(c.module, ids.index(c.record_id), c.action,
             None if (c.module, c.action) == ("Calls", "create") else c.changed_fields,
             c.modified_user_id, c.assigned_user_id) for c in changes]


@pytest.fixture()
def tag() -> str:
    return f"outbox{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SuiteCRMSandbox]:
    with SuiteCRMSandbox(seed=False, with_plugin=True) as running:
        yield running


def test_each_change_is_one_row_holding_names_ids_and_times_and_the_sandbox_agrees(
        installed_package: str, live: LiveSettings, crm: SuiteCRMClient, db: Database,
        sandbox: SuiteCRMSandbox, tag: str) -> None:
    sally = rep(live.url, (live.password_client_id, live.password_client_secret), "sally")
    real_ids = play(sally, tag)
    real = rows_of(crm, real_ids)
    assert [(c.module, c.action, c.changed_fields) for c in real] == [
        ("Tasks", "create", ("assigned_user_id", "date_due", "name", "priority", "status")),
        ("Tasks", "update", ("description", "priority")),
        ("Tasks", "delete", ()),
        ("Calls", "create", ("assigned_user_id", "date_end", "date_start", "direction",
                             "duration_hours", "duration_minutes", "email_reminder_time",
                             "name", "reminder_time", "repeat_interval", "status")),
        ("Calls", "delete", ()),
    ]
    assert {(c.modified_user_id, c.assigned_user_id) for c in real} == {(SALLY, SALLY)}
    # In the database: the record's date_modified to the second, nothing of its values.
    stored = db.rows("SELECT * FROM scrm_change_outbox WHERE record_id = %s "
                     "ORDER BY sequence", (real_ids[0],))
    task_row = db.row("SELECT date_modified FROM tasks WHERE id = %s", (real_ids[0],))
    assert task_row is not None
    assert stored[1]["record_date_modified"] <= stored[2]["record_date_modified"]
    assert stored[2]["record_date_modified"] == task_row["date_modified"].strftime(
        "%Y-%m-%dT%H:%M:%SZ"), "a delete by PATCH is stamped as the record"
    assert {row["created_by"] for row in stored} == {SALLY}
    assert all("Позвонить" not in str(row.values()) for row in stored)
    assert [row["id"] for row in stored] == [c.row_id for c in real[:3]]

    fake_ids = play(rep(sandbox.url, DEMO_MOBILE_CLIENT, "sally-Passw0rd"), tag)
    fake = rows_of(SuiteCRMClient.service_account(sandbox.url, *DEMO_SYNC_CLIENT), fake_ids)
    assert view(fake, fake_ids) == view(real, real_ids)


def test_only_administrators_reach_it_and_deleting_a_row_removes_it(
        installed_package: str, live: LiveSettings, crm: SuiteCRMClient, db: Database,
        tag: str) -> None:
    sally = rep(live.url, (live.password_client_id, live.password_client_secret), "sally")
    record = sally.create("Notes", {"name": f"Заметка {tag}"}).id
    (row,) = crm.list(MODULE, filter=Filter.where(record_id=record)).records
    for refused in (lambda: sally.list(MODULE), lambda: sally.get(MODULE, row.id),
                    lambda: sally.delete(MODULE, row.id)):
        with pytest.raises(PermissionDeniedError, match="AccessDeniedException"):
            refused()
    assert MODULE not in crm.modules()
    with pytest.raises(PermissionDeniedError, match="Not Allowed"):
        crm.fields(MODULE)

    crm.delete(MODULE, row.id)
    assert db.value("SELECT COUNT(*) FROM scrm_change_outbox WHERE id = %s", (row.id,)) == 0, \
        "gone for good, not marked deleted"
    with pytest.raises(NotFoundError):
        crm.get(MODULE, row.id)
    with pytest.raises(NotFoundError):
        crm.delete(MODULE, row.id)
    # Writing and deleting outbox rows runs no hook: no row ever names an outbox row.
    by_hand = crm.create(MODULE, {"name": f"by hand {tag}", "record_module": "Notes",
                                  "record_id": record, "action": "update"})
    crm.delete(MODULE, by_hand.id)
    assert db.value("SELECT COUNT(*) FROM scrm_change_outbox WHERE record_module = %s "
                    "OR record_id IN (%s, %s)", (MODULE, row.id, by_hand.id)) == 0


def test_deleting_a_row_prunes_every_older_row_and_no_newer_one(
        installed_package: str, crm: SuiteCRMClient, db: Database, tag: str) -> None:
    notes = [crm.create("Notes", {"name": f"Prune {n} {tag}"}).id for n in range(6)]
    rows = db.rows("SELECT id, sequence, record_id FROM scrm_change_outbox "
                   "WHERE record_id IN (%s, %s, %s, %s, %s, %s) ORDER BY sequence",
                   tuple(notes))
    assert [row["record_id"] for row in rows] == notes
    boundary = rows[3]
    crm.delete(MODULE, boundary["id"])
    assert db.value("SELECT COUNT(*) FROM scrm_change_outbox WHERE sequence <= %s",
                    (boundary["sequence"],)) == 0, "the boundary and everything before it"
    assert [row["record_id"] for row in db.rows(
        "SELECT record_id FROM scrm_change_outbox WHERE sequence > %s ORDER BY sequence",
        (boundary["sequence"],)) if row["record_id"] in notes] == notes[4:]
    with pytest.raises(NotFoundError):
        crm.delete(MODULE, rows[0]["id"])


def test_the_service_s_own_writes_are_recognised_with_the_dates_suitecrm_answers(
        installed_package: str, crm: SuiteCRMClient, db: Database,
        redis_client: redis.Redis, tag: str) -> None:
    crm_outbox.set_position(redis_client, int(db.value(
        "SELECT COALESCE(MAX(sequence), 0) FROM scrm_change_outbox")))
    written = crm.create("Cases", {"name": f"Жалоба {tag} 投诉 😡", "priority": "P1",
                                   "status": "Open_New"})
    stamp = written.datetime("date_modified")
    assert stamp is not None
    own_writes.remember(redis_client, "Cases", written.id, stamp)
    stored = db.row("SELECT date_modified FROM cases WHERE id = %s", (written.id,))
    assert stored is not None and stored["date_modified"] - stamp.replace(tzinfo=None) < \
        timedelta(minutes=1), "V8 answers the minute the database stamped"

    crm_outbox.drain(redis_client, crm, keep=0)
    ours = [item for item in _stream(redis_client) if item["record_id"] == written.id]
    assert [(item["action"], item["own"]) for item in ours] == [("create", True)]


def _stream(client: redis.Redis) -> list[dict[str, object]]:
    return [json.loads(fields[b"event"]) for _, fields in client.xrange(crm_outbox.STREAM)]
