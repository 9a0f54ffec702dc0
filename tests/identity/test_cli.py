"""`socialcrm identities review|link|unlink`, run as the real command against the sandbox:
a review lists what waits with its candidates, a link records who decided, and an unlink
restores the profile's four fields exactly as they were, however many links deep."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner, Result

from connectors.suitecrm import SuiteCRMClient
from plugin.sync import evidence as ev
from plugin.sync.identity import IdentityFacts, MatchPolicy, apply_match, match_identity
from plugin.sync.ids import PROFILES
from sandboxes.suitecrm import DEMO_SYNC_CLIENT, SuiteCRMSandbox
from socialcrm.cli import cli
from tests.identity.helpers import contact, lead, link_of, profile

CLEAN = ("SUITECRM_", "SOCIALCRM_", "REDIS_URL", "FACEBOOK_", "LINKEDIN_")


@pytest.fixture()
def run(sandbox: SuiteCRMSandbox, monkeypatch: pytest.MonkeyPatch):
    for name in list(os.environ):
        if name.startswith(CLEAN):
            monkeypatch.delenv(name)
    env = {"SUITECRM_URL": sandbox.url, "SUITECRM_CLIENT_ID": DEMO_SYNC_CLIENT[0],
           "SUITECRM_CLIENT_SECRET": DEMO_SYNC_CLIENT[1],
           "SOCIALCRM_LOG_LEVEL": "WARNING"}  # the transport's retries log at INFO

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, ["identities", *args], env=env)

    return invoke


def one_line_error(result: Result) -> str:
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    return lines[0]


def ambiguous_profile(crm: SuiteCRMClient, tag: str) -> tuple[str, str, str]:
    first = contact(crm, first_name="Sam", last_name=f"Hill{tag}", email1=f"sam.{tag}@x.org")
    second = lead(crm, first_name="Sam", last_name=f"Hill{tag}", email1=f"sam.{tag}@x.org")
    pid = profile(crm, "facebook", f"fb{tag}", display_name=f"Sam Hill{tag} 🙂")
    facts = IdentityFacts("facebook", f"fb{tag}", f"Sam Hill{tag}", email=f"sam.{tag}@x.org")
    apply_match(crm, pid, match_identity(crm, facts, MatchPolicy()), MatchPolicy())
    return pid, first.id, second.id


def test_review_lists_the_waiting_profile_with_every_candidate(
        crm: SuiteCRMClient, tag: str, run) -> None:
    pid, contact_id, lead_id = ambiguous_profile(crm, tag)

    shown = run("review")
    as_json = run("review", "--json")

    assert shown.exit_code == 0, shown.output
    block = shown.output.split(f"Profile {pid}")[1].split("\nProfile ")[0]
    assert f"Sam Hill{tag} 🙂" in block and "2 records match by email" in block
    assert contact_id in block and lead_id in block
    assert f"socialcrm identities link {pid}" in block
    [item] = [i for i in json.loads(as_json.output) if i["profile_id"] == pid]
    assert {c["id"] for c in item["evidence"]["candidates"]} == {contact_id, lead_id}


def test_link_then_unlink_restores_exactly_the_reviewed_state(
        crm: SuiteCRMClient, tag: str, run) -> None:
    pid, contact_id, _lead_id = ambiguous_profile(crm, tag)
    before = link_of(crm, pid)

    linked = run("link", pid, "--contact", contact_id, "--by", "Dana Ops")

    assert linked.exit_code == 0, linked.output
    now = link_of(crm, pid)
    assert (now.contact_id, now.lead_id, now.match_confidence) == (contact_id, "", "1.0000")
    document = json.loads(now.match_evidence)
    assert (document["decided_by"], document["by"], document["state"]) == (
        "hand", "Dana Ops", "linked")
    assert document["at"].endswith("Z")
    assert pid not in {item.profile_id for item in ev.awaiting_review(crm)}

    unlinked = run("unlink", pid)

    assert unlinked.exit_code == 0, unlinked.output
    assert link_of(crm, pid) == before
    assert pid in {item.profile_id for item in ev.awaiting_review(crm)}


def test_unlink_restores_a_state_written_by_someone_else_byte_for_byte(
        crm: SuiteCRMClient, tag: str, run) -> None:
    old_lead = lead(crm, first_name="Ян", last_name=f"Ли{tag}")
    target = contact(crm, first_name="Yan", last_name=f"Li{tag}")
    pid = profile(crm, "linkedin", f"li{tag}", lead_id=old_lead.id, match_confidence="0.3125",
                  match_evidence='Set by Olga ✍️ 你好 — "not sure"\n  second line <b>bold</b>')
    before = link_of(crm, pid)

    assert run("link", pid, "--contact", target.id).exit_code == 0
    assert link_of(crm, pid).target == ("Contacts", target.id)
    assert run("unlink", pid).exit_code == 0

    assert link_of(crm, pid) == before


def test_unlink_walks_back_one_link_at_a_time(crm: SuiteCRMClient, tag: str, run) -> None:
    first = contact(crm, first_name="Ola", last_name=f"Berg{tag}", email1=f"ola.{tag}@x.org")
    second = contact(crm, first_name="Ola", last_name=f"Berg{tag}")
    pid = profile(crm, "facebook", f"fb{tag}")
    original = link_of(crm, pid)
    facts = IdentityFacts("facebook", f"fb{tag}", f"Ola Berg{tag}", email=f"ola.{tag}@x.org")
    apply_match(crm, pid, match_identity(crm, facts, MatchPolicy()), MatchPolicy())
    matched = link_of(crm, pid)
    assert matched.contact_id == first.id

    assert run("link", pid, "--contact", second.id).exit_code == 0
    assert run("unlink", pid).exit_code == 0
    assert link_of(crm, pid) == matched
    assert run("unlink", pid).exit_code == 0
    assert link_of(crm, pid) == original
    assert "not linked by SocialCRM" in one_line_error(run("unlink", pid))


def test_unlink_refuses_when_the_link_was_changed_outside_and_changes_nothing(
        crm: SuiteCRMClient, tag: str, run) -> None:
    ours = contact(crm, first_name="Pia", last_name=f"Lund{tag}")
    theirs = contact(crm, first_name="Pia", last_name=f"Lund{tag}")
    pid = profile(crm, "facebook", f"fb{tag}")
    assert run("link", pid, "--contact", ours.id).exit_code == 0
    crm.update(PROFILES, pid, {"contact_id": theirs.id})
    changed = link_of(crm, pid)

    message = one_line_error(run("unlink", pid))

    assert "changed outside SocialCRM" in message and theirs.id in message
    assert link_of(crm, pid) == changed


@pytest.mark.parametrize("args", [
    ("link", "{pid}"),
    ("link", "{pid}", "--contact", "{contact}", "--lead", "{contact}"),
    ("link", "no-such-profile", "--contact", "{contact}"),
    ("link", "{pid}", "--contact", "no-such-contact"),
    ("link", "{pid}", "--lead", "{contact}"),
    ("unlink", "no-such-profile"),
    ("unlink", "{pid}"),
], ids=["no-target", "two-targets", "unknown-profile", "unknown-contact",
        "contact-id-as-lead", "unlink-unknown-profile", "unlink-never-linked"])
def test_bad_input_is_one_line_and_changes_nothing(
        crm: SuiteCRMClient, tag: str, run, args: tuple[str, ...]) -> None:
    person = contact(crm, first_name="Ua", last_name=f"Bad{tag}")
    pid = profile(crm, "facebook", f"fb{tag}")
    before = link_of(crm, pid)

    one_line_error(run(*(a.format(pid=pid, contact=person.id) for a in args)))

    assert link_of(crm, pid) == before


def test_an_unreachable_suitecrm_is_one_line(run, sandbox: SuiteCRMSandbox) -> None:
    sandbox.faults.configure(fail_next=10, fail_status=503)
    try:
        message = one_line_error(run("review"))
    finally:
        sandbox.faults.clear()
    assert "SuiteCRM at" in message
