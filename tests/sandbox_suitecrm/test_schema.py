"""The schema files: recorded metadata served verbatim, and extension by JSON files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connectors.sandbox.suitecrm import SuiteCRMSandbox
from connectors.sandbox.suitecrm.registry import SchemaError, load_registry

from .conftest import START, login
from .replay import RECORDINGS_DIR

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
    schema = load_registry()[module]
    assert {name: dict(meta) for name, meta in schema.fields.items()} == recorded["attributes"]


def test_a_module_and_a_custom_field_are_just_json_files(tmp_path: Path) -> None:
    (tmp_path / "SCRM_SocialProfiles.json").write_text(json.dumps(PROFILE_MODULE))
    (tmp_path / "contacts_scrm.json").write_text(json.dumps(CONTACT_EXTENSION))
    with SuiteCRMSandbox(seed=False, clock=lambda: START, schema_dirs=[tmp_path]) as box:
        api = login(box.url)
        fields = api.get("/Api/V8/meta/fields/Contacts").json()["data"]["attributes"]
        assert list(fields)[-2:] == ["scrm_avg_sentiment_c", "scrm_profiles"]
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
