"""The SuiteCRM sandbox serves exactly what the package installs (from plugin/model.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from connectors.errors import ValidationError
from connectors.sandbox.suitecrm import DEMO_SYNC_CLIENT, SuiteCRMSandbox
from connectors.sandbox.suitecrm.registry import PLUGIN_DIR
from connectors.suitecrm import SuiteCRMClient
from plugin import model
from plugin.sandbox_schema import render, sandbox_schema


def test_committed_sandbox_schema_matches_the_model():
    generated = sandbox_schema()
    committed = {p.name: p.read_text(encoding="utf-8") for p in PLUGIN_DIR.glob("*.json")}
    assert set(committed) == set(generated), "run: python -m plugin.sandbox_schema"
    for name, body in generated.items():
        assert committed[name] == render(body), f"{name} is stale: python -m plugin.sandbox_schema"


@pytest.fixture(scope="module")
def crm() -> Iterator[SuiteCRMClient]:
    with SuiteCRMSandbox(seed=True, with_plugin=True) as sandbox:
        yield SuiteCRMClient.service_account(sandbox.url, *DEMO_SYNC_CLIENT)


def test_package_modules_are_listed_with_full_access(crm):
    modules = crm.modules()
    for package_module in model.MODULES:
        assert modules[package_module.name].can("edit")


@pytest.mark.parametrize("package_module", model.MODULES, ids=lambda m: m.name)
def test_package_module_fields_are_served_in_order(crm, package_module):
    served = crm.fields(package_module.name)
    assert list(served) == [f.name for f in model.all_fields(package_module.name)]


@pytest.mark.parametrize("core", ["Contacts", "Leads", "Accounts"])
def test_custom_fields_and_links_land_on_core_modules(crm, core):
    served = crm.fields(core)
    for added in model.core_fields(core):
        assert added.name in served
        if added.source == "custom_fields":
            assert served[added.name].is_custom


def test_interaction_linked_by_foreign_key_shows_in_the_contacts_subpanel_link(crm):
    contact = crm.list("Contacts", page_size=1).records[0]
    interaction = crm.create("SCRM_SocialInteractions", {
        "name": "Love the new app", "network": "facebook", "external_id": "104_9001",
        "kind": "comment", "direction": "inbound", "body": "Zoë says 🙂",
        "contact_id": contact.id,
    })
    assert interaction.type == "SCRM_SocialInteraction"
    assert interaction["contact_name"] == contact["full_name"]
    assert interaction["status"] == "new"  # the vardef default
    related = crm.related("Contacts", contact.id, "scrm_socialinteractions")
    assert [r.id for r in related] == [interaction.id]


def test_profile_links_to_a_lead_and_custom_fields_store(crm):
    lead = crm.list("Leads", page_size=1).records[0]
    profile = crm.create("SCRM_SocialProfiles", {
        "name": "Ana on LinkedIn", "network": "linkedin", "external_id": "urn:li:person:7",
        "lead_id": lead.id, "match_confidence": 0.9, "match_evidence": "same email",
    })
    assert [r.id for r in crm.related("Leads", lead.id, "scrm_socialprofiles")] == [profile.id]
    updated = crm.update("Leads", lead.id, {"scrm_advocate_score_c": 72})
    assert int(updated["scrm_advocate_score_c"]) == 72


def test_a_suitecrm_without_the_package_does_not_know_its_modules():
    with SuiteCRMSandbox(seed=False) as plain:
        crm = SuiteCRMClient.service_account(plain.url, *DEMO_SYNC_CLIENT)
        with pytest.raises(ValidationError, match="does not exist"):
            crm.list("SCRM_SocialInteractions")
        assert "scrm_avg_sentiment_c" not in crm.fields("Contacts")
