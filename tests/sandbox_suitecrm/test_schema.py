"""The schema files: recorded metadata served verbatim, and extension by JSON files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sandboxes.suitecrm import SuiteCRMSandbox
from sandboxes.suitecrm.registry import SchemaError, load_registry

from .conftest import START, login
from .replay import RECORDING_INSTANCE, RECORDINGS_DIR

PROFILE_MODULE = {
    "module": "SCRM_SocialProfiles",
    "object_name": "SCRM_SocialProfiles",
    "label": "Social Profiles",
    "module_list": True,
    "fields": {
        "id": {"type": "id", "required": True, "dbType": "id"},
        "name": {"type": "name", "dbType": "varchar", "len": 255, "required": True},
        "date_entered": {"type": "datetime", "required": False, "dbType": "datetime"},
        "date_modified": {"type": "datetime", "required": False, "dbType": "datetime"},
        "assigned_user_id": {"type": "relate", "dbType": "id", "required": False},
        "network": {
            "type": "enum",
            "len": 20,
            "default": "facebook",
            "required": True,
            "dbType": "enum",
        },
        "contact_id": {"type": "id", "required": False, "dbType": "id"},
        "contact_name": {
            "type": "relate",
            "source": "non-db",
            "required": False,
            "dbType": "relate",
        },
        "contact": {
            "type": "link",
            "relationship": "scrm_profiles_contacts",
            "source": "non-db",
            "required": False,
            "dbType": "link",
        },
    },
    "links": {"contact": {"module": "Contacts", "kind": "parent", "field": "contact_id"}},
    "relate": {
        "contact_name": {"id_field": "contact_id", "module": "Contacts", "field": "full_name"}
    },
    "relationships": {"Contacts": "contact"},
}
CONTACT_EXTENSION = {
    "extends": "Contacts",
    "fields": {
        "scrm_avg_sentiment_c": {
            "required": False,
            "source": "custom_fields",
            "type": "decimal",
            "len": "5",
            "precision": "2",
            "dbType": "decimal",
        },
        "scrm_profiles": {
            "type": "link",
            "relationship": "scrm_profiles_contacts",
            "source": "non-db",
            "required": False,
            "dbType": "link",
        },
    },
    "links": {
        "scrm_profiles": {
            "module": "SCRM_SocialProfiles",
            "kind": "children",
            "field": "contact_id",
        }
    },
}


@pytest.mark.parametrize(
    ("recording", "module"),
    [
        ("012_meta_fields_Contacts.json", "Contacts"),
        ("013_meta_fields_Leads.json", "Leads"),
        ("014_meta_fields_Notes.json", "Notes"),
        ("015_meta_fields_Calls.json", "Calls"),
        ("016_meta_fields_Cases.json", "Cases"),
        ("017_meta_fields_Accounts.json", "Accounts"),
    ],
)
def test_recorded_modules_serve_the_recorded_field_metadata(recording: str, module: str) -> None:
    recorded = json.loads((RECORDINGS_DIR / recording).read_text())["response"]["body"]["data"]
    schema = load_registry([RECORDING_INSTANCE])[module]
    assert {name: dict(meta) for name, meta in schema.fields.items()} == recorded["attributes"]


def test_a_module_and_a_custom_field_are_just_json_files(tmp_path: Path) -> None:
    (tmp_path / "SCRM_SocialProfiles.json").write_text(json.dumps(PROFILE_MODULE))
    (tmp_path / "contacts_scrm.json").write_text(json.dumps(CONTACT_EXTENSION))
    with SuiteCRMSandbox(seed=False, clock=lambda: START, schema_dirs=[tmp_path]) as box:
        api = login(box.url)
        fields = api.get("/Api/V8/meta/fields/Contacts").json()["data"]["attributes"]
        # a package's link joins the module's own fields; its custom field goes last
        names = list(fields)
        assert names[-1] == "scrm_avg_sentiment_c"
        first_custom = min(i for i, name in enumerate(names) if name.endswith("_c"))
        assert names.index("scrm_profiles") == first_custom - 1
        assert fields["scrm_avg_sentiment_c"]["source"] == "custom_fields"
        contact = api.create("Contacts", {"last_name": "Fan", "scrm_avg_sentiment_c": 0.5})
        assert contact["attributes"]["scrm_avg_sentiment_c"] == "0.50"
        found = api.get(
            "/Api/V8/module/Contacts", params={"filter[scrm_avg_sentiment_c][gte]": "0.4"}
        )
        assert [row["id"] for row in found.json()["data"]] == [contact["id"]]
        profile = api.create("SCRM_SocialProfiles", {"name": "@fan", "contact_id": contact["id"]})
        assert profile["attributes"]["network"] == "facebook"
        assert profile["attributes"]["contact_name"] == "Fan"
        assert profile["relationships"] == {
            "Contacts": {"links": {"related": f"V8/module/{profile['id']}/relationships/contact"}}
        }
        listed = api.get(
            f"/Api/V8/module/Contacts/{contact['id']}/relationships/scrm_profiles"
        ).json()
        assert [row["id"] for row in listed["data"]] == [profile["id"]]
        modules = api.get("/Api/V8/meta/modules").json()["data"]["attributes"]
        assert modules["SCRM_SocialProfiles"]["label"] == "Social Profiles"


def test_bad_schema_files_name_the_file(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text('{"extends": "NoSuchModule", "fields": {}}')
    with pytest.raises(SchemaError, match=r"broken\.json"):
        load_registry([tmp_path])
    (tmp_path / "broken.json").write_text("[1, 2]")
    with pytest.raises(SchemaError, match=r"broken\.json"):
        load_registry([tmp_path])


def test_the_package_modules_answer_as_a_suitecrm_with_the_package_does() -> None:
    """Recorded from a SuiteCRM 7.14 with the package: the first link per related module
    (Users is created_by_link), SecurityGroups, the profile's interactions; single-record
    links read as {} until something is linked; /meta/fields keeps the vardefs' numbers."""
    with SuiteCRMSandbox(seed=False, clock=lambda: START, with_plugin=True) as box:
        api = login(box.url)
        contact = api.create("Contacts", {"last_name": "Fan"})
        profile = api.create("SCRM_SocialProfiles", {
            "name": "@fan", "network": "facebook", "external_id": "fb-1",
            "contact_id": contact["id"]})
        related = profile["relationships"]
        assert list(related) == ["Accounts", "Contacts", "Leads", "SCRM_SocialInteractions",
                                 "SecurityGroups", "Users"]
        assert related["Users"]["links"]["related"].endswith("/relationships/created_by_link")
        assert related["SecurityGroups"]["links"]["related"].endswith(
            "/relationships/SecurityGroups")
        links = {name: profile["attributes"][name] for name in (
            "created_by_link", "assigned_user_link", "SecurityGroups", "contact_link",
            "lead_link", "account_link", "scrm_socialinteractions")}
        assert links == {"created_by_link": "", "assigned_user_link": "", "SecurityGroups": "",
                         "contact_link": "", "lead_link": {}, "account_link": {},
                         "scrm_socialinteractions": ""}
        interaction = api.create("SCRM_SocialInteractions", {
            "name": "Hi", "network": "facebook", "kind": "comment", "direction": "inbound",
            "external_id": "fb-2", "occurred_at": "2030-01-15 10:00:00"})
        assert list(interaction["relationships"]) == [
            "Accounts", "Cases", "Contacts", "Leads", "SCRM_SocialProfiles", "SecurityGroups",
            "Users"]
        single = ("contact_link", "lead_link", "account_link", "case_link", "profile_link")
        assert [interaction["attributes"][name] for name in single] == [{}] * len(single)
        fields = api.get("/Api/V8/meta/fields/SCRM_SocialProfiles").json()["data"]["attributes"]
        assert fields["name"] == {"type": "name", "dbType": "varchar", "len": 255,
                                  "required": False}
        assert fields["match_confidence"] == {"type": "decimal", "dbType": "decimal",
                                              "len": "7,4", "precision": 4, "required": False}
        assert list(fields["contact_link"]) == ["type", "source", "relationship", "required",
                                                "dbType"]
        assert fields["created_by_link"]["relationship"] == "scrm_socialprofiles_created_by"
        custom = api.get("/Api/V8/meta/fields/Contacts").json()["data"]["attributes"]
        assert custom["scrm_avg_sentiment_c"]["default"] == ""
        assert custom["scrm_avg_sentiment_c"]["comments"] == ""
