"""Module schemas: load the JSON files that describe each SuiteCRM module.

A module's JSON file is the single place that says which fields it has (the exact
``/meta/fields`` entries, whose order is also the attribute order of a full record),
what an empty field looks like on output, which links exist and what they mean, and
which read-only values are computed from other records. The package docstring
documents the format; this module only turns the files into frozen objects and merges
``"extends"`` files (custom fields added by a package) into the module they extend.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .package_schema import sandbox_schema

BUILTIN_DIR = Path(__file__).parent / "schema" / "modules"
SWAGGER_FILE = Path(__file__).parent / "schema" / "swagger.json"

NON_STORED_SOURCES = frozenset({"non-db", "function"})
LINK_KINDS = frozenset({"many", "children", "parent", "email"})


class SchemaError(ValueError):
    """A schema file is malformed; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class LinkDef:
    """What a link field means: how to find, add and remove related records."""

    name: str
    module: str
    kind: str
    relationship: str = ""
    field: str = ""
    type_field: str = ""
    primary_only: bool = False
    fill: Mapping[str, str] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RelateDef:
    """A read-only value taken from another record (or an email address row)."""

    name: str
    field: str
    id_field: str = ""
    module: str = ""
    link: str = ""
    parent: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class DerivedDef:
    """A stored field a save fills from another one when it is still empty
    (an Opportunity's ``probability`` from its ``sales_stage``)."""

    source: str
    values: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class ModuleSchema:
    """Everything the sandbox knows about one module."""

    module: str
    object_name: str
    label: str
    module_list: bool
    acl: bool
    name_format: str
    fields: Mapping[str, Mapping[str, Any]]
    empty_values: Mapping[str, Any]
    create_defaults: Mapping[str, str]
    relationships: Mapping[str, str]
    links: Mapping[str, LinkDef]
    relate: Mapping[str, RelateDef]
    relate_writes: Mapping[str, str]
    copy_fields: Mapping[str, str]
    uppercase: Mapping[str, str]
    derived: Mapping[str, DerivedDef] = dataclasses.field(default_factory=dict)
    api_hidden: frozenset[str] = frozenset()
    feed: str = ""
    counter: str = ""
    admin_only: bool = False
    hard_delete: bool = False
    duration: Mapping[str, str] | None = None
    created_field: str = "date_entered"
    modified_field: str = "date_modified"
    stored: frozenset[str] = frozenset()
    kinds: Mapping[str, str] = dataclasses.field(default_factory=dict)

    @property
    def attributes(self) -> tuple[str, ...]:
        """Attribute keys of a full record, in order (every field except ``id``)."""
        return tuple(name for name in self.fields if name != "id")

    def is_stored(self, name: str) -> bool:
        """True for database columns (custom fields included), false for non-db fields."""
        return name in self.stored

    def kind(self, name: str) -> str:
        """The value family of a field: datetime, date, bool, int, float, multienum, text."""
        return self.kinds.get(name, "text")

    def default_for(self, name: str) -> str | None:
        """The value a new record stores when the client sends nothing for ``name``."""
        if name in self.create_defaults:
            return self.create_defaults[name]
        default = self.fields[name].get("default")
        if default is None or default == "":
            return None
        if isinstance(default, bool):
            return "1" if default else "0"
        return str(default)


class SchemaRegistry:
    """All module schemas, looked up by module name or by object name (an alias)."""

    def __init__(self, modules: Mapping[str, ModuleSchema]) -> None:
        self.modules: Mapping[str, ModuleSchema] = MappingProxyType(dict(modules))
        self._aliases = {schema.object_name: name for name, schema in self.modules.items()}

    def resolve(self, name: str) -> ModuleSchema | None:
        schema = self.modules.get(name)
        if schema is None and name in self._aliases:
            schema = self.modules[self._aliases[name]]
        return schema

    def __getitem__(self, module: str) -> ModuleSchema:
        return self.modules[module]


def load_registry(extra_dirs: Iterable[Path | str] = (), *,
                  with_package: bool = False) -> SchemaRegistry:
    """Load the built-in module files, the SocialCRM package's modules and fields when
    ``with_package`` (built from ``plugin.model`` itself, so the sandbox always serves
    what the package installs), then every ``*.json`` in ``extra_dirs``.

    Bodies with ``"module"`` define (or replace) a module; bodies with ``"extends"`` add
    fields and settings to one, after all modules are loaded. Schemas are immutable, so
    each combination is built once per process and shared.
    """
    return _load(tuple(Path(d).resolve() for d in extra_dirs), with_package)


@functools.cache
def _load(extra_dirs: tuple[Path, ...], with_package: bool) -> SchemaRegistry:
    sources: list[tuple[str, dict[str, Any]]] = [
        (path.name, _read(path)) for path in sorted(BUILTIN_DIR.glob("*.json"))]
    if with_package:
        # Through JSON, as the recorded files are: tuples become lists, keys strings.
        sources += sorted(json.loads(json.dumps(sandbox_schema())).items())
    for directory in extra_dirs:
        sources += [(path.name, _read(path)) for path in sorted(directory.glob("*.json"))]
    raw: dict[str, dict[str, Any]] = {}
    extensions: list[tuple[str, dict[str, Any]]] = []
    for name, body in sources:
        if "module" in body:
            raw[body["module"]] = body
        elif "extends" in body:
            extensions.append((name, body))
        else:
            raise SchemaError(f"{name}: needs a 'module' or an 'extends' key")
    for name, body in extensions:
        target = raw.get(body["extends"])
        if target is None:
            raise SchemaError(f"{name}: extends unknown module {body['extends']!r}")
        _merge(target, body)
        # SuiteCRM lists every link whose vardef names a module in a record's
        # "relationships" object: a package's links too.
        relationships = target.setdefault("relationships", {})
        for name, spec in (body.get("links") or {}).items():
            relationships.setdefault(spec["module"], name)
    return SchemaRegistry({name: _build(body) for name, body in raw.items()})


