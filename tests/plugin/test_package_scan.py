"""The package under SuiteCRM's package scanner (moduleInstaller.packageScan).

php/scan_package.php re-implements the scanner: the package has nothing it refuses outright,
and uses exactly the black-listed functions the admin guide tells admins to exempt.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.plugin.conftest import PhpRunner

DOCS = Path(__file__).resolve().parents[2] / "docs" / "plugin.md"


def scan(php: PhpRunner, root: Path) -> list[dict[str, Any]]:
    out = php.json("scan_package.php", str(root))
    assert out["problems"] == [], out["problems"]
    issues: list[dict[str, Any]] = out["issues"]
    return issues


def documented_exemptions() -> set[str]:
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(r"\['blackListExempt'\] = array\(([^)]*)\)", text)
    assert match, "docs/plugin.md shows the blackListExempt setting"
    return set(re.findall(r"'([a-z_]+)'", match.group(1)))


def test_the_scanner_model_flags_what_suitecrms_scanner_flags(php: PhpRunner,
                                                              tmp_path: Path) -> None:
    (tmp_path / "sample.php").write_text(
        "<?php\n$work();\n$logger->$level('x');\nclass A { function get() {} }\n"
        "$out = `ls`;\nnew ReflectionClass('A');\nunlink('x');\n"
        "$this->http->fetch('u');\nSCRM_Config::load();\nnew SCRM_Http(0.5, 2.0);\n")
    (tmp_path / "notes.md").write_text("not an allowed extension\n")
    found = {(i["kind"], i["name"]) for i in scan(php, tmp_path)}
    assert found == {("variable call", "$work"), ("variable call", "$level"),
                     ("function", "get"), ("backtick", "`"), ("class", "reflectionclass"),
                     ("function", "unlink"), ("extension", "md")}


def test_the_package_has_no_variable_calls_and_no_refused_files(
        php: PhpRunner, unpacked_package: Path) -> None:
    issues = scan(php, unpacked_package)
    assert [i for i in issues if i["kind"] != "function"] == []


def test_the_black_listed_functions_left_are_the_ones_the_guide_asks_to_exempt(
        php: PhpRunner, unpacked_package: Path) -> None:
    used = {i["name"] for i in scan(php, unpacked_package)}
    assert used == documented_exemptions()
    assert used <= {"register_shutdown_function", "file_get_contents", "is_file", "unlink"}
