"""Request parameters per V8 route, validated like SuiteCRM's ``ParamsMiddleware``.

SuiteCRM merges route arguments, query parameters and the parsed body into one array
(``array_merge``) and feeds it to a Symfony OptionsResolver: unknown names fail first,
then missing required ones, then each option is validated in the order it arrived.
Every failure here is a "parameter" error (400, ``application/json``). Record lookups
the resolver performs itself (the source record of a relationship route, the related
record named in a body) fail here too, which is why their "not found" answers are
``application/json`` while a plain GET of an unknown id is ``application/vnd.api+json``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from . import query
from .errors import (
    invalid_option,
    missing_option,
    params_error,
    service_error,
    undefined_options,
    wrong_type,
)
from .registry import ModuleSchema, SchemaRegistry
from .store import Row, Store

RECORD_ID = re.compile(
    r"^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$", re.IGNORECASE
)
UUID = re.compile(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$", re.I)


@dataclass(frozen=True, slots=True)
class RawRequest:
    route: dict[str, str]
    query: dict[str, Any]
    body: Any = None

    def merged(self) -> dict[str, Any]:
        merged: dict[str, Any] = dict(self.route)
        merged.update(self.query)
        if isinstance(self.body, dict):
            merged.update(self.body)
        return merged


@dataclass(frozen=True, slots=True)
class ListParams:
    schema: ModuleSchema
    fields: list[str] | None = None
    page: query.Page = field(default_factory=query.Page)
    sort: query.Sort | None = None
    where: query.Filter = field(default_factory=query.Filter)


@dataclass(frozen=True, slots=True)
class RecordParams:
    schema: ModuleSchema
    record_id: str
    fields: list[str] | None = None


@dataclass(frozen=True, slots=True)
class WriteParams:
    schema: ModuleSchema
    type_name: str
    record_id: str | None
    attributes: dict[str, Any]


@dataclass(frozen=True, slots=True)
class RelatedTarget:
    type_name: str
    record_id: str
    schema: ModuleSchema
    row: Row


@dataclass(frozen=True, slots=True)
class RelationshipParams:
    schema: ModuleSchema
    row: Row
    link_name: str = ""
    target: RelatedTarget | None = None
    related_id: str = ""
    list_params: ListParams | None = None


def _check_names(params: dict[str, Any], defined: list[str], required: list[str]) -> None:
    unknown = [name for name in params if name not in defined]
    if unknown:
        raise undefined_options(unknown, defined)
    missing = [name for name in required if name not in params]
    if len(missing) == 1:
        raise missing_option(missing[0])
    if missing:
        listed = ", ".join(f'"{name}"' for name in sorted(missing))
        raise params_error(f"The required options {listed} are missing.")


def module_schema(registry: SchemaRegistry, name: Any) -> ModuleSchema:
    if not isinstance(name, str):
        raise wrong_type("moduleName", name, "string")
    schema = registry.resolve(name)
    if schema is None:
        raise params_error(f"Module {name} does not exist")
    return schema


def record_id(value: Any, name: str = "id") -> str:
    if not isinstance(value, str):
        raise wrong_type(name, value, "string")
    if not RECORD_ID.match(value):
        raise invalid_option(name, value)
    return value


def source_row(store: Store, schema: ModuleSchema, rid: str) -> Row:
    row = store.get(schema.module, rid)
    if row is None:
        raise params_error(f"{schema.module} module with id {rid} is not found")
    return row


def list_params(registry: SchemaRegistry, raw: RawRequest) -> ListParams:
    params = raw.merged()
    _check_names(params, ["fields", "filter", "moduleName", "page", "sort"], ["moduleName"])
    schema = module_schema(registry, params["moduleName"])
    return _list_options(registry, schema, params, allow_fields=True)


def _list_options(
    registry: SchemaRegistry, schema: ModuleSchema, params: dict[str, Any], *, allow_fields: bool
) -> ListParams:
    found: dict[str, Any] = {}
    for name, value in params.items():
        if name == "fields" and allow_fields:
            found["fields"] = query.parse_fields(registry, value)
        elif name == "page":
            found["page"] = query.parse_page(value)
        elif name == "sort":
            found["sort"] = query.parse_sort(schema, value)
        elif name == "filter":
            found["where"] = query.parse_filter(schema, value)
    return ListParams(schema=schema, **found)


def record_params(registry: SchemaRegistry, raw: RawRequest, *, with_fields: bool) -> RecordParams:
    """GET/DELETE of one record. The module is not checked by the parameters here but
    by ``BeanManager::getBeanSafe`` in the service, hence its own (service) error."""
    params = raw.merged()
    defined = ["fields", "id", "moduleName"] if with_fields else ["id", "moduleName"]
    _check_names(params, defined, ["id", "moduleName"])
    name = params["moduleName"]
    if not isinstance(name, str):
        raise wrong_type("moduleName", name, "string")
    rid = record_id(params["id"])
    fields = query.parse_fields(registry, params["fields"]) if "fields" in params else None
    schema = registry.resolve(name)
    if schema is None:
        raise service_error(f"Module with name {name} is not found")
    return RecordParams(schema=schema, record_id=rid, fields=fields)


def write_params(registry: SchemaRegistry, raw: RawRequest, *, update: bool) -> WriteParams:
    params = raw.merged()
    _check_names(params, ["data"], ["data"])
    data = params["data"]
    if isinstance(data, list) and not data:
        data = {}
    if not isinstance(data, dict):
        raise wrong_type("data", data, "array")
    _check_names(data, ["attributes", "id", "type"], ["id", "type"] if update else ["type"])
    rid = data.get("id")
    if rid is not None:
        if not isinstance(rid, str):
            raise wrong_type("id", rid, "string")
        pattern = RECORD_ID if update else UUID
        if not rid or not pattern.match(rid):
            raise invalid_option("id", rid)
    type_name = data["type"]
    if not isinstance(type_name, str):
        raise wrong_type("type", type_name, "string")
    schema = registry.resolve(type_name)
    if schema is None:
        raise params_error(f"Module {type_name} does not exist")
    attributes = data.get("attributes", {})
    if isinstance(attributes, list) and not attributes:
        attributes = {}
    if not isinstance(attributes, dict):
        raise wrong_type("attributes", attributes, "array")
    for name in attributes:
        if name not in schema.fields:
            raise params_error(f"Property {name} in {schema.object_name} module is invalid")
    return WriteParams(schema=schema, type_name=type_name, record_id=rid, attributes=attributes)


def _source(
    registry: SchemaRegistry, store: Store, params: dict[str, Any]
) -> tuple[ModuleSchema, Row]:
    schema = module_schema(registry, params["moduleName"])
    rid = record_id(params["id"])
    return schema, source_row(store, schema, rid)


def link_name(schema: ModuleSchema, value: Any) -> str:
    if not isinstance(value, str) or schema.fields.get(value, {}).get("type") != "link":
        raise params_error(f"Cannot load relationship {value} for {schema.object_name} module")
    return value


def relationship_list_params(
    registry: SchemaRegistry, store: Store, raw: RawRequest
) -> RelationshipParams:
    params = raw.merged()
    defined = ["filter", "id", "linkFieldName", "moduleName", "page", "sort", "sourceBean"]
    _check_names(params, defined, ["id", "linkFieldName", "moduleName"])
    schema, row = _source(registry, store, params)
    link = link_name(schema, params["linkFieldName"])
    definition = schema.links.get(link)
    related = registry.resolve(definition.module) if definition else None
    options = {k: v for k, v in params.items() if k in {"page", "sort", "filter"}}
    if related is None:
        options = {k: v for k, v in options.items() if k == "page"}
    listing = _list_options(registry, related or schema, options, allow_fields=False)
    return RelationshipParams(schema=schema, row=row, link_name=link, list_params=listing)


def relationship_write_params(
    registry: SchemaRegistry, store: Store, raw: RawRequest, *, by_link: bool
) -> RelationshipParams:
    params = raw.merged()
    defined = ["data", "id", "moduleName", "relatedBean", "sourceBean"]
    required = ["data", "id", "moduleName"]
    if by_link:
        defined.append("linkFieldName")
        required.append("linkFieldName")
    _check_names(params, defined, required)
    schema, row = _source(registry, store, params)
    data = params["data"]
    if not isinstance(data, dict):
        raise wrong_type("data", data, "array")
    _check_names(data, ["id", "type"], ["id", "type"])
    type_name, rid = data["type"], data["id"]
    if not isinstance(type_name, str):
        raise wrong_type("type", type_name, "string")
    if not isinstance(rid, str):
        raise wrong_type("id", rid, "string")
    related = registry.resolve(type_name)
    found = store.get(related.module, rid) if related is not None else None
    if related is None or found is None:
        name = related.module if related is not None else type_name
        raise params_error(f"{name} module with id {rid} is not found")
    link = link_name(schema, params["linkFieldName"]) if by_link else ""
    target = RelatedTarget(type_name=type_name, record_id=rid, schema=related, row=found)
    return RelationshipParams(schema=schema, row=row, link_name=link, target=target)


def relationship_delete_params(
    registry: SchemaRegistry, store: Store, raw: RawRequest
) -> RelationshipParams:
    params = raw.merged()
    defined = ["id", "linkFieldName", "moduleName", "relatedBeanId", "sourceBean"]
    _check_names(params, defined, ["id", "linkFieldName", "moduleName", "relatedBeanId"])
    schema, row = _source(registry, store, params)
    link = link_name(schema, params["linkFieldName"])
    related_id = record_id(params["relatedBeanId"], "relatedBeanId")
    return RelationshipParams(schema=schema, row=row, link_name=link, related_id=related_id)
