
"""Every screen in a real browser: what it shows (filters, the inbox's order and clocks,
three languages, phone and tablet layouts), no serious or critical accessibility problem
by axe-core on any of them, and a screenshot of each."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.webapp.axe import axe_source, blocking_violations
from tests.webapp.conftest import Phone, SallyRecords


@pytest.fixture(scope="module")
def axe() -> str:
    return axe_source()


def check(phone: Phone, axe: str, screen: str) -> Page:
    """Screenshot the screen and fail on a serious accessibility problem on it."""
    page = phone.page
    page.wait_for_selector("[aria-busy=true]", state="detached")
    phone.screenshot(screen)
    assert blocking_violations(page, axe) == [], screen
    return page


def test_every_screen_on_a_phone_is_usable_by_a_screen_reader(
        checked_phone: Phone, axe: str, sally_records: SallyRecords,
        sally_inbox: dict[str, str]) -> None:
    phone = checked_phone
    page = phone.open()
    check(phone, axe, "login")
    # The checker itself finds what it must: an input nobody labelled.
    page.evaluate("document.querySelector('form').append(document.createElement('input'))")
    assert any(line.startswith("label (critical)") for line in blocking_violations(page, axe))
    page.evaluate("document.querySelector('form input:last-child').remove()")

    phone.log_in()
    page = check(phone, axe, "feed")
    expect(page.locator("li.item")).to_have_count(5)
    page.get_by_role("button", name="Social").click()
    expect(page.get_by_role("button", name="Social")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("li.item")).to_have_count(2)
    expect(page.locator("li.item.kind-interaction")).to_have_count(2)
    overdue = page.locator(
        f"li.item[data-record='SCRM_SocialInteractions:{sally_inbox['overdue']}']")
    expect(overdue.get_by_role("img", name="Facebook")).to_be_visible()
    expect(overdue.locator(".sentiment-negative")).to_have_text("negative")
    check(phone, axe, "feed-social")

    overdue.get_by_role("link").click()  # an interaction opens its customer's card
    expect(page.get_by_role("heading", level=1)).to_have_text(sally_records.contact_name)
    expect(page.locator(".interactions")).to_contain_text("Жду ответа уже неделю")
    check(phone, axe, "card")
    page.get_by_role("button", name="Log call").click()
    check(phone, axe, "log-call")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)

    page.get_by_role("link", name="Inbox").click()
    expect(page.locator("li.inbox-item")).to_have_count(2)
    first, second = page.locator("li.inbox-item").all()
    assert first.get_attribute("data-id") == sally_inbox["overdue"], "most urgent first"
    expect(first.locator(".sla.overdue")).to_contain_text("Overdue by")
    expect(second.locator(".sla")).to_contain_text("left")
    check(phone, axe, "inbox")
    second.get_by_role("button", name="Reply").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Template").select_option(index=1)
    expect(dialog.get_by_label("Your reply")).to_have_value(
        "Thank you for your message! We will get back to you shortly.\n— Sally")
    check(phone, axe, "reply")
    dialog.get_by_role("button", name="Cancel").click()

    page.get_by_role("link", name="Queue").click()
    check(phone, axe, "queue")

    page.get_by_label("Language").select_option("ru")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    page.get_by_role("link", name="Лента").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Лента")
    expect(page.get_by_role("button", name="Соцсети")).to_be_visible()
    check(phone, axe, "feed-ru")
    page.get_by_label("Язык").select_option("zh")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.get_by_role("link", name="收件箱").click()
    expect(page.locator("li.inbox-item").first.locator(".sla")).to_contain_text("已超时")
    check(phone, axe, "inbox-zh")
    assert phone.errors == []


def test_the_tablet_layout_puts_the_navigation_aside(
        tablet: Phone, axe: str, sally_records: SallyRecords) -> None:
    tablet.log_in()
    page = check(tablet, axe, "feed-tablet")
    nav = page.get_by_role("navigation", name="Main").bounding_box()
    feed = page.locator("ul.feed").bounding_box()
    assert nav is not None and feed is not None
    assert nav["x"] + nav["width"] <= feed["x"], "the rail is left of the feed"
    assert nav["height"] > nav["width"], "a vertical rail, not a bottom bar"
    assert tablet.errors == []