def load_swagger() -> dict[str, Any]:
    return _read(SWAGGER_FILE)


def _read(path: Path) -> dict[str, Any]:
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SchemaError(f"{path.name}: not valid JSON ({exc})") from exc
    if not isinstance(body, dict):
        raise SchemaError(f"{path.name}: the top level must be an object")
    return body


def _is_custom(meta: Mapping[str, Any]) -> bool:
    return meta.get("source") == "custom_fields"


def _merge_fields(own: Mapping[str, Any], added: Mapping[str, Any]) -> dict[str, Any]:
    """Vardef extensions (links) land after the module's own fields, custom fields
    (``_cstm`` columns) after all of them, as in SuiteCRM's vardef cache."""
    fields = {**own, **added}
    plain = [name for name, meta in fields.items() if not _is_custom(meta)]
    custom = [name for name, meta in fields.items() if _is_custom(meta)]
    return {name: fields[name] for name in (*plain, *custom)}


def _merge(target: dict[str, Any], extension: Mapping[str, Any]) -> None:
    for key, value in extension.items():
        if key == "extends":
            continue
        if key == "fields":
            target[key] = _merge_fields(target.get(key) or {}, value)
        elif isinstance(value, dict):
            merged = dict(target.get(key) or {})
            merged.update(value)
            target[key] = merged
        else:
            target[key] = value


def _is_stored(meta: Mapping[str, Any]) -> bool:
    return meta.get("source") not in NON_STORED_SOURCES and meta.get("type") != "link"


def _kind(meta: Mapping[str, Any]) -> str:
    type_ = str(meta.get("type", ""))
    db = str(meta.get("dbType", type_))
    if type_ == "bool":
        return "bool"
    if db == "datetime" or type_ in {"datetime", "datetimecombo"}:
        return "datetime"
    if db == "date" or type_ == "date":
        return "date"
    if db == "int" or type_ == "int":
        return "int"
    if db in {"double", "float", "decimal"} or type_ in {"float", "decimal", "currency"}:
        return "float"
    if type_ == "multienum":
        return "multienum"
    return "text"


def _build(body: Mapping[str, Any]) -> ModuleSchema:
    module = body["module"]
    fields = {name: MappingProxyType(dict(meta)) for name, meta in body["fields"].items()}
    if "id" not in fields:
        raise SchemaError(f"{module}: every module needs an 'id' field")
    links = {}
    for name, spec in (body.get("links") or {}).items():
        if spec.get("kind") not in LINK_KINDS:
            raise SchemaError(f"{module}: link {name!r} has an unknown kind {spec.get('kind')!r}")
        links[name] = LinkDef(
            name=name,
            module=spec["module"],
            kind=spec["kind"],
            relationship=spec.get("relationship", ""),
            field=spec.get("field", ""),
            type_field=spec.get("type_field", ""),
            primary_only=bool(spec.get("primary_only", False)),
            fill=MappingProxyType(dict(spec.get("fill") or {})),
        )
    relate = {
        name: RelateDef(
            name=name,
            field=spec.get("field", ""),
            id_field=spec.get("id_field", ""),
            module=spec.get("module", ""),
            link=spec.get("link", ""),
            parent=spec.get("parent", ""),
            email=spec.get("email", ""),
        )
        for name, spec in (body.get("relate") or {}).items()
    }
    timestamps = body.get("timestamps") or {}
    relationships = body.get("relationships") or {}
    return ModuleSchema(
        module=module,
        object_name=body.get("object_name", module),
        label=body.get("label", module),
        module_list=bool(body.get("module_list", False)),
        acl=bool(body.get("acl", True)),
        name_format=body.get("name_format", "plain"),
        fields=MappingProxyType(fields),
        empty_values=MappingProxyType(dict(body.get("empty_values") or {})),
        create_defaults=MappingProxyType(dict(body.get("create_defaults") or {})),
        relationships=MappingProxyType(dict(relationships)),
        links=MappingProxyType(links),
        relate=MappingProxyType(relate),
        relate_writes=MappingProxyType(dict(body.get("relate_writes") or {})),
        copy_fields=MappingProxyType(dict(body.get("copy_fields") or {})),
        uppercase=MappingProxyType(dict(body.get("uppercase") or {})),
        api_hidden=frozenset(body.get("api_hidden") or ()),
        derived=MappingProxyType({
            name: DerivedDef(spec["from"], MappingProxyType(dict(spec["values"])))
            for name, spec in (body.get("derived") or {}).items()
        }),
        feed=body.get("feed", ""),
        counter=body.get("counter", ""),
        admin_only=bool(body.get("admin_only", False)),
        hard_delete=bool(body.get("hard_delete", False)),
        duration=MappingProxyType(dict(body["duration"])) if body.get("duration") else None,
        created_field=timestamps.get("created", "date_entered"),
        modified_field=timestamps.get("modified", "date_modified"),
        stored=frozenset(name for name, meta in fields.items() if _is_stored(meta)),
        kinds=MappingProxyType({name: _kind(meta) for name, meta in fields.items()}),
    )
