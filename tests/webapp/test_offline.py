"""A rep without a network: actions are kept on the phone with their keys, survive closing
the app, and are written once each, in order, when the network returns; an edit that
crossed a colleague's shows the conflict and the rep's choice is applied."""

from __future__ import annotations

import json
from collections.abc import Callable

from playwright.sync_api import Request, expect

from connectors.suitecrm import SuiteCRMClient
from connectors.suitecrm.query import Filter
from tests.webapp.conftest import SALLY, Phone, SallyRecords, unique


def test_actions_taken_offline_survive_a_restart_and_are_applied_once_in_order(
        phone: Phone, sally_records: SallyRecords, crm: SuiteCRMClient,
        run_worker: Callable[..., object]) -> None:
    phone.log_in()
    page = phone.page
    phone.wait_for_offline_shell()
    contact_link = page.locator(
        f"li.item[data-record='Contacts:{sally_records.contact.id}'] a")
    contact_link.click()  # read once online: the service worker keeps the card
    expect(page.get_by_role("button", name="Add note")).to_be_visible()
    page.go_back()

    phone.set_offline(True)
    expect(page.locator("#status")).to_contain_text("Offline")
    task_item = page.locator(f"li.item[data-record='Tasks:{sally_records.task.id}']")
    task_item.get_by_role("button", name="Complete").click()
    contact_link.click()
    page.get_by_role("button", name="Add note").click()
    subject = unique("Promised a call back 🙂")
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Subject").fill(subject)
    dialog.get_by_label("Text").fill("Friday, 10:00 — «лучше утром» 早上")
    dialog.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Queue")).to_contain_text("2")
    phone.screenshot("offline-card")

    page = phone.reopen()  # the app closed and opened again, still offline
    expect(page.locator("#status")).to_contain_text("Offline")
    expect(page.locator(f"li.item[data-record='Tasks:{sally_records.task.id}']")
           .get_by_role("button", name="Completed")).to_be_disabled()
    page.get_by_role("link", name="Queue").click()
    expect(page.locator("li.entry[data-state=waiting]")).to_have_count(2)
    phone.screenshot("offline-queue")

    sent: list[Request] = []
    page.on("request", lambda request: sent.append(request)
            if request.method == "POST" and "/api/v1/updates" in request.url else None)
    phone.set_offline(False)
    expect(page.locator("li.entry[data-state=sent]")).to_have_count(2)
    batch = [json.loads(request.post_data or "{}") for request in sent]
    assert [[item["body"]["type"] for item in body["items"]] for body in batch] == [
        ["complete_task", "add_note"]], "one batch, in the order the rep acted"

    run_worker()
    expect(page.locator("li.entry[data-state=applied]")).to_have_count(2)
    phone.screenshot("queue-applied")
    run_worker()  # nothing left to do: a second pass writes nothing twice

    notes = [note for note in crm.iterate(
        "Notes", filter=Filter.where(contact_id=sally_records.contact.id))
        if note["name"] == subject]
    assert len(notes) == 1, "the note is written exactly once"
    assert notes[0]["description"] == "Friday, 10:00 — «лучше утром» 早上"
    assert (notes[0]["contact_id"], notes[0]["created_by"]) == (sally_records.contact.id, SALLY)
    task = crm.get("Tasks", sally_records.task.id)
    assert (task["status"], task["modified_user_id"]) == ("Completed", SALLY)
    assert phone.errors == []


def test_a_conflicting_edit_shows_both_values_and_keep_mine_writes_mine(
        phone: Phone, sally_records: SallyRecords, crm: SuiteCRMClient,
        run_worker: Callable[..., object]) -> None:
    phone.log_in()
    page = phone.page
    page.locator(f"li.item[data-record='Contacts:{sally_records.contact.id}'] a").click()
    page.get_by_role("button", name="Phone or email").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Mobile phone").fill("+49 30 7654321")
    dialog.get_by_role("button", name="Save").click()
    expect(page.locator("#status")).to_have_text("1 waiting to send")
    crm.update("Contacts", sally_records.contact.id, {"phone_mobile": "+49 30 1111111"})

    run_worker()
    conflict = page.locator("#tray li.entry[data-state=conflict]")
    expect(conflict.locator("tr.differs td.theirs")).to_have_text("+49 30 1111111")
    expect(conflict.locator("tr.differs td.mine")).to_have_text("+49 30 7654321")
    phone.screenshot("conflict")
    assert crm.get("Contacts", sally_records.contact.id)["phone_mobile"] == "+49 30 1111111"

    conflict.get_by_role("button", name="Keep mine").click()
    expect(page.locator("#tray li.entry")).to_have_count(0)
    expect(page.locator("#status")).to_have_text("1 waiting to send")
    run_worker()
    expect(page.locator("#status")).to_have_text("Online")
    changed = crm.get("Contacts", sally_records.contact.id)
    assert (changed["phone_mobile"], changed["modified_user_id"]) == ("+49 30 7654321", SALLY)
    assert phone.errors == []
