"""One-tap actions on deals and tasks: a deal moved from its detail reads back as chosen;
a move that crossed a colleague's can be given up ("take theirs"); an action SuiteCRM
refuses is shown with its reason until the rep removes it."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from playwright.sync_api import expect

from connectors.suitecrm import SuiteCRMClient
from tests.webapp.conftest import SALLY, Phone, SallyRecords


def test_a_deal_moved_from_its_detail_reads_back_as_chosen(
        phone: Phone, sally_records: SallyRecords, crm: SuiteCRMClient,
        run_worker: Callable[..., object]) -> None:
    phone.log_in()
    page = phone.page
    page.locator(f"li.item[data-record='Opportunities:{sally_records.deal.id}'] a").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sally_records.deal["name"])
    phone.screenshot("deal")
    page.get_by_role("button", name="Move deal").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Amount")).to_have_value("1000")
    dialog.get_by_label("Sales stage").select_option("Proposal/Price Quote")
    dialog.get_by_label("Amount").fill("7200.5")
    dialog.get_by_role("button", name="Save").click()
    run_worker()
    expect(page.locator("#status")).to_have_text("Online")
    deal = crm.get("Opportunities", sally_records.deal.id)
    assert deal["sales_stage"] == "Proposal/Price Quote"
    assert Decimal(str(deal["amount"])) == Decimal("7200.5")
    assert deal["modified_user_id"] == SALLY
    assert phone.errors == []


def test_take_theirs_drops_the_rep_s_move_and_keeps_the_colleague_s(
        phone: Phone, sally_records: SallyRecords, crm: SuiteCRMClient,
        run_worker: Callable[..., object]) -> None:
    phone.log_in()
    page = phone.page
    item = page.locator(f"li.item[data-record='Opportunities:{sally_records.deal.id}']")
    item.get_by_role("button", name="Move deal").click()
    page.get_by_role("dialog").get_by_label("Sales stage").select_option("Qualification")
    page.get_by_role("dialog").get_by_role("button", name="Save").click()
    crm.update("Opportunities", sally_records.deal.id, {"sales_stage": "Closed Lost"})
    run_worker()
    conflict = page.locator("#tray li.entry[data-state=conflict]")
    expect(conflict.locator("tr.differs td.theirs")).to_have_text("Closed Lost")
    expect(conflict.locator("tr.differs td.mine")).to_have_text("Qualification")
    conflict.get_by_role("button", name="Take theirs").click()
    expect(page.locator("#tray li.entry")).to_have_count(0)
    page.get_by_role("link", name="Queue").click()
    expect(page.locator("li.entry")).to_have_count(0)
    run_worker()
    assert crm.get("Opportunities", sally_records.deal.id)["sales_stage"] == "Closed Lost"
    assert phone.errors == []


def test_an_action_suitecrm_refuses_is_shown_with_its_reason_until_removed(
        phone: Phone, sally_records: SallyRecords, crm: SuiteCRMClient,
        run_worker: Callable[..., object]) -> None:
    phone.log_in()
    page = phone.page
    crm.delete("Tasks", sally_records.task.id)  # a colleague deleted it meanwhile
    page.locator(f"li.item[data-record='Tasks:{sally_records.task.id}']").get_by_role(
        "button", name="Complete").click()
    run_worker()
    failed = page.locator("#tray li.entry[data-state=failed]")
    expect(failed.locator(".state")).to_have_text("Failed")
    expect(failed.locator(".error")).to_contain_text("does not exist")
    phone.screenshot("failed")
    failed.get_by_role("button", name="Remove").click()
    expect(page.locator("#tray li.entry")).to_have_count(0)
    assert phone.errors == []
