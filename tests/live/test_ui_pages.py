"""The package's pages in a real browser, logged in as the admin of a real SuiteCRM.

Every page: no PHP error text, no raw label key, no console error of the package, nothing in
the web server's error log that names the package's files, dropdowns shown by their labels.
Records are made through the REST API (the record tests do it through the forms) and carry
Russian, Chinese and emoji text. Screenshots: ``var/screenshots/test_*-<page>.png``.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

import pytest

from connectors.suitecrm import SuiteCRMClient
from connectors.transport import RetryPolicy
from tests.live.browser import SuiteUI
from tests.live.host import Database, LiveSettings, SuiteCRMHost
from tests.live.ui_forms import DetailView, EditView, ListView
from tests.live.ui_settings import SettingsPage
from tests.plugin.receiver import Receiver

BODY = "Сломали гитару 你好 😡"
SI = "SCRM_SocialInteractions"
SP = "SCRM_SocialProfiles"


@dataclass(frozen=True)
class Shown:
    """The records the page tests look at."""

    tag: str
    contact_id: str
    contact_name: str
    interaction_id: str
    interaction_name: str
    profile_id: str
    profile_name: str


@pytest.fixture(scope="module")
def shown(live: LiveSettings, installed_package: str) -> Shown:
    crm = SuiteCRMClient.service_account(live.url, live.client_id, live.client_secret,
                                         retry=RetryPolicy(max_attempts=3, base_delay=0.05))
    tag = uuid.uuid4().hex[:6]
    contact = crm.create("Contacts", {"first_name": "Ольга", "last_name": f"Петрова 王芳 {tag}"})
    interaction = crm.create(SI, {
        "name": f"Гитара 吉他 😡 {tag}", "network": "facebook", "kind": "lead_form",
        "direction": "inbound", "status": "new", "external_id": f"fb-{tag}", "body": BODY,
        "sentiment_label": "negative", "sentiment_score": "-0.8123",
        "occurred_at": datetime(2026, 3, 14, 9, 45, tzinfo=UTC), "contact_id": contact.id})
    profile = crm.create(SP, {
        "name": f"Ольга 王芳 🎸 {tag}", "network": "linkedin", "external_id": f"li-{tag}",
        "handle": "olga.petrova", "match_confidence": "0.9876", "contact_id": contact.id})
    return Shown(tag, contact.id, f"Ольга Петрова 王芳 {tag}", interaction.id,
                 f"Гитара 吉他 😡 {tag}", profile.id, f"Ольга 王芳 🎸 {tag}")


@pytest.fixture()
def service() -> Iterator[Receiver]:
    receiver = Receiver().start()
    try:
        yield receiver
    finally:
        receiver.stop()


def options(ui: SuiteUI, field: str) -> dict[str, str]:
    found = ui.page.eval_on_selector_all(
        f"#EditView select#{field} option", "os => os.map(o => [o.value, o.textContent.trim()])")
    return dict(found)


def test_settings_page_is_laid_out_like_suitecrms_admin_pages(ui: SuiteUI) -> None:
    page = SettingsPage(ui)
    report = page.open_from_admin_panel("settings")
    assert report.problems() == []
    title = ui.page.locator("#content .moduleTitle h2").bounding_box()
    intro = ui.page.locator("#content .scrm-settings-intro").bounding_box()
    form = ui.page.locator("#content form[action*=scrmsettings]").bounding_box()
    assert title and intro and form
    assert title["y"] + title["height"] <= intro["y"], "the intro starts below the title"
    assert intro["x"] < title["x"] + title["width"], "not beside it"
    assert intro["y"] + intro["height"] <= form["y"]
    assert ui.page.locator("#content h2").inner_text().strip().lower() == "socialcrm settings"


def test_saving_the_settings_and_testing_the_connection(ui: SuiteUI, service: Receiver,
                                                        db: Database, host: SuiteCRMHost
                                                        ) -> None:
    page = SettingsPage(ui)
    assert page.open("form").problems() == []
    secret = f"ui-{uuid.uuid4().hex}"
    saved = page.save(service.url, secret, "saved")
    assert saved.problems() == []
    assert [(m.kind, m.text) for m in page.messages()] == [("success", "Settings saved.")]
    assert "A secret is set." in saved.text and secret not in ui.page.content()
    stored = {row["name"]: row["value"] for row in db.rows(
        "SELECT name, value FROM config WHERE category = 'socialcrm'")}
    assert stored["service_url"] == service.url
    # Encrypted with SuiteCRM's own key: a database dump holds neither the secret nor
    # its base64 form.
    assert stored["shared_secret"].startswith("bf:")
    assert secret not in stored["shared_secret"]
    assert base64.b64encode(secret.encode()).decode() not in stored["shared_secret"]
    assert host.decrypt_field(stored["shared_secret"].removeprefix("bf:")) == secret

    ok = page.test_connection(None, "test-ok")
    assert ok.problems() == []
    assert [(m.kind, m.text) for m in page.messages()] == [
        ("success", "The service answered: HTTP 200")]
    assert [(r.method, r.path) for r in service.received] == [("GET", "/health")]

    service.status = 500
    service.answer = b'{"error":"boom"}'
    failed = page.test_connection(None, "test-500")
    assert failed.problems() == []
    assert [(m.kind, m.text) for m in page.messages()] == [
        ("danger", "The service answered: HTTP 500")]
    assert '{"error":"boom"}' in failed.text

    service.stop()
    down = page.test_connection(None, "test-down")
    assert down.problems() == []
    (message,) = page.messages()
    assert message.kind == "danger"
    assert message.text.startswith("The service could not be reached:")


def test_social_interaction_list_detail_and_edit_views(ui: SuiteUI, shown: Shown) -> None:
    listed = ListView(ui, SI)
    report = listed.search(shown.tag, "list")
    assert report.problems() == []
    assert listed.row_ids() == [shown.interaction_id]
    row = listed.row_text(shown.interaction_id)
    assert shown.interaction_name in row
    assert "Facebook" in row and "Lead form submission" in row
    assert "facebook" not in row and "lead_form" not in row

    detail = DetailView(ui, SI)
    assert detail.open(shown.interaction_id, "detail").problems() == []
    assert detail.shown("name") == shown.interaction_name
    assert detail.shown("body") == BODY
    assert detail.shown("network") == "Facebook"
    assert detail.shown("kind") == "Lead form submission"
    assert detail.shown("direction") == "Inbound"
    assert detail.shown("status") == "New"
    assert detail.shown("sentiment_label") == "Negative"
    assert detail.shown("sentiment_score") == "-0.8123"
    assert detail.shown("occurred_at") == "03/14/2026 09:45"
    assert shown.contact_name in detail.shown("contact_name")

    form = EditView(ui, SI)
    assert form.edit(shown.interaction_id, "edit").problems() == []
    assert form.value("body") == BODY
    assert form.value("name") == shown.interaction_name
    assert options(ui, "network") == {"facebook": "Facebook", "linkedin": "LinkedIn"}
    assert options(ui, "kind")["lead_form"] == "Lead form submission"
    assert ui.page.locator("#EditView select#kind option:checked").inner_text() == \
        "Lead form submission"
    assert form.value("permalink") == "", "an empty URL field is not pre-filled"


def test_social_profile_list_detail_and_edit_views(ui: SuiteUI, shown: Shown) -> None:
    listed = ListView(ui, SP)
    assert listed.search(shown.tag, "list").problems() == []
    assert listed.row_ids() == [shown.profile_id]
    row = listed.row_text(shown.profile_id)
    assert shown.profile_name in row and "LinkedIn" in row and "linkedin" not in row

    detail = DetailView(ui, SP)
    assert detail.open(shown.profile_id, "detail").problems() == []
    assert detail.shown("name") == shown.profile_name
    assert detail.shown("network") == "LinkedIn"
    assert detail.shown("match_confidence") == "0.9876"
    assert shown.contact_name in detail.shown("contact_name")

    form = EditView(ui, SP)
    assert form.edit(shown.profile_id, "edit").problems() == []
    assert form.value("name") == shown.profile_name
    assert options(ui, "network") == {"facebook": "Facebook", "linkedin": "LinkedIn"}
    assert form.value("profile_url") == "", "an empty URL field is not pre-filled"


def test_contact_shows_both_subpanels_with_their_records(ui: SuiteUI, shown: Shown) -> None:
    contact = DetailView(ui, "Contacts")
    contact.open(shown.contact_id, "contact-collapsed")
    for panel in ("scrm_socialinteractions", "scrm_socialprofiles"):
        title = ui.page.locator(f"#subpanel_title_{panel}")
        if "collapsed" in (title.get_attribute("class") or ""):
            title.click()
        ui.page.locator(f"#list_subpanel_{panel} table").first.wait_for()
    # Expanding a subpanel re-renders it by AJAX: its rows may still be hidden for a
    # moment after the table exists, so wait until each shows its record.
    for panel, name in (("scrm_socialinteractions", shown.interaction_name),
                        ("scrm_socialprofiles", shown.profile_name)):
        ui.page.locator(f"#list_subpanel_{panel}").get_by_text(name).first.wait_for()
    report = ui.check("contact")
    assert report.problems() == []
    interactions = ui.page.locator("#list_subpanel_scrm_socialinteractions").inner_text()
    profiles = ui.page.locator("#list_subpanel_scrm_socialprofiles").inner_text()
    assert shown.interaction_name in interactions and "Facebook" in interactions
    assert shown.profile_name in profiles and "LinkedIn" in profiles
    titles = ui.page.locator("#whole_subpanel_scrm_socialinteractions .panel-heading").inner_text()
    assert "SOCIAL INTERACTIONS" in titles.upper()


ICON = """el => {
  const style = getComputedStyle(el, '::before');
  const box = el.getBoundingClientRect();
  return {mask: style.webkitMaskImage || style.maskImage, content: style.content,
          width: box.width, height: box.height};
}"""


def icons_drawn(ui: SuiteUI, where: str) -> None:
    for module in ("scrm-socialinteractions", "scrm-socialprofiles"):
        icon = ui.page.locator(f"{where} .suitepicon-module-{module}").first.evaluate(ICON)
        assert "data:image/svg+xml" in icon["mask"], (module, where, icon)
        assert icon["width"] > 8 and icon["height"] > 8, (module, where, icon)


def test_both_modules_have_icons_in_subpanels_recently_viewed_and_menus(
        ui: SuiteUI, shown: Shown) -> None:
    ui.open(f"index.php?module={SP}&action=DetailView&record={shown.profile_id}", "profile")
    ui.open(f"index.php?module={SI}&action=DetailView&record={shown.interaction_id}", "seen")
    contact = f"index.php?module=Contacts&action=DetailView&record={shown.contact_id}"
    assert ui.open(contact, "icons").problems() == []
    icons_drawn(ui, "#subpanel_list")
    icons_drawn(ui, "#recentlyViewedSidebar")
    recent = ui.page.locator("#recentlyViewedSidebar").inner_text()
    assert "Гитара 吉他" in recent and "?" not in recent, "emoji shown, not stored as ????"

    # SuiteP's links go through its AJAX navigation: the frame, then the content by AJAX.
    assert ui.open(f"index.php?action=ajaxui#ajaxUILoc={quote(contact, safe='')}",
                   "icons-ajaxui").problems() == []
    ui.page.locator("#subpanel_list .suitepicon-module-scrm-socialprofiles").wait_for()
    icons_drawn(ui, "#subpanel_list")

    ui.open(f"index.php?module={SI}&action=index", "menu")
    entry = ui.page.locator("#actionMenuSidebar a[href*='scrmsettings'] .suitepicon")
    glyph = entry.evaluate(ICON)
    assert glyph["content"] not in ("none", "normal", '""'), glyph
