"""Identity matching and lead ads on the real SuiteCRM, checked in its database: a lead
whose email matches a Contact links to it (a Note, no Lead; the person's profile links
to the same Contact), a new lead becomes a Lead with its consents and answers kept, a
Russian number written two ways finds its Contact, and an unlink restores the profile's
row as it was."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from click.testing import CliRunner

from connectors.errors import NotFoundError
from connectors.social import LeadSubmission, Network
from connectors.suitecrm import SuiteCRMClient
from plugin.sync.evidence import link_by_hand, undo_last_link
from plugin.sync.identity import IdentityFacts, MatchPolicy, apply_match, match_identity
from plugin.sync.ids import PROFILES, profile_id, record_id
from plugin.sync.lead_mapping import LeadMapping
from plugin.sync.leads import lead_from_submission
from socialcrm.cli import cli
from tests.live.host import Database, LiveSettings
from tests.live.rows import same

AT = datetime(2026, 11, 5, 9, 30, tzinfo=UTC)
PROFILE_ROW = ("SELECT contact_id, lead_id, match_confidence, match_evidence "
               "FROM scrm_socialprofiles WHERE id = %s")


@pytest.fixture()
def tag() -> str:
    return f"scrmid{secrets.token_hex(4)}"


@pytest.fixture()
def created(crm: SuiteCRMClient) -> Iterator[list[tuple[str, str]]]:
    made: list[tuple[str, str]] = []
    yield made
    for module, record in reversed(made):
        with contextlib.suppress(NotFoundError):
            crm.delete(module, record)


def submission(tag: str, answers: dict[str, str], consents: dict[str, bool]) -> LeadSubmission:
    return LeadSubmission(network=Network.FACEBOOK, external_id=f"lead{tag}",
                          form_id=f"form{tag}", submitted_at=AT, answers=answers,
                          form_name="Весенняя акция", consents=consents)


def new_profile(crm: SuiteCRMClient, created: list[tuple[str, str]], external_id: str) -> str:
    pid = profile_id("facebook", external_id)
    crm.create(PROFILES, {"name": external_id, "network": "facebook",
                          "external_id": external_id}, record_id=pid)
    created.append((PROFILES, pid))
    return pid


def profile_row(db: Database, pid: str) -> dict[str, Any]:
    row = db.row(PROFILE_ROW, (pid,))
    assert row is not None
    return row


def test_a_lead_whose_email_matches_a_contact_links_to_it(
        installed_package: str, crm: SuiteCRMClient, db: Database, tag: str,
        created: list[tuple[str, str]]) -> None:
    person = crm.create("Contacts", {"first_name": "Ольга", "last_name": f"Иванова{tag}",
                                     "email1": f"olga.{tag}@example.ru"})
    created.append(("Contacts", person.id))
    answers = {"full_name": f"Ольга Иванова{tag}", "email": f" OLGA.{tag}@Example.ru",
               "city": "Казань", "budget": "5 000 ₽"}

    outcome = lead_from_submission(crm, submission(tag, answers, {"Согласна на рассылку": True}),
                                   LeadMapping(), MatchPolicy())
    created.append(("Notes", outcome.note_id or ""))

    assert (outcome.action, outcome.module, outcome.record_id, outcome.matched_by) == (
        "attached", "Contacts", person.id, "email")
    lead_id = record_id("Leads", "facebook", f"lead{tag}")
    assert db.value("SELECT COUNT(*) FROM leads WHERE id = %s", (lead_id,)) == 0
    note = db.row("SELECT parent_type, parent_id, contact_id, description, deleted "
                  "FROM notes WHERE id = %s", (outcome.note_id,))
    assert note is not None
    assert (note["parent_type"], note["parent_id"], note["contact_id"], note["deleted"]) == (
        "Contacts", person.id, person.id, 0)
    assert "- Согласна на рассылку: yes" in note["description"]
    assert "- budget: 5 000 ₽" in note["description"]
    assert db.value("SELECT primary_address_city FROM contacts WHERE id = %s",
                    (person.id,)) == "Казань"

    pid = new_profile(crm, created, f"fb{tag}")
    facts = IdentityFacts("facebook", f"fb{tag}", f"Ольга Иванова{tag}",
                          email=f"olga.{tag}@example.ru")
    applied = apply_match(crm, pid, match_identity(crm, facts, MatchPolicy()), MatchPolicy())

    assert applied.action == "linked"
    row = profile_row(db, pid)
    assert (row["contact_id"], row["match_confidence"]) == (person.id, Decimal("0.9900"))
    assert same(row["lead_id"], "")
    assert json.loads(crm.get(PROFILES, pid).get("match_evidence"))["linked_to"]["id"] == \
        person.id


def test_a_new_lead_becomes_a_lead_with_its_consents_kept(
        installed_package: str, crm: SuiteCRMClient, db: Database, tag: str,
        created: list[tuple[str, str]]) -> None:
    answers = {"first_name": "伟", "last_name": f"王{tag}", "email": f"wei.{tag}@example.cn",
               "company_name": "阿里巴巴", "job_title": "工程师", "interest": "ARC-7 演示"}
    consents = {"I accept the privacy policy": True, "Send me offers": False}

    outcome = lead_from_submission(crm, submission(tag, answers, consents), LeadMapping(),
                                   MatchPolicy())
    created.append(("Leads", outcome.record_id))

    assert (outcome.action, outcome.record_id) == (
        "created", record_id("Leads", "facebook", f"lead{tag}"))
    row = db.row("SELECT first_name, last_name, account_name, title, status, description, "
                 "deleted, date_modified FROM leads WHERE id = %s", (outcome.record_id,))
    assert row is not None
    assert (row["first_name"], row["last_name"], row["account_name"], row["title"],
            row["status"], row["deleted"]) == ("伟", f"王{tag}", "阿里巴巴", "工程师", "New", 0)
    assert "- I accept the privacy policy: yes" in row["description"]
    assert "- Send me offers: no" in row["description"]
    assert "- interest: ARC-7 演示" in row["description"]
    email = db.value(
        "SELECT ea.email_address FROM email_addr_bean_rel rel JOIN email_addresses ea "
        "ON ea.id = rel.email_address_id WHERE rel.bean_id = %s AND rel.bean_module = "
        "'Leads' AND rel.deleted = 0 AND rel.primary_address = 1", (outcome.record_id,))
    assert email == f"wei.{tag}@example.cn"

    again = lead_from_submission(crm, submission(tag, answers, consents), LeadMapping(),
                                 MatchPolicy())

    assert again.action == "already_recorded"
    assert db.value("SELECT date_modified FROM leads WHERE id = %s",
                    (outcome.record_id,)) == row["date_modified"]
    assert db.value("SELECT COUNT(*) FROM leads WHERE last_name = %s AND deleted = 0",
                    (f"王{tag}",)) == 1


def test_a_russian_number_written_with_8_finds_the_contact_stored_with_plus_7(
        installed_package: str, crm: SuiteCRMClient, db: Database, tag: str,
        created: list[tuple[str, str]]) -> None:
    digits = f"{secrets.randbelow(10**7):07d}"
    stored = f"+7 (916) {digits[:3]}-{digits[3:5]}-{digits[5:]}"
    person = crm.create("Contacts", {"first_name": "Пётр", "last_name": f"Сидоров{tag}",
                                     "phone_mobile": stored})
    created.append(("Contacts", person.id))
    answers = {"full_name": f"Пётр Сидоров{tag}",
               "phone_number": f"8 916 {digits[:3]} {digits[3:5]} {digits[5:]}"}

    outcome = lead_from_submission(crm, submission(tag, answers, {}), LeadMapping(),
                                   MatchPolicy(default_region="RU"))
    created.append(("Notes", outcome.note_id or ""))

    assert (outcome.action, outcome.record_id, outcome.matched_by) == (
        "attached", person.id, "phone")
    assert db.value("SELECT phone_mobile FROM contacts WHERE id = %s", (person.id,)) == stored


def test_link_then_unlink_restores_the_profile_row(
        installed_package: str, crm: SuiteCRMClient, db: Database, tag: str,
        created: list[tuple[str, str]], live: LiveSettings,
        monkeypatch: pytest.MonkeyPatch) -> None:
    people = [crm.create("Contacts", {"first_name": "Sam", "last_name": f"Hill{tag}",
                                      "email1": f"sam.{tag}@example.org"}) for _ in range(2)]
    created += [("Contacts", p.id) for p in people]
    pid = new_profile(crm, created, f"fb{tag}")
    facts = IdentityFacts("facebook", f"fb{tag}", f"Sam Hill{tag}",
                          email=f"sam.{tag}@example.org")
    reviewed = apply_match(crm, pid, match_identity(crm, facts, MatchPolicy()), MatchPolicy())
    assert reviewed.action == "review"
    before = profile_row(db, pid)
    for name in list(os.environ):
        if name.startswith(("SUITECRM_", "SOCIALCRM_")):
            monkeypatch.delenv(name)
    env = {"SUITECRM_URL": live.url, "SUITECRM_CLIENT_ID": live.client_id,
           "SUITECRM_CLIENT_SECRET": live.client_secret, "SOCIALCRM_LOG_LEVEL": "WARNING"}
    runner = CliRunner()

    linked = runner.invoke(cli, ["identities", "link", pid, "--contact", people[0].id,
                                 "--by", "live test"], env=env)
    assert linked.exit_code == 0, linked.output
    assert profile_row(db, pid)["contact_id"] == people[0].id
    unlinked = runner.invoke(cli, ["identities", "unlink", pid], env=env)
    assert unlinked.exit_code == 0, unlinked.output

    after = profile_row(db, pid)
    assert all(same(after[name], before[name]) for name in before), (before, after)


def test_unlink_of_a_first_link_empties_the_profile_row_again(
        installed_package: str, crm: SuiteCRMClient, db: Database, tag: str,
        created: list[tuple[str, str]]) -> None:
    person = crm.create("Leads", {"first_name": "Ян", "last_name": f"Ли{tag}"})
    created.append(("Leads", person.id))
    pid = new_profile(crm, created, f"fb{tag}")
    before = profile_row(db, pid)

    link_by_hand(crm, pid, "Leads", person.id, by="live test")
    linked = profile_row(db, pid)
    assert (linked["lead_id"], linked["match_confidence"]) == (person.id, Decimal("1.0000"))
    undo_last_link(crm, pid)

    after = profile_row(db, pid)
    assert all(same(after[name], before[name]) for name in before), (before, after)
