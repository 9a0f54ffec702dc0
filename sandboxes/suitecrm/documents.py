"""JSON:API documents shaped like SuiteCRM's ``DocumentResponse`` and friends.

Key order is part of the shape: a document is ``meta``, ``data``, ``links``; an empty
document without meta gets ``"Request was successful, but there is no result"``; a
record is ``type``, ``id``, ``attributes``, ``relationships`` (an empty relationships
object serialises as ``[]``, PHP's empty array). Relationship links are built from the
request path exactly as SuiteCRM does, which is why a POST or PATCH answer points to
``V8/module/{id}/relationships/...`` without the module name (a real bug we copy).
"""

from __future__ import annotations

import copy
from typing import Any

from .phpquery import build_query
from .registry import ModuleSchema

NO_RESULT = "Request was successful, but there is no result"


def relationships_object(schema: ModuleSchema, path: str) -> dict[str, Any] | list[Any]:
    """``RelationshipObjectHelper``: one link per related module, sorted by module name
    (PHP's ``asort``), so links added by a package land in their place."""
    links = {
        module: {"links": {"related": f"{path}/relationships/{link}"}}
        for module, link in sorted(schema.relationships.items())
    }
    return links or []


def record(
    schema: ModuleSchema, record_id: str, attributes: dict[str, Any], path: str
) -> dict[str, Any]:
    return {
        "type": schema.object_name,
        "id": record_id,
        "attributes": attributes,
        "relationships": relationships_object(schema, path),
    }


def related_record(
    schema: ModuleSchema, record_id: str, attributes: dict[str, Any]
) -> dict[str, Any]:
    return {
        "type": schema.object_name,
        "id": record_id,
        "attributes": attributes,
        "links": {"self": f"V8/module/{schema.object_name}/{record_id}"},
    }


def document(
    data: Any, meta: dict[str, Any] | None = None, links: dict[str, Any] | None = None
) -> dict[str, Any]:
    if not data and not meta:
        meta = {"message": NO_RESULT}
    body: dict[str, Any] = {}
    if meta:
        body["meta"] = meta
    body["data"] = data
    if links:
        body["links"] = links
    return body


def message(text: str, **extra: Any) -> dict[str, Any]:
    return document([], meta={"message": text, **extra})


def pagination_links(path: str, query: dict[str, Any], total: int, number: int) -> dict[str, Any]:
    """``PaginationObjectHelper::getPaginationLinks``, including its off-by-one: with no
    ``page[number]`` the current page counts as 0, so ``next`` points to page 1."""
    links: dict[str, Any] = {"first": None, "prev": None, "next": None, "last": None}
    if number > 1:
        links["first"] = _page_link(path, query, 1)
        links["prev"] = _page_link(path, query, number - 1)
    if number + 1 <= total:
        links["next"] = _page_link(path, query, number + 1)
        links["last"] = _page_link(path, query, total)
    return links


def _page_link(path: str, query: dict[str, Any], number: int) -> str:
    params = copy.deepcopy(query)
    page = params.get("page")
    if not isinstance(page, dict):
        page = {}
        params["page"] = page
    page["number"] = str(number)
    return f"{path}?{build_query(params)}"
