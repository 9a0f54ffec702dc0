"""Teach the SuiteCRM sandbox the package: its modules, custom fields and relationships,
read from ``plugin.model`` and turned into the sandbox's schema format in memory.

Nothing is generated or committed: the sandbox builds these bodies when it starts with the
package (``load_registry(with_package=True)``), so it always serves what the package
installs, and a test compares them with what the package's PHP declares.
"""

from __future__ import annotations

from typing import Any

from plugin.model import (
    CUSTOM_FIELDS,
    MODULES,
    RELATIONSHIPS,
    SERVICE_MODULES,
    TEMPLATE_FIELDS,
    all_fields,
    declared_fields,
    module,
)
from plugin.model_types import Field

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

# V8's MetaService::pruneVardef keeps only these vardef keys, in the order the vardef
# writes them, then appends "required" (false) and "dbType" (the type) where the vardef
# has none. So the order is the vardef file's: the package's vardefs write the keys in
# PACKAGE_ORDER (and "required" only when true), SuiteCRM's templates write a link's
# relationship before its source.
PACKAGE_ORDER = ("type", "dbType", "source", "relationship", "len", "precision", "required",
                 "default")
TEMPLATE_ORDER = ("type", "dbType", "relationship", "source", "len", "precision", "required",
                  "default")


def field_meta(field: Field, written: tuple[str, ...] = PACKAGE_ORDER) -> dict[str, Any]:
    """A field as SuiteCRM's ``/meta/fields`` reports it, keys in the vardef's order.

    Numbers stay what the vardef writes (``len`` 255, ``precision`` 4, ``len`` "7,4").
    A custom field's vardef is rebuilt from ``fields_meta_data`` instead.
    """
    if field.source == "custom_fields":
        return _custom_field_meta(field)
    vardef: dict[str, Any] = {
        "type": field.type,
        "dbType": field.db_type,
        "source": None if field.source == "db" else field.source,
        "relationship": field.relationship,
        "len": field.len,
        "precision": field.precision,
        "required": True if field.required else None,
        "default": field.default,
    }
    meta = {key: vardef[key] for key in written if vardef[key] is not None}
    meta.setdefault("required", False)
    meta.setdefault("dbType", field.type)
    return meta


def _custom_field_meta(field: Field) -> dict[str, Any]:
    """``TemplateField::get_field_def``: the keys in its order, ``default`` and
    ``comments`` always there, ``len`` and ``precision`` the table's strings.

    ``default`` is fields_meta_data's ``default_value``: ``''`` after a first install of
    the package (what the live suites compare with); an upgrade over 0.1.0 leaves it NULL.
    """
    meta: dict[str, Any] = {"required": field.required, "source": "custom_fields",
                            "type": field.type, "default": field.default or "",
                            "comments": ""}
    if field.len is not None:
        meta["len"] = str(field.len)
    if field.precision is not None:
        meta["precision"] = str(field.precision)
    meta["dbType"] = field.effective_db_type
    return meta


def _template_names(name: str) -> set[str]:
    """The fields a package module takes from SuiteCRM's templates as they are."""
    own = {f.name for f in declared_fields(name)}
    return {f.name for template in module(name).templates for f in TEMPLATE_FIELDS[template]
            if f.name not in own}


def relationships_of(fields: tuple[Field, ...]) -> dict[str, str]:
    """A record's ``relationships`` object: V8's ``VarDefHelper`` maps every link with a
    module to that module, and ``RelationshipObjectHelper`` keeps the first link per
    module (``asort`` is stable, ``array_unique`` keeps the first): Users is
    ``created_by_link``."""
    relationships: dict[str, str] = {}
    for field in fields:
        if field.type == "link" and field.module:
            relationships.setdefault(field.module, field.name)
    return relationships


def empty_values_of(fields: tuple[Field, ...]) -> dict[str, Any]:
    """Links that read as ``{}`` while empty: ``SugarBean::fill_in_relationship_fields``
    loads the link of a relate field whose id field is of type ``id`` when that id is
    empty, and V8 serialises the loaded ``Link2`` object as ``{}``. The templates' user
    links stay "": their id fields are not of type ``id``."""
    types = {f.name: f.type for f in fields}
    return {f.link: {} for f in fields
            if f.type == "relate" and f.module and f.link and types.get(f.id_name or "") == "id"}


def _module_file(name: str) -> dict[str, Any]:
    declared = module(name)
    fields = all_fields(name)
    from_templates = _template_names(name)
    links: dict[str, Any] = {link: {"module": "Users", "kind": "parent", "field": key}
                             for link, key in _USER_LINKS.items()}
    relate: dict[str, Any] = {
        relate_name: {"id_field": key, "module": "Users", "field": "full_name"}
        for relate_name, key in _USER_RELATE.items()
    }
    for rel in RELATIONSHIPS:
        if rel.rhs_module == name:
            links[rel.rhs_link] = {"module": rel.lhs_module, "kind": "parent",
                                   "field": rel.rhs_key}
            relate[rel.rhs_relate] = {"id_field": rel.rhs_key, "module": rel.lhs_module,
                                      "field": _NAME_FIELD.get(rel.lhs_module, "name")}
        if rel.lhs_module == name:
            links[rel.lhs_link] = {"module": rel.rhs_module, "kind": "children",
                                   "field": rel.rhs_key}
    counters = [f.name for f in fields if f.auto_increment]
    service = declared in SERVICE_MODULES
    return {
        "module": declared.name,
        "object_name": declared.object_name,
        "label": declared.label_plural,
        # A service module (the change outbox) has no tab: /meta/modules does not list it
        # and /meta/fields refuses it; only administrators reach its rows, and deleting one
        # removes it (its bean overrides ACLAccess and mark_deleted).
        "module_list": not service,
        "admin_only": service,
        "hard_delete": service,
        "counter": counters[0] if counters else "",
        "acl": True,
        "name_format": "plain",
        "fields": {f.name: field_meta(f, TEMPLATE_ORDER if f.name in from_templates
                                      else PACKAGE_ORDER) for f in fields},
        "empty_values": empty_values_of(fields),
        "create_defaults": {f.name: f.default for f in fields
                            if f.default is not None and f.source == "db"},
        "relationships": relationships_of(fields),
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
    files = {f"{m.name}.json": _module_file(m.name) for m in (*MODULES, *SERVICE_MODULES)}
    own = {m.name for m in (*MODULES, *SERVICE_MODULES)}
    cores = sorted({c.module for c in CUSTOM_FIELDS}
                   | {r.lhs_module for r in RELATIONSHIPS if r.lhs_module not in own})
    for core in cores:
        files[f"extends_{core}.json"] = _extension_file(core)
    return files

