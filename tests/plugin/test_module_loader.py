"""Install and uninstall as SuiteCRM's ModuleInstaller changes state (php/module_loader.php).

The custom fields are seen as DynamicField stores them in fields_meta_data and rebuilds
their vardefs; role actions as SugarBean::create_tables and remove_acl_actions leave them;
files as the installer and the package's own scripts write and delete them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from plugin import model
from plugin.build import PACKAGE_DIR
from tests.plugin.conftest import PhpRunner

ACL_ACTIONS = ["access", "view", "list", "edit", "delete", "import", "export", "massupdate"]
SETTINGS = {"socialcrm_service_url": "https://svc.example.com",
            "socialcrm_shared_secret": "b64:eA=="}
INSTALL = {"op": "install"}
# Every table the package creates: the modules for people and the change outbox.
TABLES = [m.table for m in (*model.MODULES, *model.SERVICE_MODULES)]
KEEP_TABLES = {"op": "uninstall", "remove_tables": False}
REMOVE_TABLES = {"op": "uninstall", "remove_tables": True}


def override_file(custom: model.CustomField) -> str:
    return (f"custom/Extension/modules/{custom.module}/Ext/Vardefs/"
            f"_override_sugarfield_{custom.field.name}.php")


def run(php: PhpRunner, tmp_path: Path, steps: list[dict[str, Any]], *,
        seed: list[str] | None = None, package: Path = PACKAGE_DIR) -> list[dict[str, Any]]:
    root = tmp_path / "suitecrm"
    root.mkdir()
    out = php.json("module_loader.php", stdin={
        "package": str(package), "root": str(root), "config": SETTINGS, "seed": seed or [],
        "steps": steps})
    assert out["problems"] == [], out["problems"]
    snapshots: list[dict[str, Any]] = out["snapshots"]
    return snapshots


@pytest.fixture(scope="module")
def installed(php: PhpRunner, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    (snapshot,) = run(php, tmp_path_factory.mktemp("install"), [INSTALL])
    return snapshot


def test_custom_fields_are_stored_and_rebuilt_as_the_model_declares(
        installed: dict[str, Any]) -> None:
    rows = installed["fields_meta_data"]
    assert sorted(rows) == sorted(c.module + c.field.name for c in model.CUSTOM_FIELDS)
    for custom in model.CUSTOM_FIELDS:
        field = custom.field
        row = rows[custom.module + field.name]
        vardef = installed["vardefs"][custom.module][field.name]
        assert (vardef["type"], vardef["vname"]) == (field.type, field.label)
        assert row["required"] == "0", f"{field.name} on {custom.module} is stored as required"
        assert vardef["required"] is field.required
        if field.len is not None:
            assert int(vardef["len"]) == field.len
        if field.precision is not None:
            assert row["ext1"] == str(field.precision), "fields_meta_data keeps precision in ext1"
            assert int(vardef["precision"]) == field.precision


def test_decimal_columns_stay_valid_when_suitecrm_repairs_them(installed: dict[str, Any]) -> None:
    for custom in model.CUSTOM_FIELDS:
        table = f"{custom.module.lower()}_cstm"
        created = installed["columns"][table][custom.field.name]
        assert installed["repair_columns"][table][custom.field.name] == created, (
            "Quick Repair and Rebuild would alter the column")
        if custom.field.type == "decimal":
            assert created == f"decimal({custom.field.len},{custom.field.precision})"


def test_the_installer_writes_exactly_the_partial_vardefs_the_checker_lists(
        installed: dict[str, Any], php: PhpRunner, unpacked_package: Path) -> None:
    assert installed["files"] == sorted(override_file(c) for c in model.CUSTOM_FIELDS)
    checked = php.json("check_package.php", str(unpacked_package))
    listed = {t for t in checked["targets"] if "_override_sugarfield_" in t}
    assert listed == set(installed["files"])


def test_first_install_creates_tables_and_role_actions(installed: dict[str, Any]) -> None:
    """Role actions for the modules people use; none for the change outbox, which only
    administrators reach (its bean does not implement 'ACL')."""
    assert sorted(installed["tables"]) == sorted(TABLES)
    assert "scrm_change_outbox" in installed["tables"]
    assert installed["acl"] == {m.name: ACL_ACTIONS for m in model.MODULES}
    assert installed["repaired"] == [], "tables that do not exist yet are created, not repaired"


def test_an_install_over_kept_tables_brings_them_to_the_new_definitions(
        php: PhpRunner, tmp_path: Path) -> None:
    """ModuleInstaller never alters an existing table; the post_execute script repairs it."""
    _, _, reinstalled = run(php, tmp_path, [INSTALL, KEEP_TABLES, INSTALL])
    assert reinstalled["repaired"] == TABLES


def test_reinstall_after_keeping_tables_gives_roles_their_actions_back(
        php: PhpRunner, tmp_path: Path) -> None:
    _, uninstalled, reinstalled = run(php, tmp_path, [INSTALL, KEEP_TABLES, INSTALL])
    assert uninstalled["acl"] == {}, "SuiteCRM removes the actions on every uninstall"
    assert sorted(uninstalled["tables"]) == sorted(TABLES)
    assert reinstalled["acl"] == {m.name: ACL_ACTIONS for m in model.MODULES}


def test_reinstall_without_the_post_execute_script_would_lock_users_out(
        php: PhpRunner, tmp_path: Path) -> None:
    """The harness itself: without the script, the kept tables mean no actions come back."""
    package = tmp_path / "package"
    package.mkdir()
    manifest = (PACKAGE_DIR / "manifest.php").read_text()
    marker = "'post_execute' => array(\n        '<basepath>/scripts/post_execute.php',\n    ),\n"
    assert marker in manifest
    (package / "manifest.php").write_text(manifest.replace(marker, ""))
    for module in ("SCRM_SocialInteractions", "SCRM_SocialProfiles", "SCRM_ChangeOutbox"):
        (package / "modules").mkdir(exist_ok=True)
        (package / "modules" / module).symlink_to(PACKAGE_DIR / "modules" / module)
    (package / "scripts").symlink_to(PACKAGE_DIR / "scripts")
    *_, reinstalled = run(php, tmp_path, [INSTALL, KEEP_TABLES, INSTALL], package=package)
    assert reinstalled["acl"] == {}


def test_keeping_tables_keeps_fields_settings_and_their_partial_vardefs(
        php: PhpRunner, tmp_path: Path) -> None:
    installed, kept = run(php, tmp_path, [INSTALL, KEEP_TABLES])
    assert kept["fields_meta_data"] == installed["fields_meta_data"]
    assert kept["config"] == SETTINGS
    assert kept["files"] == installed["files"]


def test_removing_tables_deletes_data_settings_and_only_our_partial_vardefs(
        php: PhpRunner, tmp_path: Path) -> None:
    others = [
        "custom/Extension/modules/Contacts/Ext/Vardefs/_override_sugarfield_lead_source.php",
        "custom/Extension/modules/Contacts/Ext/Vardefs/_override_sugarfield_scrm_avg_sentiment_c.php.bak",
        "custom/Extension/modules/Contacts/Ext/Vardefs/_override_sugarfield_scrm_other_c.php",
        "custom/Extension/modules/Cases/Ext/Vardefs/_override_sugarfield_scrm_avg_sentiment_c.php",
        "custom/Extension/modules/Leads/Ext/Vardefs/sugarfield_status.php",
    ]
    _, removed = run(php, tmp_path, [INSTALL, REMOVE_TABLES], seed=others)
    assert removed["files"] == sorted(others)
    assert removed["fields_meta_data"] == {}
    assert removed["tables"] == []
    assert removed["config"] == {}
    assert removed["acl"] == {}
