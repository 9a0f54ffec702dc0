"""Social interactions and profiles made, changed, related, listed and deleted in the forms.

A user fills the real edit forms and presses the real Save and Delete buttons; every value is
then read back from SuiteCRM's database, where it must be exactly what was typed: scores to
4 decimals, dates in the UI user's time zone (UTC), URLs as typed and empty URL fields empty
(never ``http://``), Russian, Chinese and emoji text. Text policy: SuiteCRM's tables hold
3-byte UTF-8, so a character outside the BMP is stored as ``\\u{HEX}`` and shown as itself.
Each update changes one field and must leave every other column as it was.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from connectors.suitecrm import SuiteCRMClient
from connectors.transport import RetryPolicy
from tests.live.browser import SuiteUI
from tests.live.host import Database, LiveSettings
from tests.live.rows import changed_columns, empty, same
from tests.live.ui_forms import DetailView, EditView, FieldValue, ListView, Relate, When

BODY = "Сломали гитару 你好 😡"
BODY_STORED = "Сломали гитару 你好 \\u{1F621}"
SI = "SCRM_SocialInteractions"
SP = "SCRM_SocialProfiles"


@pytest.fixture(scope="module")
def contact(live: LiveSettings, installed_package: str) -> tuple[str, str, str]:
    """A Contact to relate the records to: (id, what to type, the name to pick)."""
    crm = SuiteCRMClient.service_account(live.url, live.client_id, live.client_secret,
                                         retry=RetryPolicy(max_attempts=3, base_delay=0.05))
    tag = uuid.uuid4().hex[:6]
    made = crm.create("Contacts", {"first_name": "Ольга", "last_name": f"{tag} Петрова 王芳"})
    return made.id, f"Ольга {tag}", f"Ольга {tag} Петрова 王芳"


def row(db: Database, table: str, record_id: str) -> dict[str, Any]:
    found = db.row(f"SELECT * FROM {table} WHERE id = %s", (record_id,))  # noqa: S608 - ours
    assert found is not None, f"{record_id} is not in {table}"
    return found


def update_one_field(ui: SuiteUI, db: Database, module: str, table: str, record_id: str,
                     field: str, typed: FieldValue, stored: Any) -> dict[str, Any]:
    """Change one field in the edit form; the database changes in that column only."""
    before = row(db, table, record_id)
    form = EditView(ui, module)
    assert form.edit(record_id, f"edit-{field}").problems() == []
    form.set(field, typed)
    saved_id, report = form.save(f"saved-{field}")
    assert saved_id == record_id and report.problems() == []
    after = row(db, table, record_id)
    column = {"contact_name": "contact_id"}.get(field, field)
    assert same(after[column], stored), (field, after[column])
    changed = changed_columns(before, after) - {column}
    assert changed == set(), f"saving {field} also changed {sorted(changed)}: " + repr(
        {name: (before[name], after[name]) for name in sorted(changed)})
    return after


def expect_row(found: Mapping[str, Any], expected: Mapping[str, Any]) -> None:
    wrong = {name: (found[name], value) for name, value in expected.items()
             if found[name] != value}
    assert wrong == {}, "column: (stored, expected)"


def test_social_interaction_through_the_forms(ui: SuiteUI, db: Database,
                                              contact: tuple[str, str, str]) -> None:
    contact_id, typed_contact, contact_name = contact
    tag = uuid.uuid4().hex[:6]
    name = f"Гитара 吉他 {tag}"
    form = EditView(ui, SI)
    assert form.create("create").problems() == []
    assert form.value("permalink") == "" and form.value("author_profile_url") == "", \
        "empty URL fields are not pre-filled"
    form.fill({
        "name": name, "status": "new", "network": "facebook", "kind": "comment",
        "direction": "inbound", "occurred_at": When(datetime(2026, 3, 14, 9, 45)),
        "body": BODY, "permalink": "https://www.facebook.com/111_222?comment_id=333&reply=1",
        "language": "ru", "sentiment_label": "negative", "sentiment_score": "-0.8123",
        "external_id": f"fb-{tag}", "author_name": "Ольга 王芳 😡",
        "contact_name": Relate(typed_contact, contact_name),
    })
    record_id, report = form.save("created")
    assert report.problems() == []
    stored = row(db, "scrm_socialinteractions", record_id)
    expect_row(stored, {
        "name": name, "status": "new", "network": "facebook", "kind": "comment",
        "direction": "inbound", "occurred_at": datetime(2026, 3, 14, 9, 45),
        "body": BODY_STORED, "permalink": "https://www.facebook.com/111_222?comment_id=333&reply=1",
        "language": "ru", "sentiment_label": "negative", "sentiment_score": Decimal("-0.8123"),
        "external_id": f"fb-{tag}", "author_name": "Ольга 王芳 \\u{1F621}",
        "contact_id": contact_id, "deleted": 0,
    })
    assert empty(stored["author_profile_url"]), stored["author_profile_url"]

    detail = DetailView(ui, SI)
    assert detail.open(record_id, "detail").problems() == []
    assert detail.shown("body") == BODY
    assert detail.shown("author_name") == "Ольга 王芳 😡"
    assert detail.shown("sentiment_score") == "-0.8123"
    assert detail.shown("occurred_at") == "03/14/2026 09:45"
    assert detail.shown("kind") == "Comment"

    # Each save re-sends every field the form shows: none may drift (decimals, dates, URLs).
    update_one_field(ui, db, SI, "scrm_socialinteractions", record_id, "status", "assigned",
                     "assigned")
    update_one_field(ui, db, SI, "scrm_socialinteractions", record_id, "sentiment_score",
                     "0.9876", Decimal("0.9876"))
    update_one_field(ui, db, SI, "scrm_socialinteractions", record_id, "occurred_at",
                     When(datetime(2026, 11, 2, 23, 15)), datetime(2026, 11, 2, 23, 15))
    update_one_field(ui, db, SI, "scrm_socialinteractions", record_id, "author_profile_url",
                     "https://www.facebook.com/olga.petrova", "https://www.facebook.com/olga.petrova")
    update_one_field(ui, db, SI, "scrm_socialinteractions", record_id, "permalink", "", None)
    final = update_one_field(ui, db, SI, "scrm_socialinteractions", record_id, "body",
                             "Новая гитара 新吉他 🎸", "Новая гитара 新吉他 \\u{1F3B8}")
    assert final["sentiment_score"] == Decimal("0.9876")

    assert_listed_related_and_deleted(ui, db, SI, "scrm_socialinteractions", record_id, tag,
                                      contact_id, "Facebook")


def test_social_profile_through_the_forms(ui: SuiteUI, db: Database,
                                          contact: tuple[str, str, str]) -> None:
    contact_id, typed_contact, contact_name = contact
    tag = f"3c{uuid.uuid4().hex[:4]}"  # "%3c" is "<" to SuiteCRM's AntiXSS: the search copes
    name = f"Профиль 档案 {tag}"
    form = EditView(ui, SP)
    assert form.create("create").problems() == []
    assert form.value("profile_url") == "", "an empty URL field is not pre-filled"
    form.fill({
        "name": name, "network": "linkedin", "display_name": "Ольга Петрова 王芳 🎸",
        "handle": "olga.petrova", "external_id": f"li-{tag}", "followers": "1234",
        "advocate_score": "87", "discount_seeker": True, "match_confidence": "0.9876",
        "match_evidence": "Почта 同一个邮箱 📧",
        "contact_name": Relate(typed_contact, contact_name),
    })
    record_id, report = form.save("created")
    assert report.problems() == []
    stored = row(db, "scrm_socialprofiles", record_id)
    expect_row(stored, {
        "name": name, "network": "linkedin", "display_name": "Ольга Петрова 王芳 \\u{1F3B8}",
        "handle": "olga.petrova", "external_id": f"li-{tag}", "followers": 1234,
        "advocate_score": 87, "discount_seeker": 1, "match_confidence": Decimal("0.9876"),
        "match_evidence": "Почта 同一个邮箱 \\u{1F4E7}", "contact_id": contact_id,
        "deleted": 0,
    })
    assert empty(stored["profile_url"]), stored["profile_url"]

    detail = DetailView(ui, SP)
    assert detail.open(record_id, "detail").problems() == []
    assert detail.shown("display_name") == "Ольга Петрова 王芳 🎸"
    assert detail.shown("match_confidence") == "0.9876"
    assert detail.shown("network") == "LinkedIn"

    update_one_field(ui, db, SP, "scrm_socialprofiles", record_id, "followers", "1500", 1500)
    update_one_field(ui, db, SP, "scrm_socialprofiles", record_id, "discount_seeker", False, 0)
    update_one_field(ui, db, SP, "scrm_socialprofiles", record_id, "profile_url",
                     "https://www.linkedin.com/in/olga-petrova",
                     "https://www.linkedin.com/in/olga-petrova")
    final = update_one_field(ui, db, SP, "scrm_socialprofiles", record_id, "match_confidence",
                             "0.5432", Decimal("0.5432"))
    assert final["display_name"] == "Ольга Петрова 王芳 \\u{1F3B8}"

    assert_listed_related_and_deleted(ui, db, SP, "scrm_socialprofiles", record_id, tag,
                                      contact_id, "LinkedIn")


def assert_listed_related_and_deleted(ui: SuiteUI, db: Database, module: str, table: str,
                                      record_id: str, tag: str, contact_id: str,
                                      network: str) -> None:
    listed = ListView(ui, module)
    assert listed.search(tag, "list").problems() == []
    assert listed.row_ids() == [record_id]
    assert network in listed.row_text(record_id)

    panel = "scrm_socialinteractions" if module == SI else "scrm_socialprofiles"
    contact = DetailView(ui, "Contacts")
    contact.open(contact_id, "contact")
    title = ui.page.locator(f"#subpanel_title_{panel}")
    if "collapsed" in (title.get_attribute("class") or ""):
        title.click()
    rows = ui.page.locator(f"#list_subpanel_{panel} tr", has_text=tag)
    rows.first.wait_for()
    assert rows.count() == 1
    assert ui.check("contact-subpanel").problems() == []

    detail = DetailView(ui, module)
    detail.open(record_id, "before-delete")
    assert detail.delete("deleted").problems() == []
    assert row(db, table, record_id)["deleted"] == 1
    assert listed.search(tag, "list-after-delete").problems() == []
    assert listed.row_ids() == []
