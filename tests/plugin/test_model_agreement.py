"""plugin/model.py and the PHP package describe the same modules, fields, lists and links.

PHP loads the package's own files (vardefs, fragments, language files, manifest) and
dumps them; every declaration in the model must match, and nothing may exist on only one
side.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from plugin import model
from plugin.build import PACKAGE_DIR
from tests.plugin.conftest import PhpRunner


@pytest.fixture(scope="module")
def dumped(php: PhpRunner) -> dict[str, Any]:
    out = php.json("dump_package.php", str(PACKAGE_DIR))
    assert out["problems"] == [], out["problems"]
    return out


def php_field_view(definition: dict[str, Any]) -> dict[str, Any]:
    """A PHP vardef entry reduced to the attributes model.Field declares."""
    def number(key: str) -> int | str | None:
        if key not in definition:
            return None
        value = definition[key]
        return value if isinstance(value, str) and "," in value else int(value)
    return {
        "name": definition["name"],
        "type": definition["type"],
        "label": definition["vname"],
        "db_type": definition.get("dbType"),
        "len": number("len"),
        "precision": number("precision"),
        "required": bool(definition.get("required", False)),
        "default": definition.get("default"),
        "options": definition.get("options"),
        "source": definition.get("source", "db"),
        "relationship": definition.get("relationship"),
        "module": definition.get("module"),
        "id_name": definition.get("id_name"),
        # 'link' => true on a name field means "link in list views", not a relate's link
        "link": definition.get("link") if definition["type"] == "relate" else None,
        "auto_increment": bool(definition.get("auto_increment", False)),
    }


def model_field_view(field: model.Field) -> dict[str, Any]:
    return {
        "name": field.name, "type": field.type, "label": field.label, "db_type": field.db_type,
        "len": field.len, "precision": field.precision, "required": field.required,
        "default": field.default, "options": field.options, "source": field.source,
        "relationship": field.relationship, "module": field.module, "id_name": field.id_name,
        "link": field.link, "auto_increment": field.auto_increment,
    }


PACKAGE_MODULES = [m.name for m in (*model.MODULES, *model.SERVICE_MODULES)]


@pytest.mark.parametrize("module_name", PACKAGE_MODULES)
def test_module_vardefs_match_the_model(dumped: dict[str, Any], module_name: str) -> None:
    declared = model.module(module_name)
    php = dumped["modules"][module_name]
    assert php["class"] == declared.object_name
    assert php["vardefs"]["table"] == declared.table
    assert php["createVardef"] == {"object": declared.object_name,
                                   "templates": list(declared.templates)}
    php_fields = [php_field_view(d) for d in php["vardefs"]["fields"].values()]
    assert php_fields == [model_field_view(f) for f in model.declared_fields(module_name)]
    indices = [(i["name"], i["type"], tuple(i["fields"])) for i in php["vardefs"]["indices"]]
    assert indices == [(i.name, i.kind, i.fields) for i in declared.indices]


@pytest.mark.parametrize("module_name", PACKAGE_MODULES)
def test_relationships_match_the_model(dumped: dict[str, Any], module_name: str) -> None:
    php = dumped["modules"][module_name]["vardefs"].get("relationships") or {}
    expected = {
        r.name: {"lhs_module": r.lhs_module, "lhs_table": r.lhs_table, "lhs_key": "id",
                 "rhs_module": r.rhs_module, "rhs_table": r.rhs_table, "rhs_key": r.rhs_key,
                 "relationship_type": r.kind}
        for r in model.RELATIONSHIPS if r.rhs_module == module_name
    }
    assert php == expected


def test_core_link_fields_match_the_model(dumped: dict[str, Any]) -> None:
    php: dict[str, list[dict[str, Any]]] = {}
    for module_name, dictionary in dumped["core_vardefs"].items():
        (fields,) = [entry["fields"] for entry in dictionary.values()]
        php[module_name] = [php_field_view(d) for d in fields.values()]
    expected: dict[str, list[dict[str, Any]]] = {}
    for relationship in model.RELATIONSHIPS:
        if relationship.lhs_module in model.MODULES_BY_NAME:
            continue
        expected.setdefault(relationship.lhs_module, []).append(
            model_field_view(relationship.lhs_field()))
    assert php == expected
    for relationship in model.RELATIONSHIPS:
        if relationship.lhs_module in dumped["core_vardefs"]:
            assert list(dumped["core_vardefs"][relationship.lhs_module]) == [
                relationship.lhs_object]


def test_dropdown_lists_and_module_names_match_the_model(dumped: dict[str, Any]) -> None:
    lists = dumped["app_list_strings"]
    for dropdown in model.DROPDOWNS:
        assert list(lists[dropdown.name].items()) == list(dropdown.options), dropdown.name
    assert sorted(k for k in lists if k.startswith("scrm_")) == sorted(
        d.name for d in model.DROPDOWNS)
    for declared in (*model.MODULES, *model.SERVICE_MODULES):
        assert lists["moduleList"][declared.name] == declared.label_plural
        assert lists["moduleListSingular"][declared.name] == declared.label
    for module_name in PACKAGE_MODULES:
        for field in model.declared_fields(module_name):
            if field.options:
                assert field.options in lists
                assert field.default is None or field.default in lists[field.options]


def test_custom_fields_match_the_model(dumped: dict[str, Any]) -> None:
    """The manifest entries as written; test_module_loader.py checks them as SuiteCRM stores them.

    TemplateField::populateFromRow turns require_option into `required` (any non-empty string
    is true), and a decimal's stored precision is its ext1.
    """
    php = [
        (f["module"], f["name"], f["type"], f["label"],
         int(f["max_size"]) if "max_size" in f else None,
         int(f["ext1"]) if f["type"] == "decimal" and "ext1" in f else None,
         int(f["precision"]) if "precision" in f else None,
         bool(f.get("require_option")))
        for f in dumped["custom_fields"]
    ]
    expected = [(c.module, c.field.name, c.field.type, c.field.label, c.field.len,
                 c.field.precision, c.field.precision, c.field.required)
                for c in model.CUSTOM_FIELDS]
    assert php == expected


def test_no_index_is_unique_and_the_guide_says_so() -> None:
    """Soft deletes keep rows: a unique (network, external_id) key would break later saves."""
    by_network = []
    for declared in model.MODULES:
        assert {i.kind for i in declared.indices} == {"index"}, declared.name
        by_network += [i for i in declared.indices if "external_id" in i.fields]
    assert [i.fields for i in by_network] == [("network", "external_id", "deleted")] * 2
    guide = (Path(__file__).resolve().parents[2] / "docs" / "plugin.md").read_text()
    assert "`(network, external_id, deleted)` is a\n  plain, non-unique index" in guide
    assert "together are unique" not in guide


def test_every_model_label_is_defined_where_suitecrm_looks(dumped: dict[str, Any]) -> None:
    for module_name in PACKAGE_MODULES:
        strings = dumped["modules"][module_name]["mod_strings"]
        missing = [f.label for f in model.declared_fields(module_name) if f.label not in strings]
        assert missing == [], module_name
    for module_name, fields in model.schema().items():
        if module_name in model.MODULES_BY_NAME:
            continue
        strings = dumped["mod_strings"][module_name]
        assert [f.label for f in fields if f.label not in strings] == [], module_name


def test_hooks_are_registered_on_exactly_the_model_modules(dumped: dict[str, Any]) -> None:
    assert set(dumped["hooks"]) == {*model.HOOKED_MODULES, *model.TEXT_GUARDED_MODULES,
                                    "application"}
    for module_name, hooks in dumped["hooks"].items():
        assert tuple(sorted(hooks)) == model.hook_events(module_name), module_name
        assert all(len(entries) == 1 for entries in hooks.values()), module_name


def test_schema_gives_each_module_its_ordered_fields_with_types_and_defaults() -> None:
    interactions = {f.name: f for f in model.schema()["SCRM_SocialInteractions"]}
    names = list(interactions)
    assert names[:3] == ["id", "name", "date_entered"]
    assert names.index("assigned_user_id") < names.index("network")
    assert interactions["name"].label == "LBL_SCRM_SUBJECT", "own definition replaces template"
    assert not interactions["name"].required
    assert interactions["status"].default == "new"
    assert interactions["deleted"].default == "0"
    assert interactions["raw_payload"].effective_db_type == "longtext"
    assert not interactions["raw_payload"].in_views
    assert not interactions["contact_name"].stored
    assert [f.name for f in model.schema()["Cases"]] == ["scrm_socialinteractions"]
    contacts = [f.name for f in model.schema()["Contacts"]]
    assert contacts == ["scrm_avg_sentiment_c", "scrm_advocate_score_c", "scrm_last_social_at_c",
                        "scrm_socialinteractions", "scrm_socialprofiles"]
    assert {f.source for f in model.schema()["Leads"][:3]} == {"custom_fields"}


def test_nothing_reuses_the_discontinued_social_field_names() -> None:
    for fields in model.schema().values():
        assert not {f.name for f in fields} & {"twitter_user_c", "facebook_user_c"}


def test_the_change_outbox_is_numbered_by_the_database_and_follows_no_hook(
        dumped: dict[str, Any]) -> None:
    """The outbox's sequence is SuiteCRM's auto_increment (as Cases' case_number), in the
    index MySQL requires; its rows are written without a save, and no hook is registered on
    it, so a row can never cause another row or a notice."""
    outbox = dumped["modules"][model.OUTBOX.name]["vardefs"]
    assert outbox["fields"]["sequence"]["auto_increment"] is True
    assert [i["fields"] for i in outbox["indices"]] == [["sequence"]]
    assert [f.name for f in model.all_fields(model.OUTBOX.name) if f.auto_increment] == [
        "sequence"]
    assert model.OUTBOX.name not in dumped["hooks"]
    assert model.OUTBOX.name not in model.HOOKED_MODULES + model.TEXT_GUARDED_MODULES
    assert model.OUTBOX.name not in model.schema(), "schema() keys beyond MODULES are core"
