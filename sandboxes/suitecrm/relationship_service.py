"""The ``/V8/module/{M}/{id}/relationships`` operations (SuiteCRM's ``RelationshipService``).

Listing returns full related records with ``links.self`` (``V8/module/{Object}/{id}``),
meta ``total-records``/``total-pages``/``records-on-this-page``, and pagination links
only when ``page[size]`` is given; an empty result is the meta message "There is no
relationship set in ...". Records the user may not view are skipped silently. A link
the sandbox does not model (``bugs``, ``project`` ...) simply has no related records.
"""

from __future__ import annotations

from typing import Any

from . import acl, documents, query
from .acl import Actor
from .errors import ACCESS_DENIED, service_error
from .module_service import ensure, ensure_module
from .params import RelationshipParams
from .records import Records
from .registry import ModuleSchema
from .store import Row


class RelationshipService:
    """List, add and remove related records through a module's link fields."""

    def __init__(self, records: Records) -> None:
        self.records = records

    def _ensure_source(self, actor: Actor, schema: ModuleSchema, row: Row, *, write: bool) -> None:
        ensure_module(actor, schema)
        for action in ("view", "list", "edit") if write else ("view", "list"):
            ensure(actor, schema, action, row)

    def _readable(self, actor: Actor, schema: ModuleSchema, row: Row) -> bool:
        return (
            acl.module_accessible(actor, schema)
            and acl.allows(actor, schema, "view", row)
            and acl.allows(actor, schema, "list", row)
        )

    def get(
        self, actor: Actor, params: RelationshipParams, path: str, raw_query: dict[str, Any]
    ) -> dict[str, Any]:
        schema, row = params.schema, params.row
        self._ensure_source(actor, schema, row, write=False)
        link = schema.links.get(params.link_name)
        related_schema = self.records.registry.resolve(link.module) if link else None
        listing = params.list_params
        assert listing is not None
        rows: list[Row] = []
        if link is not None and related_schema is not None:
            rows = self.records.links.related(schema, row, link)
            rows = query.select(
                related_schema,
                rows,
                listing.where,
                listing.sort,
                self.records.value,
                self.records.addresses,
            )
        page = listing.page
        chosen = query.paginate(rows, page) if page.size is not None else rows
        data = []
        if link is not None and related_schema is not None:
            fill = {
                name: self.records.value(schema, row, source) for name, source in link.fill.items()
            }
            for other in chosen:
                if not self._readable(actor, related_schema, other):
                    continue
                attributes = self.records.attributes(related_schema, other, fill=fill)
                data.append(documents.related_record(related_schema, other["id"], attributes))
        if not chosen:  # rows hidden by ACL still give meta and links, as SuiteCRM does
            return documents.message(
                f"There is no relationship set in {schema.object_name} module "
                f"with {params.link_name} link field"
            )
        links = None
        if page.size is not None:
            total_records = len(rows)
            total = query.total_pages(total_records, page.size)
            links = documents.pagination_links(path, raw_query, total, page.number)
        else:
            total_records, total = len(data), 1
        meta = {
            "total-records": total_records,
            "total-pages": total,
            "records-on-this-page": len(data),
        }
        return documents.document(data, meta, links)

    def _prepare_target(self, actor: Actor, params: RelationshipParams) -> tuple[ModuleSchema, Row]:
        self._ensure_source(actor, params.schema, params.row, write=True)
        target = params.target
        assert target is not None
        ensure_module(actor, target.schema)
        if not self._readable(actor, target.schema, target.row):
            raise service_error(ACCESS_DENIED)
        return target.schema, target.row

    def create(self, actor: Actor, params: RelationshipParams) -> dict[str, Any]:
        schema, row = params.schema, params.row
        other_schema, other = self._prepare_target(actor, params)
        link = self.records.links.link_for_module(schema, other_schema.module)
        if link is None:
            raise service_error(
                f"Link field has not found in {schema.object_name} to determine relationship "
                f"for {other_schema.object_name}"
            )
        self.records.links.add(schema, row, link, other)
        return documents.message(
            f"{other_schema.object_name} with id {other['id']} has been added to "
            f"{schema.object_name} with id {row['id']}"
        )

    def create_by_link(self, actor: Actor, params: RelationshipParams) -> dict[str, Any]:
        schema, row = params.schema, params.row
        other_schema, other = self._prepare_target(actor, params)
        link = schema.links.get(params.link_name)
        # Link2::add does not check the related module: a record of another module is
        # "related" all the same (a many-to-many row pointing at nothing the link can
        # list), and the answer is a success.
        if link is not None and link.module == other_schema.module:
            self.records.links.add(schema, row, link, other)
        elif link is not None and link.kind == "many":
            self.records.store.m2m.add(
                link.relationship, schema.module, row["id"], link.module, other["id"]
            )
        return documents.message(
            f"{other_schema.label} record with id {other['id']} has been related to "
            f"{schema.label} record with id {row['id']} using link {params.link_name}",
            sourceModule=schema.module,
            sourceModuleLabel=schema.label,
            sourceId=row["id"],
            relatedModule=other_schema.module,
            relatedModuleLabel=other_schema.label,
            relatedId=other["id"],
            relationshipLink=params.link_name,
        )

    def delete(self, actor: Actor, params: RelationshipParams) -> dict[str, Any]:
        schema, row = params.schema, params.row
        self._ensure_source(actor, schema, row, write=True)
        link = schema.links.get(params.link_name)
        related = self.records.links.related(schema, row, link) if link else []
        other = next((r for r in related if r["id"] == params.related_id), None)
        if link is None or other is None:
            raise service_error(
                f"Module with {params.related_id} id is not related to {schema.object_name}"
            )
        other_schema = self.records.registry[link.module]
        if not self._readable(actor, other_schema, other):
            raise service_error(ACCESS_DENIED)
        self.records.links.remove(schema, row, link, other)
        return documents.message(
            f"Relationship has been deleted between {schema.object_name} with id {row['id']} "
            f"and {other_schema.object_name} with id {other['id']}"
        )
