"""Deleting a record that social records point to succeeds on the real SuiteCRM.

SuiteCRM clears the foreign key on each Social Interaction and Social Profile that points
to a deleted Contact, Lead, Account or Case and saves it; before the package skipped the
relationship "remove" of a record that no longer exists, that save hit a fatal error and
the delete failed with HTTP 500 (and a blank page in the UI).
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from connectors.errors import NotFoundError
from connectors.suitecrm import SuiteCRMClient
from tests.live.host import Database


@pytest.fixture()
def created(crm: SuiteCRMClient) -> Iterator[list[tuple[str, str]]]:
    made: list[tuple[str, str]] = []
    yield made
    for module, record_id in reversed(made):
        with contextlib.suppress(NotFoundError):
            crm.delete(module, record_id)


@pytest.mark.parametrize(("module", "attributes", "key"), [
    ("Contacts", {"first_name": "Зоя", "last_name": "Delete 🗑"}, "contact_id"),
    ("Leads", {"first_name": "李", "last_name": "Delete"}, "lead_id"),
    ("Accounts", {"name": "Delete Ltd 🗑"}, "account_id"),
])
def test_deleting_a_person_or_account_linked_to_social_records_clears_the_links(
        installed_package: str, crm: SuiteCRMClient, db: Database,
        created: list[tuple[str, str]], module: str, attributes: dict[str, str],
        key: str) -> None:
    tag = secrets.token_hex(4)
    parent = crm.create(module, attributes)
    created.append((module, parent.id))
    profile = crm.create("SCRM_SocialProfiles", {
        "network": "facebook", "external_id": f"del-{tag}", "display_name": "Зоя 🗑",
        key: parent.id})
    created.append(("SCRM_SocialProfiles", profile.id))
    interaction = crm.create("SCRM_SocialInteractions", {
        "network": "facebook", "external_id": f"del-{tag}-1", "kind": "comment",
        "body": "Удалите меня 🗑", "occurred_at": datetime.now(UTC), "status": "new",
        "profile_id": profile.id, key: parent.id})
    created.append(("SCRM_SocialInteractions", interaction.id))

    crm.delete(module, parent.id)  # was: HTTP 500, the record not deleted

    table = module.lower()
    gone = db.row(f"SELECT deleted FROM {table} WHERE id = %s", (parent.id,))  # noqa: S608
    assert gone is not None and gone["deleted"] == 1
    for social_table, record_id in (("scrm_socialprofiles", profile.id),
                                    ("scrm_socialinteractions", interaction.id)):
        row = db.row(f"SELECT {key}, deleted FROM {social_table} WHERE id = %s",  # noqa: S608
                     (record_id,))
        assert row is not None
        assert row["deleted"] == 0  # the social record stays, without the dead link
        assert not row[key]
    kept = db.row("SELECT body, profile_id FROM scrm_socialinteractions WHERE id = %s",
                  (interaction.id,))
    assert kept == {"body": "Удалите меня \\u{1F5D1}", "profile_id": profile.id}


def test_deleting_a_case_linked_to_an_interaction_clears_the_link(
        installed_package: str, crm: SuiteCRMClient, db: Database,
        created: list[tuple[str, str]]) -> None:
    case = crm.create("Cases", {"name": "Delete me", "priority": "P2", "status": "Open_New",
                                "state": "Open"})
    created.append(("Cases", case.id))
    interaction = crm.create("SCRM_SocialInteractions", {
        "network": "linkedin", "external_id": f"del-case-{secrets.token_hex(4)}",
        "kind": "comment", "body": "Complaint", "occurred_at": datetime.now(UTC),
        "status": "assigned", "case_id": case.id})
    created.append(("SCRM_SocialInteractions", interaction.id))

    crm.delete("Cases", case.id)

    assert db.row("SELECT deleted FROM cases WHERE id = %s", (case.id,))["deleted"] == 1
    row = db.row("SELECT case_id, status, deleted FROM scrm_socialinteractions WHERE id = %s",
                 (interaction.id,))
    assert row is not None and row["deleted"] == 0 and not row["case_id"]
    assert row["status"] == "assigned"
