"""The feed as a rep scrolls it: more pages as the end comes into view, a pull from the top
brings what is new and marks it, and the filters show one kind."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import redis
from playwright.sync_api import Page, expect

from tests.mobile.conftest import Api
from tests.webapp.conftest import SALLY, Phone
from workers import feed
from workers.feed_items import FeedItem, Kind, version_of

MODULES: dict[Kind, str] = {"call": "Calls", "task": "Tasks",
                            "interaction": "SCRM_SocialInteractions"}


def publish(client: redis.Redis, at: datetime, title: str, kind: Kind = "call") -> FeedItem:
    """An item in Sally's feed as the workers put one there."""
    item = FeedItem(kind=kind, module=MODULES[kind], record_id=str(uuid.uuid4()),
                    version=version_of(at), title=title, occurred_at=at, actor="Sally Bronsen")
    assert feed.publish(client, item, [SALLY]) == "published"
    return item


def pull_down(page: Page) -> None:
    """A finger dragged down from the top of the screen (real touch events)."""
    session = page.context.new_cdp_session(page)
    for kind, y in (("touchStart", 250), ("touchMove", 330), ("touchMove", 420),
                    ("touchEnd", None)):
        points = [] if y is None else [{"x": 200, "y": y}]
        session.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})
    session.detach()


def _forty_five_calls(api: Api) -> datetime:
    """Sally's feed: "Call number 00" (a minute ago) to "Call number 44"; now."""
    now = datetime.now(UTC).replace(microsecond=0)
    for number in range(45):
        publish(api.redis, now - timedelta(minutes=number + 1), f"Call number {number:02d}")
    return now


def _all_forty_five_shown(page: Page) -> None:
    expect(page.locator(".feed-footer")).to_have_text("That is everything.")
    items = page.locator("li.item")
    expect(items).to_have_count(45)
    titles = items.locator(".item-title").all_text_contents()
    assert titles == [f"Call number {n:02d}" for n in range(45)], "newest first, none twice"


def test_scrolling_loads_more_and_a_pull_brings_the_new_ones_marked(
        phone: Phone, api: Api) -> None:
    now = _forty_five_calls(api)
    phone.log_in()
    page = phone.page
    items = page.locator("li.item")
    expect(items).to_have_count(20)
    expect(page.locator("li.item.unread")).to_have_count(20)  # a first look: all new

    page.get_by_role("button", name="Load more").scroll_into_view_if_needed()
    expect(items).to_have_count(40)
    page.locator(".feed-footer").scroll_into_view_if_needed()
    _all_forty_five_shown(page)

    publish(api.redis, now, "Brand new call")
    page.evaluate("window.scrollTo(0, 0)")
    pull_down(page)
    expect(items.first.locator(".item-title")).to_have_text("Brand new call")
    expect(page.locator("li.item.unread")).to_have_count(1)
    expect(page.locator("li.item.unread .new-marker")).to_have_text("New")
    expect(page.locator(".feed-summary")).to_have_text("1 new")
    phone.screenshot("feed-pulled")
    assert phone.errors == []


def test_without_idle_callbacks_the_pages_still_arrive_whole_and_in_order(
        phone: Phone, api: Api) -> None:
    # Safari has no requestIdleCallback: a page read while scrolling is then appended a
    # few items per animation frame instead of in idle time.
    _forty_five_calls(api)
    phone.page.add_init_script("delete window.requestIdleCallback")
    phone.log_in()
    page = phone.page
    assert page.evaluate("typeof window.requestIdleCallback") == "undefined"
    items = page.locator("li.item")
    expect(items).to_have_count(20)
    page.locator(".feed-footer").scroll_into_view_if_needed()
    expect(items).to_have_count(40)
    page.locator(".feed-footer").scroll_into_view_if_needed()
    _all_forty_five_shown(page)
    assert phone.errors == []


def test_filters_show_one_kind_and_say_which_is_on(phone: Phone, api: Api) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    publish(api.redis, now - timedelta(minutes=1), "Send the offer", kind="task")
    publish(api.redis, now - timedelta(minutes=2), "Customer call")
    publish(api.redis, now - timedelta(minutes=3), "Love the tents!", kind="interaction")
    phone.log_in()
    page = phone.page
    expect(page.locator("li.item")).to_have_count(3)
    page.get_by_role("button", name="My tasks").click()
    expect(page.locator("li.item")).to_have_count(1)
    expect(page.locator("li.item .item-title")).to_have_text("Send the offer")
    expect(page.get_by_role("button", name="My tasks")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="All")).to_have_attribute("aria-pressed", "false")
    page.get_by_role("button", name="All").click()
    expect(page.locator("li.item")).to_have_count(3)
    assert phone.errors == []
