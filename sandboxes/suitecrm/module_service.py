"""The ``/V8/module`` operations (``ModuleService`` in SuiteCRM) plus their ACL checks.

Callers hold the store lock. Errors raised here come from SuiteCRM's service layer and
are therefore ``application/vnd.api+json`` (see ``errors``).
"""

from __future__ import annotations

from typing import Any

from . import acl, documents, query
from .acl import Actor
from .errors import ACCESS_DENIED, NOT_ALLOWED, service_error
from .outbox import ChangeOutbox
from .params import ListParams, RecordParams, WriteParams
from .records import Records
from .registry import ModuleSchema
from .store import Row

ADMIN_ONLY_WRITES = frozenset({"Users"})


def ensure_module(actor: Actor, schema: ModuleSchema) -> None:
    if not acl.module_accessible(actor, schema):
        raise service_error(NOT_ALLOWED)


def ensure(actor: Actor, schema: ModuleSchema, action: str, row: Row | None) -> None:
    if not acl.allows(actor, schema, action, row):
        raise service_error(ACCESS_DENIED)


def visible_rows(actor: Actor, schema: ModuleSchema, rows: list[Row]) -> list[Row]:
    """Rows the actor may list: everything, or only owned rows on an ``owner`` level."""
    levels = {acl.level(actor, schema, "view"), acl.level(actor, schema, "list")}
    if "none" in levels:
        raise service_error(ACCESS_DENIED)
    if "owner" in levels:
        return [row for row in rows if acl.is_owner(row, actor.user_id)]
    return rows


class ModuleService:
    """List, read, create, update and delete records, with SuiteCRM's checks and order."""

    def __init__(self, records: Records) -> None:
        self.records = records
        self.outbox = ChangeOutbox(records)  # the package's hooks (only with the package)

    def _find(self, schema: ModuleSchema, record_id: str) -> Row:
        row = self.records.store.get(schema.module, record_id)
        if row is None:
            raise service_error(f"{schema.module} module with id {record_id} is not found")
        return row

    def _data(
        self, schema: ModuleSchema, row: Row, path: str, fields: list[str] | None = None
    ) -> dict[str, Any]:
        attributes = self.records.attributes(schema, row, fields)
        return documents.record(schema, row["id"], attributes, path)

    def get_record(self, actor: Actor, params: RecordParams, path: str) -> dict[str, Any]:
        schema = params.schema
        ensure_module(actor, schema)
        row = self._find(schema, params.record_id)
        ensure(actor, schema, "view", row)
        return documents.document(self._data(schema, row, path, params.fields))

    def get_records(
        self, actor: Actor, params: ListParams, path: str, raw_query: dict[str, Any]
    ) -> dict[str, Any]:
        schema = params.schema
        ensure_module(actor, schema)
        query.check_columns(schema, params.where, params.sort)
        store = self.records.store
        if params.where.deleted:
            rows = [r for r in store.rows[schema.module].values() if r.get("deleted") == "1"]
        else:
            rows = store.live(schema.module)
        rows = visible_rows(actor, schema, rows)
        selected = query.select(
            schema, rows, params.where, params.sort, self.records.value, self.records.addresses
        )
        page_rows = query.paginate(selected, params.page)
        if params.where.deleted and page_rows:
            # SuiteCRM finds the deleted ids, then fails to load the first one (recording 105).
            raise service_error(f"{schema.module} module with id {page_rows[0]['id']} is not found")
        data = [self._data(schema, row, f"{path}/{row['id']}", params.fields) for row in page_rows]
        if not data or params.page.size is None:
            return documents.document(data)
        total = query.total_pages(len(selected), params.page.size)
        meta = {"total-pages": total, "records-on-this-page": len(data)}
        links = documents.pagination_links(path, raw_query, total, params.page.number)
        return documents.document(data, meta, links)

    def create(self, actor: Actor, params: WriteParams, path: str) -> dict[str, Any]:
        schema = params.schema
        ensure_module(actor, schema)
        store = self.records.store
        if params.record_id is not None and store.get(
            schema.module, params.record_id, include_deleted=True
        ):
            raise service_error(
                f"Bean {params.type_name} with id {params.record_id} is already exist"
            )
        ensure(actor, schema, "edit", None)
        if schema.module in ADMIN_ONLY_WRITES and not actor.is_admin:
            raise service_error(ACCESS_DENIED)
        row = self.records.create(
            schema, params.attributes, record_id=params.record_id, actor=actor
        )
        self.outbox.saved(schema, None, row, actor, params.attributes)
        return documents.document(self._data(schema, row, f"{path}/{row['id']}"))

    def update(self, actor: Actor, params: WriteParams, path: str) -> dict[str, Any]:
        schema = params.schema
        ensure_module(actor, schema)
        row = self._find(schema, str(params.record_id))
        ensure(actor, schema, "edit", row)
        if schema.module in ADMIN_ONLY_WRITES and not actor.is_admin and row["id"] != actor.user_id:
            raise service_error(ACCESS_DENIED)
        if "deleted" in params.attributes:
            ensure(actor, schema, "delete", row)
        before = dict(row)
        self.records.update(schema, row, params.attributes, actor=actor)
        self.outbox.saved(schema, before, row, actor, params.attributes)
        data = self._data(schema, row, f"{path}/{row['id']}")
        if row.get("deleted") == "1":
            self._as_left_by_the_save(data["attributes"], params.attributes, actor)
        return documents.document(data)

    def _as_left_by_the_save(
        self, attributes: dict[str, Any], sent: dict[str, Any], actor: Actor
    ) -> None:
        """A PATCH with ``deleted`` cannot re-read the record it just deleted: SuiteCRM
        answers from the bean as the save left it (measured by the differential check):
        ``deleted`` as sent, no ``date_entered``, the user *name* as ``modified_by_name``."""
        user = self.records.store.get("Users", actor.user_id) or {}
        for name, value in (("deleted", sent.get("deleted")), ("date_entered", ""),
                            ("modified_by_name", user.get("user_name") or "")):
            if name in attributes:
                attributes[name] = value

    def delete(self, actor: Actor, params: RecordParams) -> dict[str, Any]:
        schema = params.schema
        ensure_module(actor, schema)
        row = self._find(schema, params.record_id)
        ensure(actor, schema, "delete", row)
        if schema.module in ADMIN_ONLY_WRITES and not actor.is_admin:
            raise service_error(ACCESS_DENIED)
        self.records.delete(schema, row)
        self.outbox.deleted(schema, row, actor)
        return documents.message(f"Record with id {row['id']} is deleted")
