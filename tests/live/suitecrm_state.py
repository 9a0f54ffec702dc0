"""A snapshot of everything the SocialCRM package touches in a real SuiteCRM, and its checks.

Taken after each Module Loader step of the lifecycle suite, from three sources that must
agree: the database (tables, columns, rows of SuiteCRM's bookkeeping tables), the files
under the SuiteCRM folder, and what SuiteCRM itself loads (``php/inspect.php``: hooks,
field definitions, subpanels, dropdown lists) and serves (V8 ``/meta``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from connectors.errors import ConnectorError
from connectors.suitecrm import SuiteCRMClient
from plugin import model
from tests.live.host import PHP_DIR, Database, SuiteCRMHost

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "plugin.md"
CORE = ("Contacts", "Leads", "Accounts", "Cases")
CUSTOM_TABLES = ("contacts_cstm", "leads_cstm", "accounts_cstm")
WATCHED_DIRS = ("custom", "modules", "upload/upgrades", "cache/upgrades")
_SCRM = re.compile(r"scrm|socialcrm", re.IGNORECASE)


@dataclass
class State:
    installed: bool
    history: list[dict[str, Any]]
    staged: list[str]
    tables: set[str]
    columns: dict[str, dict[str, str]]
    rows: dict[str, dict[str, dict[str, Any]]]  # table -> id -> row
    config: list[str]
    acl_actions: dict[str, int]
    fields_meta_data: list[str]
    relationships: list[str]
    files: set[str]
    compiled_mentions: set[str]  # generated files under custom/ that name the package
    loaded: dict[str, Any]  # inspect.php
    meta_modules: set[str]
    meta_fields: dict[str, dict[str, str]] = field(default_factory=dict)

    def row(self, module: str, record_id: str) -> dict[str, Any] | None:
        if module in model.MODULES_BY_NAME:
            return self.rows.get(model.module(module).table, {}).get(record_id)
        return self.rows.get(f"{module.lower()}_cstm", {}).get(record_id)

    # -- an installed package, checked against plugin.model ---------------------------------
    def problems_with_the_package(self) -> list[str]:
        problems: list[str] = []
        if not self.installed:
            problems.append("no SCRM entry in upgrade_history")
        for declared in model.MODULES:
            problems += self._module_problems(declared)
        for custom in model.CUSTOM_FIELDS:
            table = f"{custom.module.lower()}_cstm"
            column = self.columns.get(table, {}).get(custom.field.name)
            expected = {"decimal": f"decimal({custom.field.len},{custom.field.precision})",
                        "int": "int(11)", "datetimecombo": "datetime"}[custom.field.type]
            if column != expected:
                problems.append(f"{table}.{custom.field.name} is {column}, not {expected}")
            if custom.module + custom.field.name not in self.fields_meta_data:
                problems.append(f"fields_meta_data lacks {custom.module}{custom.field.name}")
        for core, fields in model.schema().items():
            if core in model.MODULES_BY_NAME:
                continue
            loaded = self.loaded["modules"][core]["fields"]
            problems += [f"{core}.{f.name} is not loaded" for f in fields if f.name not in loaded]
            problems += [f"V8 meta of {core} lacks {f.name}" for f in fields
                         if f.name not in self.meta_fields.get(core, {})]
        problems += self._relationship_problems()
        problems += self._hook_problems()
        problems += self._subpanel_problems()
        lists = self.loaded["dropdowns"]
        for dropdown in model.DROPDOWNS:
            if lists.get(dropdown.name) != dict(dropdown.options):
                problems.append(f"dropdown {dropdown.name} is {lists.get(dropdown.name)}")
        if "LBL_SCRM_ADMIN_HEADER" not in self.loaded["admin_groups"]:
            problems.append("the Administration page has no SocialCRM section")
        return problems

    def _module_problems(self, declared: model.Module) -> list[str]:
        problems = []
        loaded = self.loaded["modules"].get(declared.name, {})
        if not loaded.get("known"):
            return [f"SuiteCRM does not know {declared.name}"]
        if declared.name not in self.meta_modules:
            problems.append(f"V8 /meta/modules lacks {declared.name}")
        if self.acl_actions.get(declared.name) != 8:
            actions = self.acl_actions.get(declared.name)
            problems.append(f"{declared.name} has {actions} role actions")
        columns = self.columns.get(declared.table, {})
        meta = self.meta_fields.get(declared.name, {})
        for wanted in model.all_fields(declared.name):
            if loaded["fields"].get(wanted.name, {}).get("type") != wanted.type:
                problems.append(f"{declared.name}.{wanted.name} loads as "
                                f"{loaded['fields'].get(wanted.name)}, not {wanted.type}")
            if meta.get(wanted.name) != wanted.type:
                problems.append(f"V8 meta says {declared.name}.{wanted.name} is "
                                f"{meta.get(wanted.name)}, not {wanted.type}")
            if wanted.stored and wanted.name not in columns:
                problems.append(f"{declared.table} has no column {wanted.name}")
        for ratio in ("sentiment_score", "match_confidence"):
            if ratio in columns and columns[ratio] != "decimal(7,4)":
                problems.append(f"{declared.table}.{ratio} is {columns[ratio]}")
        return problems

    def _relationship_problems(self) -> list[str]:
        return [f"relationship {r.name} is not registered" for r in model.RELATIONSHIPS
                if r.name not in self.relationships]

    def _hook_problems(self) -> list[str]:
        problems = []
        for module_name in {*model.HOOKED_MODULES, *model.TEXT_GUARDED_MODULES}:
            hooks = self.loaded["modules"][module_name]["hooks"]
            ours = sorted(event for event, entries in hooks.items()
                          for entry in entries if str(entry[3]).startswith("SCRM_"))
            if tuple(ours) != model.hook_events(module_name):
                problems.append(f"{module_name} runs SocialCRM hooks on {ours}")
        return problems

    def _subpanel_problems(self) -> list[str]:
        problems = []
        for relationship in model.RELATIONSHIPS:
            subpanels = self.loaded["modules"][relationship.lhs_module]["subpanels"]
            if relationship.lhs_link not in subpanels:
                problems.append(f"{relationship.lhs_module} has no subpanel "
                                f"{relationship.lhs_link}")
        return problems

    # -- what an uninstall leaves ----------------------------------------------------------
    def leftovers(self) -> set[str]:
        """Everything of the package's still present: files and folders whose path names it,
        generated files under custom/ that mention it, tables, columns, rows."""
        found = {f"file {p}" for p in self.files}
        found |= {f"generated file naming it {p}" for p in self.compiled_mentions}
        found |= {f"table {t}" for t in self.tables}
        for table in CUSTOM_TABLES:
            found |= {f"column {table}.{c}" for c in self.columns.get(table, {})
                      if c.startswith("scrm_")}
        found |= {f"fields_meta_data {r}" for r in self.fields_meta_data}
        found |= {f"config {r}" for r in self.config}
        found |= {f"acl_actions {c}" for c in self.acl_actions}
        found |= {f"relationship {r}" for r in self.relationships}
        found |= {f"upgrade_history {r['version']}" for r in self.history}
        return found

    @staticmethod
    def documented_leftovers(version: str) -> set[str]:
        """The items the admin guide lists under "Left behind by Remove Tables"."""
        text = GUIDE.read_text(encoding="utf-8")
        section = text.split("### Left behind by Remove Tables", 1)[1].split("\n#", 1)[0]
        return {item.replace("<version>", version)
                for item in re.findall(r"^- `([^`]+)`", section, re.MULTILINE)}


def _inspect(host: SuiteCRMHost, modules: list[str]) -> dict[str, Any]:
    done = host.php(PHP_DIR / "inspect.php", *modules)
    if done.returncode != 0:
        raise AssertionError(f"inspect.php failed: {done.stderr}\n{done.stdout[-2000:]}")
    loaded: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def _files(root: Path) -> tuple[set[str], set[str]]:
    named, mentions = set(), set()
    for top in WATCHED_DIRS:
        base = root / top
        if not base.is_dir():
            continue
        for path in base.rglob("*"):
            relative = path.relative_to(root).as_posix()
            if _SCRM.search(relative):
                named.add(relative)
            elif (path.is_file() and top == "custom" and "/Ext/" in relative
                  and _SCRM.search(path.read_text(errors="replace"))):
                mentions.add(relative)
    return named, mentions


def snapshot(root: Path, db: Database, crm: SuiteCRMClient, host: SuiteCRMHost) -> State:
    schema = db.value("SELECT DATABASE()")
    columns: dict[str, dict[str, str]] = {}
    for row in db.rows("SELECT TABLE_NAME t, COLUMN_NAME c, COLUMN_TYPE ty FROM "
                       "information_schema.COLUMNS WHERE TABLE_SCHEMA = %s", (schema,)):
        if row["t"].startswith("scrm_") or row["t"] in CUSTOM_TABLES:
            columns.setdefault(row["t"], {})[row["c"]] = str(row["ty"]).lower()
    tables = {t for t in columns if t.startswith("scrm_")}
    rows: dict[str, dict[str, dict[str, Any]]] = {}
    for table in tables:
        rows[table] = {r["id"]: r for r in db.rows(f"SELECT * FROM `{table}`")}  # noqa: S608
    for table in CUSTOM_TABLES:
        if "scrm_avg_sentiment_c" in columns.get(table, {}):
            rows[table] = {r["id_c"]: r for r in db.rows(
                f"SELECT * FROM `{table}` WHERE scrm_avg_sentiment_c IS NOT NULL")}  # noqa: S608
    history = db.rows("SELECT id, version, filename, md5sum FROM upgrade_history "
                      "WHERE id_name = 'SCRM' ORDER BY date_entered")
    acl = {r["category"]: int(r["n"]) for r in db.rows(
        "SELECT category, COUNT(*) n FROM acl_actions WHERE deleted = 0 "
        "AND category LIKE 'SCRM%%' GROUP BY category")}
    files, mentions = _files(root)
    staged_dir = root / "upload" / "upgrades" / "module"
    modules = [m.name for m in model.MODULES] + sorted(
        {*CORE, *model.HOOKED_MODULES, *model.TEXT_GUARDED_MODULES} - set(model.MODULES_BY_NAME))
    meta_modules = set(crm.modules())
    meta_fields: dict[str, dict[str, str]] = {}
    for module_name in modules:
        if module_name in meta_modules:
            try:
                meta_fields[module_name] = {n: f.type for n, f in crm.fields(module_name).items()}
            except ConnectorError:
                continue
    return State(
        installed=bool(history), history=history,
        staged=sorted(p.name for p in staged_dir.glob("*.zip")) if staged_dir.is_dir() else [],
        tables=tables, columns=columns, rows=rows,
        config=[r["name"] for r in db.rows(
            "SELECT name FROM config WHERE category = 'socialcrm'")],
        acl_actions=acl,
        fields_meta_data=[r["id"] for r in db.rows(
            "SELECT id FROM fields_meta_data WHERE deleted = 0 AND name LIKE 'scrm%%'")],
        relationships=[r["relationship_name"] for r in db.rows(
            "SELECT relationship_name FROM relationships WHERE deleted = 0 "
            "AND relationship_name LIKE 'scrm%%'")],
        files=files, compiled_mentions=mentions, loaded=_inspect(host, modules),
        meta_modules=meta_modules, meta_fields=meta_fields,
    )
