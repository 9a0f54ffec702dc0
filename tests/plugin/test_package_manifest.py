"""The built zip as the Module Loader sees it: valid PHP, a manifest whose every path exists,
everything it references defined, accepted by SuiteCRM's version checks, and every file and
row written for it (by the installer too) under custom/ or modules/SCRM_* and named for it."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from plugin import model
from plugin.build import package_version
from tests.plugin.conftest import PHP_SCRIPTS, PhpRunner


def check(php: PhpRunner, package: Path) -> dict[str, Any]:
    out = php.json("check_package.php", str(package))
    assert out["problems"] == [], out["problems"]
    return out


def test_every_php_file_is_valid_php(php: PhpRunner, unpacked_package: Path) -> None:
    files = sorted(unpacked_package.rglob("*.php")) + sorted(PHP_SCRIPTS.glob("*.php"))
    assert len(files) > 40
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda path: (path, php.run_raw(["-l", str(path)])), files))
    failures = [f"{path.name}: {done.stdout.strip()} {done.stderr.strip()}"
                for path, done in results if done.returncode != 0]
    assert failures == []


def test_manifest_paths_and_references_all_resolve(php: PhpRunner, unpacked_package: Path) -> None:
    out = check(php, unpacked_package)
    assert out["findings"] == []
    assert out["version"] == package_version()


SUPPORTED = {
    "suitecrm 7.14.0": True, "suitecrm 7.14.6": True, "suitecrm 7.15.1": True,
    "suitecrm 8.5.1": True, "suitecrm 8.8.0": True, "suitecrm 8.10.1": True,
    "suitecrm 7.13.4": False, "suitecrm 7.12.5": False, "suitecrm 7.10.0": False,
    "suitecrm 9.0.0": False,
    "7.14.0 with sugar 6.5.25": True, "7.14.0 with sugar 6.5.24": False,
    "7.14.0 with sugar 7.0.0": False,
}


def test_manifest_admits_suitecrm_714_715_and_8_only(php: PhpRunner,
                                                     unpacked_package: Path) -> None:
    assert check(php, unpacked_package)["accepts"] == SUPPORTED


@pytest.mark.parametrize(
    ("old", "new", "now_refused"),
    [
        ("'exact_matches' => array('6.5.25'),\n"
         "        'regex_matches' => array('^6\\.5\\.2[5-9]$'),",
         "'exact_matches' => array('6.5.24'),", "suitecrm 7.14.0"),
        ("'acceptable_suitecrm_versions' => array(\n",
         "'acceptable_suitecrm_versions' => array(\n        'exact_matches' => array(),\n",
         "suitecrm 7.15.1"),
    ],
    ids=["sugar-list-is-checked-too", "empty-exact-list-refuses-where-regexes-are-skipped"],
)
def test_both_version_lists_decide(php: PhpRunner, unpacked_package: Path, tmp_path: Path,
                                   old: str, new: str, now_refused: str) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(unpacked_package, broken)
    _replace("manifest.php", old, new)(broken)
    accepts = check(php, broken)["accepts"]
    assert accepts[now_refused] is False
    assert {k: v for k, v in accepts.items() if v} != {k: v for k, v in SUPPORTED.items() if v}


def test_everything_written_for_the_package_is_under_custom_or_its_modules(
        php: PhpRunner, unpacked_package: Path) -> None:
    out = check(php, unpacked_package)
    targets = out["targets"]
    assert len(targets) == len(set(targets)) > 50
    for target in targets:
        assert target.startswith(("custom/", "modules/SCRM_SocialInteractions/",
                                  "modules/SCRM_SocialProfiles/", "modules/SCRM_ChangeOutbox/")
                                 ), target
        name = target.rsplit("/", 1)[1]
        if "/Ext/Language/" in target:  # the installer names these <language>.<package id>.php
            assert name == "en_us.SCRM.php", target
        elif name.startswith("_override_sugarfield_"):  # DynamicField names these after the field
            assert name.startswith("_override_sugarfield_scrm_"), target
        elif target.startswith("custom/Extension/"):
            assert name.lower().startswith("scrm"), target
    overrides = {t for t in targets if "/_override_sugarfield_" in t}
    assert overrides == {f"custom/Extension/modules/{c.module}/Ext/Vardefs/"
                         f"_override_sugarfield_{c.field.name}.php" for c in model.CUSTOM_FIELDS}
    hooked = {t.split("/")[3] for t in targets
              if "/Ext/LogicHooks/" in t and not t.startswith("custom/Extension/application/")}
    assert hooked == {*model.HOOKED_MODULES, *model.TEXT_GUARDED_MODULES}
    assert [t for t in targets if t.startswith("custom/Extension/application/Ext/LogicHooks/")
            ] == ["custom/Extension/application/Ext/LogicHooks/scrm_icons.php"]
    assert out["rows"] == {
        "fields_meta_data": [c.module + c.field.name for c in model.CUSTOM_FIELDS],
        "acl_actions": [m.name for m in model.MODULES],
        "config": [model.SETTINGS_CATEGORY],
    }


def test_every_shipped_file_is_used_by_the_manifest(php: PhpRunner, built_zip: Path,
                                                    unpacked_package: Path) -> None:
    targets = check(php, unpacked_package)["targets"]
    with zipfile.ZipFile(built_zip) as archive:
        shipped = set(archive.namelist())
    manifest = (unpacked_package / "manifest.php").read_text()
    unused = {name for name in shipped
              if name not in {"manifest.php", "README.txt"}
              and name not in targets  # copied module files keep their path
              and f"<basepath>/{name}'" not in manifest}
    assert unused == set()


Mutation = Callable[[Path], None]


def _replace(relative: str, old: str, new: str) -> Mutation:
    def mutate(root: Path) -> None:
        path = root / relative
        text = path.read_text()
        assert old in text, f"{old!r} not in {relative}"
        path.write_text(text.replace(old, new, 1))
    return mutate


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [
        (_replace("extensions/language/contacts.en_us.php",
                  "$mod_strings['LBL_SCRM_SOCIALPROFILES_SUBPANEL_TITLE'] = 'Social Profiles';",
                  ""),
         "subpanel title LBL_SCRM_SOCIALPROFILES_SUBPANEL_TITLE is not defined for Contacts"),
        (_replace("manifest.php", "logichooks/scrm_change_events.php', 'to_module' => 'Tasks'",
                  "logichooks/missing.php', 'to_module' => 'Tasks'"),
         "hookdefs: extensions/logichooks/missing.php is not in the package"),
        (_replace("manifest.php", "'to' => 'modules/SCRM_SocialProfiles',",
                  "'to' => 'include/SocialProfiles',"),
         "copy: include/SocialProfiles is outside modules/SCRM_*"),
        (_replace("extensions/vardefs/scrm_leads_links.php", "'scrm_leads_socialprofiles'",
                  "'scrm_leads_profiles'"),
         "link Leads.scrm_socialprofiles: relationship scrm_leads_profiles is not defined"),
        (_replace("manifest.php", "'post_uninstall' => array(", "'schedulers' => array(),\n"
                  "    'post_uninstall' => array("),
         "section 'schedulers'"),
        (_replace("modules/SCRM_SocialInteractions/vardefs.php", "'scrm_policy_verdict_list'",
                  "'policy_verdict_list'"),
         "options list 'policy_verdict_list'"),
        (_replace("modules/SCRM_SocialProfiles/metadata/listviewdefs.php", "'HANDLE' =>",
                  "'TWITTER_HANDLE' =>"),
         "listviewdefs.php: unknown field twitter_handle"),
        (_replace("extensions/logichooks/scrm_change_events.php", "'afterDelete'",
                  "'afterRemove'"),
         "SCRM_ChangeNotifier::afterRemove is not defined"),
        (_replace("manifest.php", "'remove_tables' => 'prompt'", "'remove_tables' => 'true'"),
         "remove_tables must be 'prompt'"),
        (_replace("manifest.php", "extensions/administration/scrm_admin_panel.php",
                  "extensions/administration/admin_panel.php"),
         "administration: extensions/administration/admin_panel.php is not in the package"),
        (_replace("modules/SCRM_SocialInteractions/controller.php", "action_scrmsettings",
                  "action_settings"),
         "does not reach a controller action and view"),
        (_replace("modules/SCRM_SocialProfiles/vardefs.php",
                  "'name' => 'idx_scrm_sp_network_ext',\n            'type' => 'index',",
                  "'name' => 'idx_scrm_sp_network_ext',\n            'type' => 'unique',"),
         "index idx_scrm_sp_network_ext is unique"),
        (_replace("modules/SCRM_SocialInteractions/metadata/detailviewdefs.php",
                  "array('EDIT', 'DELETE')", "array('EDIT', 'DUPLICATE', 'DELETE')"),
         "a DUPLICATE button"),
        (_replace("manifest.php", "'module' => 'Leads', 'require_option' => false",
                  "'module' => 'Leads', 'require_option' => 'optional'"),
         "Leads.scrm_avg_sentiment_c must say 'require_option' => false"),
        (_replace("manifest.php", "'precision' => 4, 'ext1' => 4, 'module' => 'Accounts'",
                  "'precision' => 4, 'module' => 'Accounts'"),
         "Accounts.scrm_avg_sentiment_c must carry its precision in ext1"),
        (_replace("manifest.php", "<basepath>/scripts/post_execute.php",
                  "<basepath>/scripts/post_install.php"),
         "post_execute: <basepath>/scripts/post_install.php is not in the package"),
    ],
    ids=["missing-label", "missing-hook-file", "core-copy", "broken-relationship",
         "ignored-schedulers-key", "unknown-dropdown", "unknown-view-field", "missing-method",
         "remove-tables", "missing-admin-file", "admin-link", "unique-index", "duplicate-button",
         "required-custom-field", "precision-not-in-ext1", "missing-post-execute"],
)
def test_the_checker_catches_broken_packages(php: PhpRunner, unpacked_package: Path,
                                             tmp_path: Path, mutation: Mutation,
                                             expected: str) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(unpacked_package, broken)
    mutation(broken)
    findings = check(php, broken)["findings"]
    assert any(expected in finding for finding in findings), findings
