"""The package's whole life on a real SuiteCRM, through SuiteCRM's own Module Loader code.

One module-scoped run takes the instance through: no SocialCRM at all (an installed one is
removed with its tables first), the first release 0.1.0 with records in it, the current
build installed over it (the upgrade), uninstall keeping the tables, reinstall, uninstall
removing the tables, and a fresh install, which is left in place for the other live suites.
A snapshot of the database, the files and the V8 metadata is taken after each step; the
tests read those snapshots. Destructive by design: run it against a test copy.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from connectors.suitecrm import SuiteCRMClient
from plugin import model
from plugin.build import package_version
from tests.live.conftest import FAST_RETRY, FIRST_RELEASE, PACKAGE_ID
from tests.live.host import Database, LiveSettings, ModuleLoader, SuiteCRMHost, package_errors
from tests.live.suitecrm_state import State, snapshot

SEEDED_SI = {"network": "facebook", "external_id": "lifecycle-1", "kind": "comment",
             "body": "Сломали гитару, 你好", "sentiment_score": "-0.8123",
             "occurred_at": "2026-12-06 09:00:00", "permalink": "http://",
             "author_profile_url": "https://www.facebook.com/jane.doe"}
SEEDED_SP = {"network": "linkedin", "external_id": "urn:li:person:lifecycle",
             "display_name": "Jane Doe", "match_confidence": "0.9876", "followers": 1200}


@dataclass
class Lifecycle:
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    states: dict[str, State] = field(default_factory=dict)
    seeded: dict[str, str] = field(default_factory=dict)  # module -> record id


@pytest.fixture(scope="module")
def lifecycle(module_loader: ModuleLoader, current_package: Path, live: LiveSettings,
              db: Database, host: SuiteCRMHost) -> Iterator[Lifecycle]:
    def client() -> SuiteCRMClient:  # metadata is cached per client: a fresh one per step
        return SuiteCRMClient.service_account(live.url, live.client_id, live.client_secret,
                                              retry=FAST_RETRY)

    def step(name: str, result: dict[str, Any]) -> None:
        assert result["ok"], f"{name}: {result.get('error')}"
        run.results[name] = result
        run.states[name] = snapshot(live.root, db, client(), host)

    run = Lifecycle()
    if module_loader.installed(PACKAGE_ID):
        assert module_loader.uninstall(PACKAGE_ID, remove_tables=True)["ok"]
    run.states["before"] = snapshot(live.root, db, client(), host)

    step("first_release", module_loader.install(FIRST_RELEASE))
    crm = client()
    contact = crm.create("Contacts", {"last_name": "Lifecycle", "scrm_avg_sentiment_c": "-0.5"})
    run.seeded = {
        "SCRM_SocialInteractions": crm.create("SCRM_SocialInteractions", SEEDED_SI).id,
        "SCRM_SocialProfiles": crm.create("SCRM_SocialProfiles", SEEDED_SP).id,
        "Contacts": contact.id,
    }
    run.states["seeded"] = snapshot(live.root, db, crm, host)

    step("upgraded", module_loader.install(current_package))
    step("kept", module_loader.uninstall(PACKAGE_ID, remove_tables=False))
    step("reinstalled", module_loader.install(current_package))
    step("removed", module_loader.uninstall(PACKAGE_ID, remove_tables=True))
    step("fresh", module_loader.install(current_package))
    try:
        yield run
    finally:
        crm = client()
        crm.delete("Contacts", run.seeded["Contacts"])


def test_no_step_raises_a_php_error_in_the_package_s_files(lifecycle: Lifecycle,
                                                           live: LiveSettings) -> None:
    for name, result in lifecycle.results.items():
        assert package_errors(result, live.root) == [], name


def test_the_upgrade_keeps_every_record_and_value(lifecycle: Lifecycle) -> None:
    seeded, upgraded = lifecycle.states["seeded"], lifecycle.states["upgraded"]
    for module, record_id in lifecycle.seeded.items():
        before, after = seeded.row(module, record_id), upgraded.row(module, record_id)
        assert before is not None and after is not None, module
        changed = {k for k in before if before[k] != after[k]}
        expected = {"permalink"} if module == "SCRM_SocialInteractions" else set()
        assert changed == expected, module
    interaction = upgraded.row("SCRM_SocialInteractions", lifecycle.seeded[
        "SCRM_SocialInteractions"])
    assert str(interaction["sentiment_score"]) == "-0.8123"
    assert interaction["body"] == SEEDED_SI["body"]
    assert interaction["author_profile_url"] == SEEDED_SI["author_profile_url"]


def test_the_upgrade_migrates_what_the_first_release_got_wrong(lifecycle: Lifecycle) -> None:
    seeded, upgraded = lifecycle.states["seeded"], lifecycle.states["upgraded"]
    si_id = lifecycle.seeded["SCRM_SocialInteractions"]
    assert seeded.row("SCRM_SocialInteractions", si_id)["permalink"] == "http://"
    assert upgraded.row("SCRM_SocialInteractions", si_id)["permalink"] in (None, "")
    for table, column in (("scrm_socialinteractions", "sentiment_score"),
                          ("scrm_socialprofiles", "match_confidence"),
                          ("contacts_cstm", "scrm_avg_sentiment_c"),
                          ("leads_cstm", "scrm_avg_sentiment_c"),
                          ("accounts_cstm", "scrm_avg_sentiment_c")):
        assert seeded.columns[table][column] == "decimal(5,4)", (table, column)
        assert upgraded.columns[table][column] == "decimal(7,4)", (table, column)


def test_the_upgrade_leaves_one_release_in_the_module_loader(lifecycle: Lifecycle) -> None:
    """SuiteCRM cannot tell that 0.2.0 upgrades 0.1.0 (it mis-compares 0.x versions); the
    package's install script removes the superseded entry and its zip."""
    assert [r["version"] for r in lifecycle.states["first_release"].history] == ["0.1.0"]
    upgraded = lifecycle.states["upgraded"]
    assert [r["version"] for r in upgraded.history] == [package_version()]
    assert [p for p in upgraded.staged if "0.1.0" in p] == []


@pytest.mark.parametrize("step", ["upgraded", "reinstalled", "fresh"])
def test_an_install_provides_every_module_field_relationship_subpanel_and_hook(
        lifecycle: Lifecycle, step: str) -> None:
    state = lifecycle.states[step]
    assert state.problems_with_the_package() == []


def test_uninstalling_and_keeping_tables_keeps_data_and_reinstall_finds_it(
        lifecycle: Lifecycle) -> None:
    kept, reinstalled = lifecycle.states["kept"], lifecycle.states["reinstalled"]
    assert not kept.installed and reinstalled.installed
    for module, record_id in lifecycle.seeded.items():
        assert kept.row(module, record_id) == lifecycle.states["upgraded"].row(module, record_id)
        assert reinstalled.row(module, record_id) == kept.row(module, record_id)
    assert kept.acl_actions == {}, "SuiteCRM removes role actions on every uninstall"
    assert reinstalled.acl_actions == {m.name: 8 for m in model.MODULES}


def test_uninstalling_with_remove_tables_leaves_only_what_the_guide_names(
        lifecycle: Lifecycle) -> None:
    removed = lifecycle.states["removed"]
    assert removed.leftovers() == removed.documented_leftovers(package_version())


def test_the_package_s_own_record_of_an_uninstall_is_gone(lifecycle: Lifecycle) -> None:
    removed = lifecycle.states["removed"]
    assert removed.history == [] and not removed.installed
    assert removed.config == [], "settings go with the data"
    assert removed.acl_actions == {}
