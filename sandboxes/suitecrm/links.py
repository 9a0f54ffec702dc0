"""Link fields: find, add and remove the records on the other side of a link.

Four kinds cover the SuiteCRM relationships the sandbox models:

* ``many``: a many-to-many table named by ``relationship`` (contacts<->calls,
  accounts<->contacts, ...), the same name on both modules' links;
* ``children``: the related records carry this record's id in ``field`` (a Contact's
  ``notes`` are the Notes whose ``contact_id`` is the contact), and when ``type_field``
  is set also this module's name in it (``parent_type``/``parent_id`` links);
* ``parent``: this record carries the related id in ``field`` (a Note's ``contact``);
* ``email``: the shared EmailAddresses rows linked through ``email_addr_bean_rel``.
"""

from __future__ import annotations

from .registry import LinkDef, ModuleSchema, SchemaRegistry
from .store import Row, Store


class Links:
    """Link operations over the store, shared by relate fields and relationship routes."""

    def __init__(self, store: Store, registry: SchemaRegistry) -> None:
        self.store = store
        self.registry = registry

    def related(self, schema: ModuleSchema, row: Row, link: LinkDef) -> list[Row]:
        """Live records linked to ``row`` through ``link``, in link order."""
        store = self.store
        if link.kind == "many":
            ids = store.m2m.related(link.relationship, schema.module, row["id"])
            found = (store.get(link.module, related_id) for related_id in ids)
            return [r for r in found if r is not None]
        if link.kind == "children":
            return [
                r
                for r in store.live(link.module)
                if r.get(link.field) == row["id"]
                and (not link.type_field or r.get(link.type_field) == schema.module)
            ]
        if link.kind == "parent":
            if link.type_field and row.get(link.type_field) != link.module:
                return []
            parent = store.get(link.module, row.get(link.field))
            return [parent] if parent is not None else []
        links = store.emails_of(schema.module, row["id"])
        if link.primary_only:
            links = [entry for entry in links if entry.primary]
        found = (store.get("EmailAddresses", entry.email_id) for entry in links)
        return [r for r in found if r is not None]

    def add(self, schema: ModuleSchema, row: Row, link: LinkDef, other: Row) -> None:
        if link.kind == "many":
            self.store.m2m.add(
                link.relationship, schema.module, row["id"], link.module, other["id"]
            )
        elif link.kind == "children":
            other[link.field] = row["id"]
            if link.type_field:
                other[link.type_field] = schema.module
        elif link.kind == "parent":
            row[link.field] = other["id"]
            if link.type_field:
                row[link.type_field] = link.module
        else:
            self.store.link_email(other["id"], schema.module, row["id"], primary=link.primary_only)

    def remove(self, schema: ModuleSchema, row: Row, link: LinkDef, other: Row) -> bool:
        if link.kind == "many":
            return self.store.m2m.remove(
                link.relationship, schema.module, row["id"], link.module, other["id"]
            )
        if link.kind == "children":
            other[link.field] = None
            if link.type_field:
                other[link.type_field] = None
            return True
        if link.kind == "parent":
            row[link.field] = None
            if link.type_field:
                row[link.type_field] = None
            return True
        return self.store.unlink_email(other["id"], schema.module, row["id"])

    def replace(self, schema: ModuleSchema, row: Row, link: LinkDef, other_id: object) -> None:
        """Point a single-valued link at ``other_id`` (or at nothing when it is empty)."""
        for current in self.related(schema, row, link):
            self.remove(schema, row, link, current)
        other = self.store.get(link.module, other_id)
        if other is not None:
            self.add(schema, row, link, other)

    def link_for_module(self, schema: ModuleSchema, module: str) -> LinkDef | None:
        """The link SuiteCRM picks when only the related module is known: the first
        such link in field order (``notes`` before ``notes_parent``)."""
        for name in schema.fields:
            link = schema.links.get(name)
            if link is not None and link.module == module and not link.primary_only:
                return link
        return None
