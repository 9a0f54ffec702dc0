"""pyproject.toml declares exactly the third-party packages the code imports, and
constraints.txt pins every package an install needs, so installs are reproducible."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE_PARTS = ("connectors", "plugin", "workers", "mobile_api", "socialcrm", "sandboxes")
OWN = {*SOURCE_PARTS, "bench", "reliability", "tests"}
# Declared but never imported: what the code runs as a program, or what the standard
# library loads on its own.
NOT_IMPORTED = {
    "gunicorn",  # the API's production WSGI server, started by `socialcrm run`
    "hiredis",  # redis-py's C reply parser, used by redis-py itself when installed
    "tzdata",  # time zones for zoneinfo on machines without a system database
}


def _name(requirement: str) -> str:
    """PEP 503 normalised distribution name of a requirement string."""
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match.group(0)).lower()


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def third_party_imports(parts: tuple[str, ...]) -> set[str]:
    found: set[str] = set()
    for part in parts:
        for path in (ROOT / part).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names = [node.module]
                else:
                    continue
                found.update(n.split(".")[0] for n in names)
    return {n for n in found if n not in OWN and n not in sys.stdlib_module_names
            and n != "__future__"}


def distributions_of(modules: set[str]) -> set[str]:
    """Import names -> the installed distributions that provide them."""
    providers = importlib.metadata.packages_distributions()
    dists = set()
    for module in modules:
        assert module in providers, f"{module} is imported but no installed package provides it"
        dists.update(_name(d) for d in providers[module])
    return dists


def test_runtime_dependencies_are_what_the_code_imports():
    declared = {_name(r) for r in project()["dependencies"]}
    assert distributions_of(third_party_imports(SOURCE_PARTS)) == declared - NOT_IMPORTED


def test_test_extras_cover_what_tests_import_beyond_the_runtime():
    declared = {_name(r) for r in project()["dependencies"]}
    test_extra = {_name(r) for r in project()["optional-dependencies"]["test"]}
    imported = distributions_of(third_party_imports(("tests", "bench")))
    assert imported - declared - test_extra == set()


def pins() -> dict[str, str]:
    found = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not an exact pin"
            found[_name(name)] = version
    return found


def test_constraints_pin_every_declared_package_and_the_install_matches():
    pinned = pins()
    for requirement in (*project()["dependencies"], *project()["optional-dependencies"]["test"]):
        assert _name(requirement) in pinned, f"{requirement} is not in constraints.txt"
    for name, version in pinned.items():
        assert importlib.metadata.version(name) == version, f"{name} is not the pinned {version}"


def test_constraints_name_no_package_index():
    text = (ROOT / "constraints.txt").read_text(encoding="utf-8")
    assert not re.search(r"^\s*--(extra-)?index-url|^\s*--find-links", text, re.MULTILINE)
