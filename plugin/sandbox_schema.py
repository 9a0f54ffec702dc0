"""Teach the SuiteCRM sandbox the package: schema files generated from ``plugin.model``.

The sandbox (in ``connectors``) cannot import the plugin, so the package's modules,
custom fields and relationships reach it as JSON files in the sandbox's own schema
format, written by ``write_sandbox_schema()`` into
``connectors/sandbox/suitecrm/schema/socialcrm/``. A test regenerates them and fails
when the committed files differ, so the sandbox always serves what the package installs.

Regenerate after changing ``plugin/model.py``::

    python -m plugin.sandbox_schema
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from plugin.model import (
    CUSTOM_FIELDS,
    MODULES,
    RELATIONSHIPS,
    Field,
    all_fields,
)

TARGET = Path(__file__).resolve().parent.parent / "connectors" / "sandbox" / "suitecrm" \
    / "schema" / "socialcrm"

_USER_RELATE = {
    "assigned_user_name": "assigned_user_id",
    "created_by_name": "created_by",
    "modified_by_name": "modified_user_id",
}
_USER_LINKS = {
    "assigned_user_link": "assigned_user_id",
    "created_by_link": "created_by",
    "modified_user_link": "modified_user_id",
}
_NAME_FIELD = {"Contacts": "full_name", "Leads": "full_name"}


def field_meta(field: Field) -> dict[str, Any]:
    """A field as SuiteCRM's ``/meta/fields`` reports it."""
    meta: dict[str, Any] = {"type": field.type}
    if field.relationship:
        meta["relationship"] = field.relationship
    if field.source != "db":
        meta["source"] = field.source
    if field.len is not None:
        meta["len"] = str(field.len)
    if field.precision is not None:
        meta["precision"] = str(field.precision)
    if field.default is not None:
        meta["default"] = field.default
    meta["required"] = field.required
    meta["dbType"] = field.effective_db_type
    return meta


def _module_file(name: str) -> dict[str, Any]:
    module = next(m for m in MODULES if m.name == name)
    fields = all_fields(name)
    links: dict[str, Any] = {link: {"module": "Users", "kind": "parent", "field": key}
                             for link, key in _USER_LINKS.items()}
    relate: dict[str, Any] = {
        relate_name: {"id_field": key, "module": "Users", "field": "full_name"}
        for relate_name, key in _USER_RELATE.items()
    }
    relationships: dict[str, str] = {"Users": "assigned_user_link"}
    for rel in RELATIONSHIPS:
        if rel.rhs_module == name:
            links[rel.rhs_link] = {"module": rel.lhs_module, "kind": "parent",
                                   "field": rel.rhs_key}
            relate[rel.rhs_relate] = {"id_field": rel.rhs_key, "module": rel.lhs_module,
                                      "field": _NAME_FIELD.get(rel.lhs_module, "name")}
            relationships[rel.lhs_module] = rel.rhs_link
        if rel.lhs_module == name:
            links[rel.lhs_link] = {"module": rel.rhs_module, "kind": "children",
                                   "field": rel.rhs_key}
    return {
        "module": module.name,
        "object_name": module.object_name,
        "label": module.label_plural,
        "module_list": True,
        "acl": True,
        "name_format": "plain",
        "fields": {f.name: field_meta(f) for f in fields},
        "empty_values": {},
        "create_defaults": {f.name: f.default for f in fields
                            if f.default is not None and f.source == "db"},
        "relationships": relationships,
        "links": links,
        "relate": relate,
        "relate_writes": {},
    }


def _extension_file(core: str) -> dict[str, Any]:
    fields = [c.field for c in CUSTOM_FIELDS if c.module == core]
    links: dict[str, Any] = {}
    for rel in RELATIONSHIPS:
        if rel.lhs_module == core:
            fields.append(rel.lhs_field())
            links[rel.lhs_link] = {"module": rel.rhs_module, "kind": "children",
                                   "field": rel.rhs_key}
    return {"extends": core, "fields": {f.name: field_meta(f) for f in fields},
            "links": links}


def sandbox_schema() -> dict[str, dict[str, Any]]:
    """File name -> JSON body of every schema file the package contributes."""
    files = {f"{m.name}.json": _module_file(m.name) for m in MODULES}
    own = {m.name for m in MODULES}
    cores = sorted({c.module for c in CUSTOM_FIELDS}
                   | {r.lhs_module for r in RELATIONSHIPS if r.lhs_module not in own})
    for core in cores:
        files[f"extends_{core}.json"] = _extension_file(core)
    return files


def render(body: dict[str, Any]) -> str:
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def write_sandbox_schema(target: Path = TARGET) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, body in sandbox_schema().items():
        path = target / name
        path.write_text(render(body), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_sandbox_schema():
        print(path.name)
