"""Imports point one way (docs/DESIGN.md): each part may import only the parts below it,
the sandboxes are imported only by demo start-up and tests, and the settings module
loads neither Flask nor a sandbox."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PARTS = ("mobile_api", "workers", "plugin", "connectors")
# Part -> the project packages it may import (besides itself).
ALLOWED = {
    "mobile_api": {"workers", "plugin", "connectors"},
    "workers": {"plugin", "connectors"},
    "plugin": {"connectors"},
    "connectors": set(),
    "sandboxes": {"plugin", "connectors"},
}
PROJECT = {*PARTS, "sandboxes", "socialcrm"}
# Third-party packages a layer must not use (DESIGN.md: no Flask, RQ or Redis in the
# connectors; the plugin's rules are plain Python too).
FORBIDDEN_LIBRARIES = {
    "connectors": {"flask", "werkzeug", "flask_smorest", "rq", "redis"},
    "plugin": {"flask", "werkzeug", "flask_smorest", "rq", "redis"},
}


def imported_modules(path: Path) -> set[str]:
    """Absolute module names one file imports (relative imports stay inside its part)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def violations(part: str) -> list[str]:
    found = []
    for path in sorted((ROOT / part).rglob("*.py")):
        for name in imported_modules(path):
            top = name.split(".")[0]
            where = path.relative_to(ROOT)
            if top in PROJECT and top != part and top not in ALLOWED[part]:
                found.append(f"{where} imports {name}")
            if top in FORBIDDEN_LIBRARIES.get(part, ()):
                found.append(f"{where} imports {name}")
            if part == "sandboxes" and top == "plugin" and name not in {"plugin", "plugin.model",
                                                                        "plugin.model_types"}:
                found.append(f"{where} imports {name} (sandboxes read plugin.model only)")
    return found


@pytest.mark.parametrize("part", [*PARTS, "sandboxes"])
def test_imports_point_downwards(part):
    assert violations(part) == []


def test_the_layer_check_sees_a_wrong_import(tmp_path, monkeypatch):
    """The check itself can fail: a connector importing the plugin is reported."""
    (tmp_path / "connectors").mkdir()
    (tmp_path / "connectors" / "bad.py").write_text("from plugin import model\nimport flask\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert sorted(violations("connectors")) == ["connectors/bad.py imports flask",
                                                "connectors/bad.py imports plugin"]


def test_only_start_up_and_tests_import_the_sandboxes():
    for part in (*PARTS, "socialcrm"):
        for path in sorted((ROOT / part).rglob("*.py")):
            if part == "socialcrm" and (path.name.startswith("demo") or "commands" in path.parts):
                continue
            hits = {n for n in imported_modules(path) if n.split(".")[0] == "sandboxes"}
            assert not hits, f"{path.relative_to(ROOT)} imports {sorted(hits)}"


@pytest.mark.parametrize("module", ["socialcrm.settings", "connectors.facebook",
                                    "connectors.linkedin", "connectors.suitecrm", "plugin"])
def test_importing_settings_and_clients_loads_no_flask_and_no_sandbox(module):
    code = (f"import sys, {module}; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'flask', 'werkzeug', 'sandboxes'}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "[]"
