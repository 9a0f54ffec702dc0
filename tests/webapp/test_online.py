
"""A rep on a good network: logs in, reads the feed, opens a card, logs a call, and sees
the call in the feed and in SuiteCRM, written as themselves and reading back as typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from connectors.suitecrm import SuiteCRMClient
from tests.mobile.conftest import Api
from tests.webapp.conftest import SALLY, WORLD, Phone, SallyRecords


def test_log_in_open_a_card_log_a_call_and_see_it_in_the_feed_and_in_suitecrm(
        phone: Phone, sally_records: SallyRecords, crm: SuiteCRMClient,
        run_worker: Callable[..., object]) -> None:
    phone.log_in()
    page = phone.page
    contact_item = page.locator(f"li.item[data-record='Contacts:{sally_records.contact.id}']")
    expect(contact_item).to_contain_text(sally_records.contact_name)
    expect(page.locator("li.item.unread")).to_have_count(3)  # all new to a first login
    phone.screenshot("feed")

    contact_item.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sally_records.contact_name)
    expect(page.locator(".facts")).to_contain_text("+49 30 1234567")
    phone.screenshot("card")

    page.get_by_role("button", name="Log call").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Subject").fill(WORLD)
    dialog.get_by_label("Direction").select_option("inbound")
    dialog.get_by_label("Minutes").fill("12")
    phone.screenshot("log-call")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_have_count(0)
    expect(page.locator("#status")).to_have_text("1 waiting to send")

    run_worker()  # the worker writes the call to SuiteCRM as Sally and puts it in her feed
    expect(page.locator("#status")).to_have_text("Online")
    page.get_by_role("link", name="Feed").click()
    call_item = page.locator("li.item.kind-call", has_text=WORLD)
    expect(call_item).to_have_count(1)
    phone.screenshot("feed-with-call")

    call_id = (call_item.get_attribute("data-record") or "").removeprefix("Calls:")
    call = crm.get("Calls", call_id)
    assert call["name"] == WORLD
    assert (call["direction"], call["status"]) == ("Inbound", "Held")
    assert int(call["duration_minutes"]) + 60 * int(call["duration_hours"]) == 12
    assert (call["created_by"], call["assigned_user_id"]) == (SALLY, SALLY)
    assert (call["parent_type"], call["parent_id"]) == ("Contacts", sally_records.contact.id)
    assert phone.errors == []


def test_a_reply_shows_the_compliance_verdict_before_it_is_sent(
        phone: Phone, sally_inbox: dict[str, str], crm: SuiteCRMClient,
        run_worker: Callable[..., object]) -> None:
    phone.log_in()
    page = phone.page
    page.get_by_role("link", name="Inbox").click()
    waiting = page.locator(f"li.inbox-item[data-id='{sally_inbox['soon']}']")
    waiting.get_by_role("button", name="Reply").click()
    dialog = page.get_by_role("dialog")
    reply_text, verdict = dialog.get_by_label("Your reply"), dialog.locator(".verdict")

    reply_text.fill("That was a stupid question\n— Sally")
    expect(verdict).to_have_attribute("data-decision", "blocked")
    dialog.get_by_role("button", name="Send").click()
    expect(dialog).to_be_visible()  # a blocked reply is not sent
    phone.screenshot("reply-blocked")

    reply_text.fill("We will refund the tent\n— Sally")
    expect(verdict).to_have_attribute("data-decision", "needs_approval")
    expect(dialog.get_by_role("button", name="Send for approval")).to_be_visible()

    dialog.get_by_label("Template").select_option(index=1)
    expect(verdict).to_have_attribute("data-decision", "allowed")
    dialog.get_by_role("button", name="Send").click()
    expect(dialog).to_have_count(0)
    run_worker()
    page.get_by_role("link", name="Queue").click()
    applied = page.locator("li.entry[data-state=applied]")
    expect(applied).to_have_count(1)
    module, record_id = (applied.get_attribute("data-record") or ":").split(":")
    outbound = crm.get(module, record_id)
    assert outbound["body"] == ("Thank you for your message! We will get back to you shortly."
                                "\n— Sally")
    assert (outbound["direction"], outbound["created_by"]) == ("outbound", SALLY)
    assert phone.errors == []


def test_the_rep_stays_logged_in_across_restarts_tokens_renew_quietly_and_log_out_ends_it(
        phone: Phone, sally_records: SallyRecords, api: Api) -> None:
    phone.log_in()
    session = kept_session(phone)
    # The access token runs out while the app is closed: it is renewed before the first read.
    write_session(phone, {**session, "expires_at": 0})
    page = phone.reopen()
    expect(page.locator("li.item").first).to_be_visible()
    renewed = kept_session(phone)
    assert renewed["access_token"] != session["access_token"]
    assert renewed["refresh_token"] != session["refresh_token"]
    assert renewed["expires_at"] > session["expires_at"] - 60_000

    # The server refuses the token (it thinks it expired): one quiet renewal, then the read.
    write_session(phone, {**renewed, "access_token": "revoked-or-unknown"})
    page = phone.reopen()
    expect(page.locator("li.item").first).to_be_visible()
    current = kept_session(phone)
    assert current["refresh_token"] != renewed["refresh_token"]
    phone.screenshot("after-renewal")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    assert read_session(phone) is None
    bearer = {"Authorization": f"Bearer {current['access_token']}"}
    assert api("GET", "/auth/me", headers=bearer).status_code == 401, "the session ended"
    assert [e for e in phone.errors if "401 (UNAUTHORIZED)" not in e] == []


SESSION_JS = """(value) => new Promise((resolve, reject) => {
  const open = indexedDB.open("socialcrm");
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const tx = open.result.transaction("kv", value == null ? "readonly" : "readwrite");
    const store = tx.objectStore("kv");
    const request = value == null ? store.get("session") : store.put(value, "session");
    tx.oncomplete = () => {
      open.result.close();
      resolve(value == null ? request.result ?? null : true);
    };
    tx.onerror = () => reject(tx.error);
  };
})"""


def read_session(phone: Phone) -> dict[str, Any] | None:
    """The session as the app keeps it in IndexedDB."""
    found: dict[str, Any] | None = phone.page.evaluate(SESSION_JS)
    return found


def kept_session(phone: Phone) -> dict[str, Any]:
    session = read_session(phone)
    assert session is not None, "the app keeps the session"
    return session


def write_session(phone: Phone, session: dict[str, Any]) -> None:
    phone.page.evaluate(SESSION_JS, session)
