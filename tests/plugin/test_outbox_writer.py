"""The hooks' change outbox row, with a stand-in of SuiteCRM's database (php/run_events.php).

Each change is one DBManager::insertParams call on the outbox's own vardefs (so SuiteCRM
quotes each value for its column and the database numbers the row), written before the
notice is queued, whether or not the service is configured, and never at the cost of the
save. The real table and its rows are checked on a real SuiteCRM by
tests/live/test_outbox_v8.py.
"""

from __future__ import annotations

from typing import Any

from tests.plugin.conftest import PhpRunner
from tests.plugin.receiver import closed_port_url
from tests.plugin.test_change_notifier import (
    CREATED_CALL,
    FETCHED_CALL,
    bean,
    run,
    settings,
    warnings,
)


def inserts(out: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = out["inserts"]
    assert {row["table"] for row in rows} <= {"scrm_change_outbox"}
    assert all(row["auto_increment"] == ["sequence"] for row in rows), \
        "the sequence is left to the database"
    return [row["data"] for row in rows]


def test_every_change_is_one_row_in_order_and_a_save_without_change_none(
        php: PhpRunner) -> None:
    unchanged = {k: FETCHED_CALL[k] for k in ("status", "parent_id", "outlook_id")}
    steps = [
        {"op": "save", "bean": bean("Calls", "c-1", CREATED_CALL, new_with_id=True)},
        {"op": "save", "bean": bean("Calls", "c-1", {**unchanged, "status": "Held",
                                                     "modified_user_id": "u-2",
                                                     "date_modified": "2026-11-22 08:04:07"},
                                    fetched=FETCHED_CALL)},
        {"op": "save", "bean": bean("Calls", "c-1", unchanged, fetched=FETCHED_CALL)},
        {"op": "delete", "bean": bean("Calls", "c-1", {"assigned_user_id": "u-assigned"},
                                      fetched={"id": "c-1"}),
         "unlinked": ["assigned_user_id"]},
        {"op": "pending"},
    ]
    out = run(php, steps, settings_table=settings(closed_port_url()), db="accepts",
              current_user_id="u-deleter")
    rows = inserts(out)
    assert [(r["record_module"], r["record_id"], r["action"], r["changed_fields"])
            for r in rows] == [
        ("Calls", "c-1", "create", "assigned_user_id,date_start,description,duration_minutes,"
                                   "name,parent_id,parent_type,status"),
        ("Calls", "c-1", "update", "status"),
        ("Calls", "c-1", "delete", ""),
    ]
    create, update, delete = rows
    assert (update["modified_user_id"], update["created_by"]) == ("u-2", "u-2")
    assert update["record_date_modified"] == "2026-11-22T08:04:07Z"
    assert create["record_assigned_user_id"] == "u-assigned"
    assert (delete["modified_user_id"], delete["record_assigned_user_id"]) == (
        "u-deleter", "u-assigned"), "the deleting user; the assignee deleting unlinked"
    assert delete["record_date_modified"] == delete["occurred_at"]
    assert all(r["deleted"] == 0 and r["name"] == f"Calls {r['action']} c-1" for r in rows)
    assert "Zoë" not in str(rows) and "Ñandú" not in str(rows), "names, never values"
    # The notice's one event for the record keeps the id of its first change's row.
    (pending,) = out["results"][-1]
    assert pending["event_id"] == create["id"]
    assert len({r["id"] for r in rows}) == 3
    assert out["vardefs_loaded"] == ["SCRM_ChangeOutbox"], "vardefs read once per request"


def test_the_outbox_records_changes_before_the_service_is_configured(php: PhpRunner) -> None:
    out = run(php, [{"op": "save", "bean": bean("Tasks", "t-1", {"status": "Done"},
                                                fetched={"status": "Open"})},
                    {"op": "pending"}], settings_table={}, db="accepts")
    assert [(r["record_id"], r["action"], r["changed_fields"]) for r in inserts(out)] == [
        ("t-1", "update", "status")]
    assert out["results"][-1] == [], "no notice without settings"


def test_a_save_that_deletes_is_a_delete(php: PhpRunner) -> None:
    """V8's PATCH with "deleted": 1 saves the record with deleted = 1 and runs only the
    after_save hooks; the row carries the date_modified that save stored, which V8 answers
    (the service knows its own delete by it), not the hook's later clock."""
    out = run(php, [{"op": "save", "bean": bean("Tasks", "t-1", {
        "deleted": 1, "status": "x", "assigned_user_id": "u-a",
        "date_modified": "2026-11-22 08:04:07"}, fetched={"deleted": "0", "status": "x"})},
                    {"op": "pending"}], settings_table={}, db="accepts",
              current_user_id="u-deleter")
    assert [(r["action"], r["changed_fields"], r["record_assigned_user_id"],
             r["modified_user_id"], r["record_date_modified"]) for r in inserts(out)] == [
        ("delete", "", "u-a", "u-deleter", "2026-11-22T08:04:07Z")]


def test_a_database_that_refuses_or_fails_is_logged_and_the_save_goes_on(
        php: PhpRunner) -> None:
    for mode, logged in (("refuses", "refused a row for Tasks t-1"),
                         ("throws", "MySQL server has gone away")):
        out = run(php, [{"op": "save", "bean": bean("Tasks", "t-1", {"status": "Done"},
                                                    fetched={"status": "Open"})},
                        {"op": "pending"}],
                  settings_table=settings(closed_port_url()), db=mode)
        assert out["results"][0] == "saved"
        assert [e["action"] for e in out["results"][-1]] == ["update"], "the notice still goes"
        assert any(logged in line for line in warnings(out)), warnings(out)


def test_without_a_database_nothing_is_written_or_logged(php: PhpRunner) -> None:
    out = run(php, [{"op": "save", "bean": bean("Tasks", "t-1", {"status": "Done"},
                                                fetched={"status": "Open"})}],
              settings_table={})
    assert (out["inserts"], warnings(out), out["vardefs_loaded"]) == ([], [], [])
