"""Change notices from saves and deletes a user makes in SuiteCRM's forms.

The SocialCRM settings are saved through the settings page, pointing at a loopback receiver
that plays the SocialCRM service. Every notice must be signed with the shared secret and
parse as a change notice; each change of a record is reported exactly once, with the right
module, record, action and changed fields, and nothing else is reported.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser

from connectors.suitecrm import SuiteCRMClient
from connectors.transport import RetryPolicy
from tests.live import browser
from tests.live.browser import VIEWPORT, SuiteUI
from tests.live.host import LiveSettings
from tests.live.ui_forms import DetailView, EditView, FieldValue, ListView, Relate, When
from tests.live.ui_notices import Notices, about
from tests.live.ui_settings import SettingsPage
from tests.plugin.receiver import Receiver

ADMIN_ID = "1"
SOON = When(datetime.now(UTC).replace(tzinfo=None, minute=15, second=0, microsecond=0)
            + timedelta(days=3))


@pytest.fixture(scope="module")
def crm(live: LiveSettings) -> SuiteCRMClient:
    return SuiteCRMClient.service_account(live.url, live.client_id, live.client_secret,
                                          retry=RetryPolicy(max_attempts=3, base_delay=0.05))


@pytest.fixture(scope="module")
def notices(chromium: Browser, admin_state: dict, live: LiveSettings,
            error_log: browser.ErrorLog) -> Iterator[Notices]:
    """The settings saved in the settings page, pointing at a receiver of our own."""
    receiver = Receiver().start()
    secret = f"notices-{uuid.uuid4().hex}"
    context = chromium.new_context(viewport=VIEWPORT, storage_state=admin_state)  # type: ignore[arg-type]
    try:
        settings = SettingsPage(SuiteUI(context.new_page(), live, "notices-settings", error_log))
        settings.open("form")
        assert settings.save(receiver.url, secret, "saved").problems() == []
        assert [m.kind for m in settings.messages()] == ["success"]
    finally:
        context.close()
    try:
        yield Notices(receiver, secret)
    finally:
        receiver.stop()


def saved_in_form(ui: SuiteUI, notices: Notices, module: str, values: dict[str, FieldValue],
                  record_id: str | None = None) -> tuple[str, list]:
    form = EditView(ui, module)
    if record_id:
        form.edit(record_id, f"{module}-edit")
    else:
        form.create(f"{module}-create")
    form.fill(values)
    notices.mark()
    saved_id, report = form.save(f"{module}-saved")
    assert report.problems() == []
    return saved_id, notices.wait_for(1)


def deleted_in_detail_view(ui: SuiteUI, notices: Notices, module: str, record_id: str) -> list:
    detail = DetailView(ui, module)
    detail.open(record_id, f"{module}-before-delete")
    notices.mark()
    assert detail.delete(f"{module}-deleted").problems() == []
    return notices.wait_for(1)


@pytest.mark.parametrize(("module", "create", "edit", "changed"), [
    ("Calls", {"name": "Позвонить 打电话", "status": "Planned", "direction": "Outbound",
               "date_start": SOON}, {"status": "Held"}, ["status"]),
    ("Notes", {"name": "Заметка 笔记 😡", "description": "Текст 文本"},
     {"name": "Заметка 2 笔记"}, ["name"]),
    ("Cases", {"name": "Сломали гитару 吉他坏了", "priority": "P2"}, {"priority": "P1"},
     ["priority"]),
    ("SCRM_SocialInteractions", {
        "name": "Отзыв 评论", "network": "facebook", "kind": "comment", "direction": "inbound",
        "status": "new", "external_id": "", "occurred_at": SOON, "body": "Сломали 😡"},
     {"status": "responded"}, ["status"]),
], ids=["call", "note", "case", "social-interaction"])
def test_create_edit_and_delete_in_the_forms_are_each_reported_once(
        ui: SuiteUI, notices: Notices, crm: SuiteCRMClient, module: str,
        create: dict[str, FieldValue], edit: dict[str, FieldValue], changed: list[str]) -> None:
    tag = uuid.uuid4().hex[:6]
    values = {**create, "name": f"{create['name']} {tag}"}
    if "external_id" in values:
        values["external_id"] = f"fb-{tag}"
    if module == "Cases":  # a case needs an account
        crm.create("Accounts", {"name": f"Гитары {tag}"})
        values["account_name"] = Relate(f"Гитары {tag}", f"Гитары {tag}")

    record_id, events = saved_in_form(ui, notices, module, values)
    (created,) = about(events, record_id)
    assert len(events) == 1, events
    assert (created.module, created.action) == (module, "create")
    assert {"name", "assigned_user_id"} <= set(created.changed_fields), created.changed_fields
    assert (created.assigned_user_id, created.modified_user_id) == (ADMIN_ID, ADMIN_ID)

    _, events = saved_in_form(ui, notices, module, edit, record_id)
    assert [(e.module, e.record_id, e.action, list(e.changed_fields)) for e in events] == [
        (module, record_id, "update", changed)]

    events = deleted_in_detail_view(ui, notices, module, record_id)
    assert [(e.module, e.record_id, e.action, e.changed_fields) for e in events] == [
        (module, record_id, "delete", ())]
    assert events[0].assigned_user_id == ADMIN_ID, "a deleted record names its assignee"


def test_a_mass_update_of_two_calls_reports_both(ui: SuiteUI, notices: Notices,
                                                 crm: SuiteCRMClient) -> None:
    tag = uuid.uuid4().hex[:6]
    start = datetime.now(UTC) + timedelta(days=2)
    calls = [crm.create("Calls", {"name": f"Обзвон 电话 {tag} {n}", "status": "Planned",
                                  "direction": "Outbound", "date_start": start,
                                  "duration_hours": 0, "duration_minutes": 15,
                                  "assigned_user_id": ADMIN_ID}).id for n in (1, 2)]
    listed = ListView(ui, "Calls")
    assert listed.search(tag, "calls").problems() == []
    assert sorted(listed.row_ids()) == sorted(calls)
    notices.mark()
    assert listed.mass_update(calls, {"status": "Held"}, "mass-updated").problems() == []
    events = notices.wait_for(2)
    assert sorted((e.record_id, e.action, e.changed_fields) for e in events) == sorted(
        (call, "update", ("status",)) for call in calls)


def test_editing_a_contact_reports_only_what_changed(ui: SuiteUI, notices: Notices,
                                                     crm: SuiteCRMClient) -> None:
    tag = uuid.uuid4().hex[:6]
    contact = crm.create("Contacts", {"first_name": "Ольга", "last_name": f"Петрова {tag}"})
    _, events = saved_in_form(ui, notices, "Contacts", {"department": "Продажи 销售"},
                              contact.id)
    assert [(e.module, e.record_id, e.action, list(e.changed_fields)) for e in events] == [
        ("Contacts", contact.id, "update", ["department"])], \
        "empty map fields (jjwg_maps_lat_c, jjwg_maps_lng_c) that stay empty are no change"
