"""The built zip as the Module Loader sees it: valid PHP, a manifest whose every path exists,
everything it references defined, and nothing written outside custom/ and modules/SCRM_*."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

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


def test_manifest_admits_suitecrm_714_715_and_8_only(php: PhpRunner,
                                                     unpacked_package: Path) -> None:
    accepts = check(php, unpacked_package)["accepts"]
    assert accepts == {
        "suitecrm 7.14.0": True, "suitecrm 7.14.6": True, "suitecrm 7.15.1": True,
        "suitecrm 8.5.1": True, "suitecrm 8.8.0": True, "suitecrm 8.10.1": True,
        "suitecrm 7.13.4": False, "suitecrm 7.12.5": False, "suitecrm 7.10.0": False,
        "suitecrm 9.0.0": False,
        "sugar 6.5.25": True, "sugar 6.5.24": False, "sugar 7.0.0": False,
    }


def test_nothing_is_written_outside_custom_and_the_scrm_modules(php: PhpRunner,
                                                                unpacked_package: Path) -> None:
    targets = check(php, unpacked_package)["targets"]
    assert len(targets) == len(set(targets)) > 50
    for target in targets:
        assert target.startswith(("custom/", "modules/SCRM_SocialInteractions/",
                                  "modules/SCRM_SocialProfiles/")), target
        name = target.rsplit("/", 1)[1]
        if "/Ext/Language/" in target:  # the installer names these <language>.<package id>.php
            assert name == "en_us.SCRM.php", target
        elif target.startswith("custom/Extension/"):
            assert name.lower().startswith("scrm"), target
    hooked = {t.split("/")[3] for t in targets if "/Ext/LogicHooks/" in t}
    assert hooked == {"Calls", "Meetings", "Tasks", "Notes", "Cases", "Opportunities",
                      "Contacts", "Leads", "SCRM_SocialInteractions"}


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
    ],
    ids=["missing-label", "missing-hook-file", "core-copy", "broken-relationship",
         "ignored-schedulers-key", "unknown-dropdown", "unknown-view-field", "missing-method",
         "remove-tables", "missing-admin-file", "admin-link"],
)
def test_the_checker_catches_broken_packages(php: PhpRunner, unpacked_package: Path,
                                             tmp_path: Path, mutation: Mutation,
                                             expected: str) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(unpacked_package, broken)
    mutation(broken)
    findings = check(php, broken)["findings"]
    assert any(expected in finding for finding in findings), findings
