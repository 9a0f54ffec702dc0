"""Records: read computed values and write rows the way a SugarBean save does.

Reading resolves what SuiteCRM fills on retrieve: person names from salutation, first
and last name; relate fields (``account_name``, ``parent_name``, ``assigned_user_name``
...) from the related row; ``email1`` and friends from the primary address row.

Writing follows ``ModuleService::createRecord``/``updateRecord`` and the bean's save:
stored fields are converted (see ``values``), non-db attributes are accepted and
dropped, ``email1``/``email2`` create or reuse a shared EmailAddresses row on create
only (a PATCH silently ignores them, recording 059), a relate id backed by a link
(``account_id`` of a Contact) re-points the link, timestamps and the acting user are
set unless the client sent them, calls and meetings get ``date_end`` from start plus
duration (only when the start came in the DB format, recording 056), cases get the
next ``case_number``, and Contacts, Leads, Opportunities and Cases write an Activity
Stream (SugarFeed) entry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from . import values
from .acl import Actor
from .links import Links
from .registry import ModuleSchema, SchemaRegistry
from .store import Row, Store
from .text import TextRules, guard_unescape

MAX_DEPTH = 3


class Records:
    """Reads and writes rows of every module; the services call it under the store lock."""

    def __init__(
        self,
        store: Store,
        registry: SchemaRegistry,
        clock: Callable[[], datetime],
        text: TextRules | None = None,
    ) -> None:
        self.store = store
        self.registry = registry
        self.clock = clock
        self.text = text or TextRules()
        self.links = Links(store, registry)

    def now(self) -> str:
        return values.db_now(self.clock())

    # ------------------------------------------------------------------ reading
    def value(self, schema: ModuleSchema, row: Row, name: str, depth: int = 0) -> Any:
        """The stored or computed value of one field (stored strings, ``None`` = NULL)."""
        if name == "id":
            return row["id"]
        if schema.is_stored(name):
            return row.get(name)
        if schema.name_format == "person" and name in {"name", "full_name"}:
            parts = (row.get("salutation"), row.get("first_name"), row.get("last_name"))
            return " ".join(str(p).strip() for p in parts if p and str(p).strip())
        relate = schema.relate.get(name)
        if relate is None or depth > MAX_DEPTH:
            return None
        if relate.email:
            return self._email_value(schema, row, relate.email, relate.field)
        if relate.link:
            link = schema.links[relate.link]
            found = self.links.related(schema, row, link)
            if not found:
                return None
            return self.value(self.registry[link.module], found[0], relate.field, depth + 1)
        module = row.get(relate.parent) if relate.parent else relate.module
        target_schema = self.registry.resolve(module) if isinstance(module, str) else None
        if target_schema is None:
            return None
        target = self.store.get(target_schema.module, row.get(relate.id_field))
        if target is None:
            return None
        return self.value(target_schema, target, relate.field, depth + 1)

    def _email_value(self, schema: ModuleSchema, row: Row, which: str, field: str) -> Any:
        links = self.store.emails_of(schema.module, row["id"])
        chosen = [link for link in links if link.primary == (which == "primary")]
        for link in chosen:
            address = self.store.get("EmailAddresses", link.email_id)
            if address is not None:
                return address.get(field)
        return None

    def addresses(self, schema: ModuleSchema, row: Row) -> list[str]:
        """Every address linked to a record (the ``email1`` filter joins them all)."""
        found = (
            self.store.get("EmailAddresses", link.email_id)
            for link in self.store.emails_of(schema.module, row["id"])
        )
        return [str(r.get("email_address") or "") for r in found if r is not None]

    def attributes(
        self,
        schema: ModuleSchema,
        row: Row,
        fields: list[str] | None = None,
        *,
        fill: Mapping[str, Any] | None = None,
        user_dates: bool = False,
    ) -> dict[str, Any]:
        """The ``attributes`` object of a record, in schema order. ``user_dates`` is the
        ``/current-user`` flavour: dates in the user's format, and the fields the other
        routes hide (``api_hidden``: sensitive or not ``api-visible``) shown."""
        wanted = set(fields) if fields is not None else None
        out: dict[str, Any] = {}
        for name in schema.attributes:
            if wanted is not None and name not in wanted:
                continue
            if name in schema.api_hidden and not user_dates:
                continue
            if fill and name in fill:
                value = fill[name]
                out[name] = self.text.show(schema.module, value, hooks=False) if isinstance(
                    value, str) else value
                continue
            raw = self.value(schema, row, name)
            if raw is None:
                out[name] = self._empty(schema, row, name)
                continue
            kind = schema.kind(name) if schema.is_stored(name) else "text"
            if raw and kind == "datetime" and user_dates:
                out[name] = values.user_datetime(raw)
            elif raw and kind in {"datetime", "date"}:
                out[name] = values.output(kind, raw)
            else:
                out[name] = self._shown(schema, name, raw)
        return out

    def _shown(self, schema: ModuleSchema, name: str, raw: Any) -> Any:
        """A value as V8 answers it: ``to_html`` (not for ``email1``, which SuiteCRM
        fills without it), plus the text guard's display hook on the record's own
        fields (relate values are read without the related record's hooks)."""
        if not isinstance(raw, str):
            return raw
        relate = schema.relate.get(name)
        if relate is not None and relate.email:
            return raw
        own = schema.is_stored(name) or relate is None
        return self.text.show(schema.module, raw, hooks=own)

    def _empty(self, schema: ModuleSchema, row: Row, name: str) -> Any:
        """How PHP shows an empty field: ``""`` unless the schema says otherwise; a
        single-record link object shows as ``{}`` only while nothing is linked."""
        empty = schema.empty_values.get(name, "")
        link = schema.links.get(name)
        if empty == {} and link is not None and link.kind == "parent" and row.get(link.field):
            return ""
        return empty

    # ------------------------------------------------------------------ writing
    def create(
        self,
        schema: ModuleSchema,
        attributes: Mapping[str, Any],
        *,
        record_id: str | None,
        actor: Actor,
    ) -> Row:
        row: Row = {"id": record_id or self.store.new_id()}
        for name in schema.fields:
            if name != "id" and schema.is_stored(name):
                row[name] = schema.default_for(name)
        deferred = self._apply(schema, row, attributes, creating=True)
        now = self.now()
        self._set_if_absent(schema, row, attributes, schema.created_field, now)
        self._set_if_absent(schema, row, attributes, schema.modified_field, now)
        self._set_if_absent(schema, row, attributes, "created_by", actor.user_id)
        self._set_if_absent(schema, row, attributes, "modified_user_id", actor.user_id)
        # Like ModuleService::createRecord, nobody is assigned unless the request says so
        # (recording 032): an owner-only user must assign their records to themselves.
        if schema.counter and not row.get(schema.counter):
            row[schema.counter] = str(self.store.next_number(schema.module, schema.counter))
        if "deleted" in schema.fields:
            row["deleted"] = "0"
        self.store.insert(schema.module, row)
        self._run_deferred(schema, row, deferred, actor)
        if schema.feed:
            self._write_feed(schema, row, actor)
        return row

    def update(
        self, schema: ModuleSchema, row: Row, attributes: Mapping[str, Any], *, actor: Actor
    ) -> Row:
        changes = {k: v for k, v in attributes.items() if k not in {"email1", "email2", "deleted"}}
        deferred = self._apply(schema, row, changes, creating=False)
        for name in schema.fields:
            # A second save writes every bool column, so NULL bools come back as "0".
            if schema.is_stored(name) and schema.kind(name) == "bool" and row.get(name) is None:
                row[name] = "0"
        self._set_if_absent(schema, row, changes, schema.modified_field, self.now(), force=True)
        self._set_if_absent(schema, row, changes, "modified_user_id", actor.user_id, force=True)
        self._run_deferred(schema, row, deferred, actor)
        if values.to_storage("bool", attributes.get("deleted", False)) == "1":
            self.delete(schema, row)
        return row

    def delete(self, schema: ModuleSchema, row: Row) -> None:
        if schema.hard_delete:  # a bean whose mark_deleted removes the row (the outbox)
            for gone in self._hard_deleted(schema, row):
                self.store.rows[schema.module].pop(gone, None)
                self.store.forget(schema.module, gone)
            return
        row["deleted"] = "1"
        if schema.modified_field in schema.fields:
            row[schema.modified_field] = self.now()
        self.store.forget(schema.module, row["id"])

    def _hard_deleted(self, schema: ModuleSchema, row: Row) -> list[str]:
        """The row, and with a counter every row numbered before it: the outbox's bean
        prunes a queue from its oldest end (``SCRM_OutboxChange::mark_deleted``)."""
        if not schema.counter:
            return [row["id"]]
        last = int(row.get(schema.counter) or 0)
        return [r["id"] for r in list(self.store.rows[schema.module].values())
                if int(r.get(schema.counter) or 0) <= last]

    def email_row(self, address: str, actor: Actor) -> Row:
        """The shared EmailAddresses row for an address (matched case-insensitively)."""
        caps = address.upper()
        for row in self.store.live("EmailAddresses"):
            if (row.get("email_address_caps") or "") == caps:
                return row
        schema = self.registry["EmailAddresses"]
        return self.create(schema, {"email_address": address}, record_id=None, actor=actor)

    def _set_if_absent(
        self,
        schema: ModuleSchema,
        row: Row,
        attributes: Mapping[str, Any],
        name: str,
        value: str,
        *,
        force: bool = False,
    ) -> None:
        if name not in schema.fields:
            return
        if name in attributes:
            return
        if force or row.get(name) in (None, ""):
            row[name] = value

    def _apply(
        self, schema: ModuleSchema, row: Row, attributes: Mapping[str, Any], *, creating: bool
    ) -> list[tuple[str, str, Any]]:
        deferred: list[tuple[str, str, Any]] = []
        start_in_db_format = False
        duration = schema.duration or {}
        for name, value in attributes.items():
            if name == "id":
                continue
            if schema.is_stored(name):
                kind = schema.kind(name)
                if kind == "datetime":
                    row[name], db_format = values.parse_datetime_input(value)
                    if name == duration.get("start"):
                        start_in_db_format = db_format and row[name] is not None
                else:
                    precision = schema.fields[name].get("precision")
                    row[name] = self._stored_text(
                        schema, name, kind, values.to_storage(kind, value, precision)
                    )
            elif name in schema.relate_writes:
                deferred.append(("link", schema.relate_writes[name], value))
            elif creating and name in {"email1", "email2"} and name in schema.relate:
                deferred.append(("email", name, value))
        for target, source in schema.uppercase.items():
            if creating or source in attributes:
                text = row.get(source)
                row[target] = text.upper() if isinstance(text, str) else None
        for target, source in schema.copy_fields.items():
            if source in attributes and target not in attributes:
                row[target] = row.get(source)
        for target, derived in schema.derived.items():
            if row.get(target) is None and row.get(derived.source) in derived.values:
                row[target] = derived.values[row[derived.source]]
        if duration and duration["end"] not in attributes:
            start = duration["start"]
            touched = duration["hours"] in attributes or duration["minutes"] in attributes
            recompute = (start in attributes and start_in_db_format) or (
                start not in attributes and touched
            )
            if recompute and row.get(start):
                row[duration["end"]] = values.add_duration(
                    row[start], row.get(duration["hours"]), row.get(duration["minutes"])
                )
        return deferred

    def _stored_text(self, schema: ModuleSchema, name: str, kind: str, stored: Any) -> Any:
        """Strings through SuiteCRM's sanitizer, the text guard and the connection."""
        if not isinstance(stored, str) or kind in {"datetime", "date", "bool", "int", "float"}:
            return stored
        if kind == "text":
            return self.text.save(schema.module, schema.fields[name], stored)
        return self.text.store(schema.module, stored)

    def _run_deferred(
        self, schema: ModuleSchema, row: Row, deferred: list[tuple[str, str, Any]], actor: Actor
    ) -> None:
        for action, name, value in deferred:
            if action == "link":
                self.links.replace(schema, row, schema.links[name], value)
            elif isinstance(value, str) and value.strip():
                address = self.email_row(value.strip(), actor)
                self.store.link_email(
                    address["id"], schema.module, row["id"], primary=name == "email1"
                )

    def _write_feed(self, schema: ModuleSchema, row: Row, actor: Actor) -> None:
        feed_schema = self.registry.resolve("SugarFeed")
        if feed_schema is None:
            return
        # The feed is written by a before_save hook that runs ahead of the text guard,
        # so it sees the name before the guard escaped it (and stores "????" for emoji).
        title = self.value(schema, row, "name") or ""
        if self.text.is_guarded(schema.module):
            title = guard_unescape(title)
        text = (
            "<b>{this.CREATED_BY}</b> "
            f"{{SugarFeed.{schema.feed}}} [{schema.module}:{row['id']}:{title}]"
        )
        assigned = row.get("assigned_user_id")  # the entry belongs to whoever the record does
        self.create(
            feed_schema,
            {
                "name": text,
                "related_module": schema.module,
                "related_id": row["id"],
                "assigned_user_id": assigned,
                "date_entered": row.get(schema.created_field),
                "date_modified": row.get(schema.created_field),
            },
            record_id=None,
            actor=actor,
        )
