"""Records of the package's modules written through V8 come back unchanged, from the database
and through the client: scores to 4 decimals, dates, URLs, and text in Russian, Chinese and
emoji; updated one field at a time, related, listed and deleted.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from connectors.errors import NotFoundError, ValidationError
from connectors.suitecrm import Filter, SuiteCRMClient
from tests.live.host import Database
from tests.live.rows import changed_columns

BODY = "Сломали гитару 你好 😡 — O'Brien says \"a < b\" & 5 > 3 🇺🇦"
# What SuiteCRM's 3-byte tables hold for it: each 4-byte character as the package's escape.
STORED_BODY = ("Сломали гитару 你好 \\u{1F621} — O'Brien says \"a < b\" & 5 > 3 "
               "\\u{1F1FA}\\u{1F1E6}")
@pytest.fixture()
def tag() -> str:
    return f"scrmlive{secrets.token_hex(4)}"


@pytest.fixture()
def created(crm: SuiteCRMClient) -> Iterator[list[tuple[str, str]]]:
    made: list[tuple[str, str]] = []
    yield made
    for module, record_id in reversed(made):
        with contextlib.suppress(NotFoundError):
            crm.delete(module, record_id)


def interaction_row(db: Database, record_id: str) -> dict[str, Any]:
    row = db.row("SELECT * FROM scrm_socialinteractions WHERE id = %s", (record_id,))
    assert row is not None
    return row


def test_an_interaction_keeps_every_value_through_create_and_field_by_field_updates(
        installed_package: str, crm: SuiteCRMClient, db: Database, tag: str,
        created: list[tuple[str, str]]) -> None:
    occurred = datetime(2026, 12, 6, 9, 0, 0, tzinfo=timezone(timedelta(hours=2)))
    record = crm.create("SCRM_SocialInteractions", {
        "network": "facebook", "external_id": f"{tag}_1", "kind": "comment",
        "body": BODY, "author_name": "Алексей 李 🎸", "sentiment_score": "-0.8123",
        "occurred_at": occurred, "permalink": "https://www.facebook.com/123_456?comment_id=7",
        "author_profile_url": "", "language": "ru", "status": "new"})
    created.append(("SCRM_SocialInteractions", record.id))
    row = interaction_row(db, record.id)
    assert row["body"] == STORED_BODY
    assert row["author_name"] == "Алексей 李 \\u{1F3B8}"
    assert row["sentiment_score"] == Decimal("-0.8123")
    assert row["occurred_at"] == datetime(2026, 12, 6, 7, 0, 0)
    assert row["permalink"] == "https://www.facebook.com/123_456?comment_id=7"
    assert row["author_profile_url"] in (None, "")
    back = crm.get("SCRM_SocialInteractions", record.id)
    assert back.get("body") == BODY
    assert back.get("author_name") == "Алексей 李 🎸"

    for name, value, stored in (
            ("status", "assigned", "assigned"),
            ("sentiment_score", "0.1234", Decimal("0.1234")),
            ("first_response_at", datetime(2026, 12, 6, 7, 30, tzinfo=UTC),
             datetime(2026, 12, 6, 7, 30)),
            ("author_profile_url", "https://vk.com/id1", "https://vk.com/id1"),
            ("language", "zh-Hans", "zh-Hans")):
        before = interaction_row(db, record.id)
        crm.update("SCRM_SocialInteractions", record.id, {name: value})
        after = interaction_row(db, record.id)
        changed = changed_columns(before, after)
        assert changed == {name}, f"updating {name} changed {changed}"
        assert after[name] == stored
    assert interaction_row(db, record.id)["body"] == STORED_BODY


def test_a_profile_keeps_its_match_confidence_and_evidence(
        installed_package: str, crm: SuiteCRMClient, db: Database, tag: str,
        created: list[tuple[str, str]]) -> None:
    evidence = "Same e-mail as the contact; фото совпадает; 同一个人 👍"
    record = crm.create("SCRM_SocialProfiles", {
        "network": "linkedin", "external_id": f"urn:li:person:{tag}", "display_name": "Jane 🐝",
        "match_confidence": "0.9876", "match_evidence": evidence, "followers": 12345,
        "profile_url": "https://www.linkedin.com/in/jane", "discount_seeker": True})
    created.append(("SCRM_SocialProfiles", record.id))
    crm.update("SCRM_SocialProfiles", record.id, {"followers": 12346})
    row = db.row("SELECT * FROM scrm_socialprofiles WHERE id = %s", (record.id,))
    assert row is not None
    assert row["match_confidence"] == Decimal("0.9876")
    assert row["match_evidence"] == evidence.replace("👍", "\\u{1F44D}")
    assert (row["followers"], row["discount_seeker"]) == (12346, 1)
    back = crm.get("SCRM_SocialProfiles", record.id)
    assert back.get("match_evidence") == evidence
    assert back.get("display_name") == "Jane 🐝"


def test_interactions_relate_to_a_contact_list_by_tag_and_delete(
        installed_package: str, crm: SuiteCRMClient, db: Database, tag: str,
        created: list[tuple[str, str]]) -> None:
    contact = crm.create("Contacts", {"first_name": "Олег", "last_name": f"{tag}Контакт"})
    created.append(("Contacts", contact.id))
    ids = []
    for n in range(3):
        record = crm.create("SCRM_SocialInteractions", {
            "network": "linkedin", "external_id": f"{tag}_{n}", "kind": "comment",
            "body": f"{n} 😡", "occurred_at": datetime(2026, 12, 6, 9, n, tzinfo=UTC)})
        ids.append(record.id)
        created.append(("SCRM_SocialInteractions", record.id))
    crm.link("Contacts", contact.id, "SCRM_SocialInteractions", ids[0],
             link="scrm_socialinteractions")
    crm.update("SCRM_SocialInteractions", ids[1], {"contact_id": contact.id})
    related = {r.id for r in crm.iterate_related("Contacts", contact.id,
                                                 "scrm_socialinteractions")}
    assert related == {ids[0], ids[1]}
    assert db.value("SELECT COUNT(*) FROM scrm_socialinteractions WHERE contact_id = %s "
                    "AND deleted = 0", (contact.id,)) == 2
    listed = list(crm.iterate("SCRM_SocialInteractions",
                              filter=Filter.where(external_id__like=f"{tag}_%"),
                              sort="external_id", fields=["external_id", "body"]))
    assert [r.get("body") for r in listed] == ["0 😡", "1 😡", "2 😡"]
    crm.delete("SCRM_SocialInteractions", ids[2])
    assert db.value("SELECT deleted FROM scrm_socialinteractions WHERE id = %s",
                    (ids[2],)) == 1


def test_an_interaction_without_its_date_is_refused_and_not_stored(
        installed_package: str, crm: SuiteCRMClient, db: Database, tag: str) -> None:
    with pytest.raises(ValidationError) as refused:
        crm.create("SCRM_SocialInteractions", {"network": "facebook", "external_id": tag,
                                               "kind": "comment", "body": "no date"})
    assert "occurred_at is required" in str(refused.value)
    assert db.value("SELECT COUNT(*) FROM scrm_socialinteractions WHERE external_id = %s",
                    (tag,)) == 0


def test_notes_and_cases_the_service_writes_keep_emoji_too(
        installed_package: str, crm: SuiteCRMClient, db: Database, tag: str,
        created: list[tuple[str, str]]) -> None:
    note = crm.create("Notes", {"name": f"{tag} 📞", "description": BODY})
    created.append(("Notes", note.id))
    case = crm.create("Cases", {"name": f"{tag} Жалоба 😡", "description": BODY,
                                "status": "Open_New", "priority": "P1"})
    created.append(("Cases", case.id))
    assert db.value("SELECT description FROM notes WHERE id = %s", (note.id,)) == STORED_BODY
    assert crm.get("Notes", note.id).get("description") == BODY
    assert crm.get("Cases", case.id).get("name") == f"{tag} Жалоба 😡"
