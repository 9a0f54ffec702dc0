"""The SuiteCRM sandbox serves exactly what the package installs (from plugin/model.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from connectors.errors import ValidationError
from connectors.suitecrm import SuiteCRMClient
from plugin import model
from plugin.build import PACKAGE_DIR
from sandboxes.suitecrm import DEMO_SYNC_CLIENT, SuiteCRMSandbox
from sandboxes.suitecrm.package_schema import sandbox_schema
from sandboxes.suitecrm.registry import BUILTIN_DIR
from tests.plugin.conftest import PhpRunner

# MetaService::$allowedVardefFields (SuiteCRM 7.14, Api/V8/Service/MetaService.php).
ALLOWED_VARDEF_KEYS = ("type", "dbType", "source", "relationship", "default", "len",
                       "precision", "comments", "required")


def prune_vardef(definition: dict[str, Any]) -> dict[str, Any]:
    """``MetaService::pruneVardef``: what V8's ``/meta/fields`` makes of one vardef."""
    pruned = {key: value for key, value in definition.items() if key in ALLOWED_VARDEF_KEYS}
    if definition.get("required") is None:
        pruned["required"] = False
    if definition.get("dbType") is None:
        pruned["dbType"] = definition["type"]
    return pruned


def exact(meta: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """Keys in order with their JSON types: 255 and "255" differ, as on the wire."""
    return [(key, type(value).__name__, value) for key, value in meta.items()]


@pytest.fixture(scope="module")
def php_package(php: PhpRunner) -> dict[str, Any]:
    out = php.json("dump_package.php", str(PACKAGE_DIR))
    assert out["problems"] == [], out["problems"]
    return out


def test_package_fields_are_served_as_v8_prunes_the_php_vardefs(php_package):
    """Every field the package's PHP declares: same keys, key order, types and values as
    SuiteCRM's /meta/fields derives from that vardef (integers stay integers, "7,4" a
    string, a link's source before its relationship)."""
    generated = sandbox_schema()
    for package_module in (*model.MODULES, *model.SERVICE_MODULES):
        served = generated[f"{package_module.name}.json"]["fields"]
        php = php_package["modules"][package_module.name]["vardefs"]["fields"]
        for name, definition in php.items():
            assert exact(served[name]) == exact(prune_vardef(definition)), name
    for core, dictionary in php_package["core_vardefs"].items():
        served = generated[f"extends_{core}.json"]["fields"]
        (fields,) = [entry["fields"] for entry in dictionary.values()]
        for name, definition in fields.items():
            assert exact(served[name]) == exact(prune_vardef(definition)), f"{core}.{name}"


@pytest.mark.parametrize("recorded", ["Calls", "Cases", "Tasks"])
def test_template_fields_are_served_as_suitecrm_serves_them_on_its_own_modules(recorded):
    """The basic, assignable and security_groups templates give a recorded core module
    the same metadata, up to the module name in the links' relationships."""
    captured = json.loads((BUILTIN_DIR / f"{recorded}.json").read_text())["fields"]
    for package_module in model.MODULES:
        served = sandbox_schema()[f"{package_module.name}.json"]["fields"]
        for template in package_module.templates:
            for field in model.TEMPLATE_FIELDS[template]:
                if field.name == "name":  # both modules declare their own
                    continue
                ours = json.loads(json.dumps(served[field.name]).replace(
                    package_module.name.lower(), recorded.lower()))
                assert exact(ours) == exact(captured[field.name]), field.name


def test_custom_fields_are_served_as_suitecrm_rebuilds_them_from_fields_meta_data():
    """TemplateField::get_field_def order, default null, empty comments, len and
    precision as the strings of fields_meta_data: as live V8 answers (and as the
    recorded jjwg_maps_lng_c custom field is shaped)."""
    served = sandbox_schema()["extends_Contacts.json"]["fields"]
    assert exact(served["scrm_avg_sentiment_c"]) == exact({
        "required": False, "source": "custom_fields", "type": "decimal", "default": "",
        "comments": "", "len": "7", "precision": "4", "dbType": "decimal"})
    assert exact(served["scrm_advocate_score_c"]) == exact({
        "required": False, "source": "custom_fields", "type": "int", "default": "",
        "comments": "", "len": "11", "dbType": "int"})
    assert exact(served["scrm_last_social_at_c"]) == exact({
        "required": False, "source": "custom_fields", "type": "datetimecombo", "default": "",
        "comments": "", "dbType": "datetime"})
    recorded = json.loads((BUILTIN_DIR / "Contacts.json").read_text())["fields"]
    assert list(served["scrm_avg_sentiment_c"]) == list(recorded["jjwg_maps_lng_c"])


def test_template_links_name_the_module_relationships_and_user_module():
    fields = {f.name: f for f in model.all_fields("SCRM_SocialProfiles")}
    assert fields["created_by_link"].relationship == "scrm_socialprofiles_created_by"
    assert fields["modified_user_link"].relationship == "scrm_socialprofiles_modified_user"
    assert fields["assigned_user_link"].relationship == "scrm_socialprofiles_assigned_user"
    assert fields["SecurityGroups"].relationship == "securitygroups_scrm_socialprofiles"
    assert {fields[n].module for n in ("created_by_link", "assigned_user_link")} == {"Users"}
    assert "{module}" not in json.dumps(sandbox_schema())


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
