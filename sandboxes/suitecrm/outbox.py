"""The SocialCRM package's change outbox, as its logic hooks fill it in a real SuiteCRM.

With the package installed (``with_plugin``), every create, update and delete that goes
through V8 on a module the package hooks (``plugin.model.HOOKED_MODULES``) appends one
row to ``SCRM_ChangeOutbox`` in the same request, as ``SCRM_OutboxWriter`` does inside
the save: the next ``sequence`` (the table's auto-increment), the record's module and id,
the action, the names of the fields a create set or an update changed (never values,
bookkeeping fields left out, a save that changed nothing writes nothing), the assignee
(still known for a delete), the user who made the change as the row's
``modified_user_id``/``created_by``, and the record's ``date_modified`` and the time of the
change as ISO 8601 UTC with seconds. A ``PATCH`` with ``"deleted": 1`` is a delete.
For a create the sandbox lists the fields sent or computed; a real SuiteCRM's beans also
fill some in their own save (a Call's reminder times, the maps' coordinates on Contacts),
which it lists too and the sandbox does not model (tests/live/test_outbox_v8.py).

Outbox rows themselves run no hook, and only administrators reach them; deleting one
removes it and every older row (``admin_only`` and ``hard_delete`` in its schema, see
``acl`` and ``records``).
Writes the sandbox makes for itself (seeding, ``create_record``) are not user changes and
append nothing, like rows a SuiteCRM had before the package was installed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from plugin.model import HOOKED_MODULES, OUTBOX

from .acl import Actor
from .records import Records
from .registry import ModuleSchema
from .store import Row

# SCRM_ChangeEvent::$bookkeeping: fields every save touches, which say nothing.
BOOKKEEPING = frozenset(
    {"id", "deleted", "date_entered", "date_modified", "created_by", "modified_user_id"})


class ChangeOutbox:
    """Appends outbox rows for the changes the V8 services make (callers hold the lock)."""

    def __init__(self, records: Records) -> None:
        self.records = records
        self.schema: ModuleSchema | None = records.registry.resolve(OUTBOX.name)

    def follows(self, schema: ModuleSchema) -> bool:
        return self.schema is not None and schema.module in HOOKED_MODULES

    def saved(self, schema: ModuleSchema, before: Mapping[str, Any] | None, row: Row,
              actor: Actor, sent: Mapping[str, Any]) -> None:
        """After a create (``before`` is None) or an update of ``row`` with ``sent``."""
        if not self.follows(schema):
            return
        if before is not None and row.get("deleted") == "1" and before.get("deleted") != "1":
            # A delete by save is stamped with the date the save stored, as the hook does.
            self._append(schema, row, "delete", [], actor, row.get(schema.modified_field))
            return
        changed = _set_fields(schema, row, sent) if before is None else _changed_fields(
            schema, before, row)
        if before is not None and not changed:
            return
        self._append(schema, row, "create" if before is None else "update", changed,
                     actor, row.get(schema.modified_field))

    def deleted(self, schema: ModuleSchema, row: Row, actor: Actor) -> None:
        if self.follows(schema):
            self._append(schema, row, "delete", [], actor, None)

    def _append(self, schema: ModuleSchema, row: Row, action: str, changed: list[str],
                actor: Actor, date_modified: Any) -> None:
        assert self.schema is not None
        now = self.records.now()
        occurred = _iso(now)
        self.records.create(self.schema, {
            "name": f"{schema.module} {action} {row['id']}",
            "record_module": schema.module,
            "record_id": row["id"],
            "action": action,
            "changed_fields": ",".join(changed),
            "record_assigned_user_id": row.get("assigned_user_id"),
            "record_date_modified": _iso(date_modified) if date_modified else occurred,
            "occurred_at": occurred,
        }, record_id=None, actor=actor)


def _stored(schema: ModuleSchema) -> list[str]:
    return [name for name in schema.fields
            if schema.is_stored(name) and name not in BOOKKEEPING]


def _set_fields(schema: ModuleSchema, row: Mapping[str, Any],
                sent: Mapping[str, Any]) -> list[str]:
    """What a create set: the bean holds what was sent or computed, while a column's
    default is filled by the INSERT and never reaches the bean the hook sees."""
    return sorted(name for name in _stored(schema) if row.get(name) not in (None, "")
                  and name != schema.counter  # numbered by the INSERT: not in the bean
                  and (name in sent or row.get(name) != schema.default_for(name)))


def _changed_fields(schema: ModuleSchema, before: Mapping[str, Any],
                    after: Mapping[str, Any]) -> list[str]:
    return sorted(name for name in _stored(schema)
                  if (before.get(name) or "") != (after.get(name) or ""))


def _iso(db_datetime: str) -> str:
    """``Y-m-d H:i:s`` (UTC) as ``Y-m-dTH:i:sZ``."""
    return db_datetime.replace(" ", "T") + "Z"
