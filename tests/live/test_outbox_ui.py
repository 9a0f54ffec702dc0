"""No CRM change is lost: a mass update of 50 Tasks and a mass delete of 20 in SuiteCRM's list
view, made in Chromium while the SocialCRM service is down, reach it as exactly 70 changes,
in order, once it starts draining; and the outbox rows are gone from the database after.

"Down" means nothing drains the outbox while the user works (no service process runs in this
test). The change notices go wherever the SocialCRM settings point at the time, or nowhere:
under Apache mod_php one notice per request could carry at most a wake-up, never the 70
changes, and the outbox does not depend on them.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import redis

from connectors.suitecrm import SuiteCRMClient
from tests.live.browser import BULK_ACTION_MS, PageReport, SuiteUI
from tests.live.host import Database
from tests.live.ui_forms import ListView
from workers import crm_outbox
from workers.crm_outbox import STREAM

UPDATED = 50
DELETED = 20


def select_all(ui: SuiteUI) -> int:
    """The list's "Select All": every record the search found, on every page."""
    page = ui.page
    page.locator("#selectLinkTop .suitepicon-action-caret").click()
    if not page.locator("#button_select_all_top").is_visible():
        page.hover("#selectLinkTop li.sugar_action_button")
    page.locator("#button_select_all_top").click()
    return int(page.locator("#selectCountTop").first.input_value())


def open_bulk_action(ui: SuiteUI, entry_selector: str) -> None:
    page = ui.page
    page.locator("#actionLinkTop a.parent-dropdown-handler").first.click()
    if not page.locator(entry_selector).is_visible():  # SuiteP opens it on hover on some widths
        page.hover("#actionLinkTop a.parent-dropdown-handler")


def mass_update_all(ui: SuiteUI, field: str, value: str, shot: str) -> PageReport:
    page = ui.page
    open_bulk_action(ui, "#massupdate_listview_top")
    page.locator("#massupdate_listview_top").click()
    page.select_option(f"#massupdate_form select#mass_{field}", value)
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation(timeout=BULK_ACTION_MS):
        page.locator("#update_button").click(timeout=BULK_ACTION_MS)
    return ui.check(shot)


def mass_delete_all(ui: SuiteUI, shot: str) -> PageReport:
    page = ui.page
    # The Bulk Action button itself carries the same id as its Delete entry.
    delete = "#actionLinkTop a.parent-dropdown-action-handler#delete_listview_top"
    open_bulk_action(ui, delete)
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation(timeout=BULK_ACTION_MS):
        page.locator(delete).click(timeout=BULK_ACTION_MS)
    return ui.check(shot)


def test_a_mass_update_of_50_and_a_mass_delete_of_20_reach_the_service_as_70_changes(
        installed_package: str, ui: SuiteUI, crm: SuiteCRMClient, db: Database,
        redis_client: redis.Redis) -> None:
    tag = uuid.uuid4().hex[:8]
    # The service starts where the outbox ends now (other suites' changes are not ours).
    start = int(db.value("SELECT COALESCE(MAX(sequence), 0) FROM scrm_change_outbox"))
    crm_outbox.set_position(redis_client, start)
    due = datetime.now(UTC) + timedelta(days=3)
    to_update = [crm.create("Tasks", {
        "name": f"Обзвон {tag} 电话 {n:02d}", "status": "Not Started", "priority": "High",
        "date_due": due}).id for n in range(UPDATED)]
    to_delete = [crm.create("Tasks", {
        "name": f"Удалить {tag} 删除 {n:02d}", "status": "Not Started", "priority": "High",
        "date_due": due}).id for n in range(DELETED)]
    mine = set(to_update) | set(to_delete)
    # The service takes in the creates, then goes down.
    crm_outbox.drain(redis_client, crm, keep=0)
    down_at = crm_outbox.position(redis_client)
    last_seen = _last_entry(redis_client)

    listed = ListView(ui, "Tasks")
    assert listed.search(f"Обзвон {tag}", "update-search").problems() == []
    assert select_all(ui) == UPDATED
    assert mass_update_all(ui, "priority", "Low", "mass-updated").problems() == []
    assert listed.search(f"Удалить {tag}", "delete-search").problems() == []
    assert select_all(ui) == DELETED
    assert mass_delete_all(ui, "mass-deleted").problems() == []

    waiting = [row for row in db.rows(
        "SELECT sequence, record_id, action FROM scrm_change_outbox WHERE sequence > %s "
        "ORDER BY sequence", (down_at,)) if row["record_id"] in mine]
    assert len(waiting) == UPDATED + DELETED, "every change waits in SuiteCRM's database"

    # The service starts and drains.
    result = crm_outbox.drain(redis_client, crm, keep=0)

    changes = [item for item in _items_after(redis_client, last_seen)
               if item["record_id"] in mine]
    assert len(changes) == UPDATED + DELETED
    assert [item["sequence"] for item in changes] == [row["sequence"] for row in waiting]
    assert sorted((c["record_id"], c["action"], tuple(c["changed_fields"]))
                  for c in changes[:UPDATED]) == sorted(
        (record, "update", ("priority",)) for record in to_update)
    assert sorted((c["record_id"], c["action"], tuple(c["changed_fields"]))
                  for c in changes[UPDATED:]) == sorted(
        (record, "delete", ()) for record in to_delete)
    assert {(c["source"], c["modified_user_id"], c["own"], c["late"]) for c in changes} == {
        ("outbox", "1", False, False)}
    assert result.applied >= UPDATED + DELETED
    assert crm_outbox.waiting_to_prune(redis_client) == 0

    # SuiteCRM's table: every row the service read is gone, its 70 first of all.
    assert [row for row in db.rows("SELECT record_id FROM scrm_change_outbox")
            if row["record_id"] in mine] == []
    assert db.value("SELECT COUNT(*) FROM scrm_change_outbox WHERE sequence > %s "
                    "AND sequence <= %s", (start, result.position)) == 0

    again = crm_outbox.drain(redis_client, crm, keep=0)
    assert [item for item in _items_after(redis_client, last_seen)
            if item["record_id"] in mine] == changes, "nothing is handed out twice"
    assert again.position >= result.position


def _last_entry(client: redis.Redis) -> str:
    entries = client.xrevrange(STREAM, count=1)
    return entries[0][0].decode() if entries else "0-0"


def _items_after(client: redis.Redis, entry_id: str) -> list[dict[str, Any]]:
    return [json.loads(fields[b"event"]) for _, fields in
            client.xrange(STREAM, min=f"({entry_id}")]
