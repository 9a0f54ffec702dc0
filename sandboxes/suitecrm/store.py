"""The in-memory database: rows per module, relationship tables, email address links.

One re-entrant lock guards everything; the service layer holds it for a whole request,
so each API call sees and leaves a consistent state (like a transaction per request).
Rows are plain dicts of stored strings (``None`` is SQL NULL); a deleted row stays with
``deleted = "1"`` as in SuiteCRM, so a later create with the same id still conflicts.
Ids come from a seeded RNG so a run is reproducible.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from typing import Any

Row = dict[str, Any]


@dataclass(slots=True)
class EmailLink:
    """A row of ``email_addr_bean_rel``: one address used by one record."""

    email_id: str
    module: str
    bean_id: str
    primary: bool


class ManyToMany:
    """Rows of the many-to-many relationship tables, keyed by relationship name."""

    def __init__(self) -> None:
        self._pairs: dict[str, dict[tuple[str, str, str, str], None]] = {}
        self._index: dict[tuple[str, str, str], dict[str, None]] = {}

    def add(self, relationship: str, module_a: str, id_a: str, module_b: str, id_b: str) -> None:
        key = _pair_key(module_a, id_a, module_b, id_b)
        pairs = self._pairs.setdefault(relationship, {})
        if key in pairs:
            return
        pairs[key] = None
        self._index.setdefault((relationship, module_a, id_a), {})[id_b] = None
        self._index.setdefault((relationship, module_b, id_b), {})[id_a] = None

    def remove(self, relationship: str, module_a: str, id_a: str, module_b: str, id_b: str) -> bool:
        key = _pair_key(module_a, id_a, module_b, id_b)
        pairs = self._pairs.get(relationship, {})
        if key not in pairs:
            return False
        del pairs[key]
        self._index.get((relationship, module_a, id_a), {}).pop(id_b, None)
        self._index.get((relationship, module_b, id_b), {}).pop(id_a, None)
        return True

    def related(self, relationship: str, module: str, record_id: str) -> list[str]:
        return list(self._index.get((relationship, module, record_id), {}))

    def forget(self, module: str, record_id: str) -> None:
        """Drop every pair a deleted record takes part in (``mark_relationships_deleted``)."""
        for relationship, pairs in self._pairs.items():
            for key in [
                k
                for k in pairs
                if (k[0], k[1]) == (module, record_id) or (k[2], k[3]) == (module, record_id)
            ]:
                self.remove(relationship, key[0], key[1], key[2], key[3])


def _pair_key(module_a: str, id_a: str, module_b: str, id_b: str) -> tuple[str, str, str, str]:
    if (module_a, id_a) <= (module_b, id_b):
        return (module_a, id_a, module_b, id_b)
    return (module_b, id_b, module_a, id_a)


class Store:
    """All sandbox data. Callers hold ``lock`` around any read-modify-write."""

    def __init__(self, modules: list[str], rng_seed: int) -> None:
        self.lock = threading.RLock()
        self.rng = random.Random(rng_seed)
        self.rows: dict[str, dict[str, Row]] = {module: {} for module in modules}
        self.m2m = ManyToMany()
        self.email_links: list[EmailLink] = []
        self.counters: dict[str, int] = {}

    def new_id(self) -> str:
        """A SuiteCRM-style GUID (8-4-4-4-12 lowercase hex)."""
        text = f"{self.rng.getrandbits(128):032x}"
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    def get(self, module: str, record_id: object, *, include_deleted: bool = False) -> Row | None:
        if not isinstance(record_id, str) or not record_id:
            return None
        row = self.rows.get(module, {}).get(record_id)
        if row is None or (row.get("deleted") == "1" and not include_deleted):
            return None
        return row

    def live(self, module: str) -> list[Row]:
        return [row for row in self.rows.get(module, {}).values() if row.get("deleted") != "1"]

    def insert(self, module: str, row: Row) -> None:
        self.rows[module][row["id"]] = row

    def next_number(self, module: str, field: str) -> int:
        """The next auto-increment value (``case_number``), above any stored one."""
        key = f"{module}.{field}"
        if key not in self.counters:
            numbers = [
                int(r[field])
                for r in self.rows[module].values()
                if str(r.get(field) or "").isdigit()
            ]
            self.counters[key] = max(numbers, default=0)
        self.counters[key] += 1
        return self.counters[key]

    def emails_of(self, module: str, bean_id: str) -> list[EmailLink]:
        return [
            link for link in self.email_links if link.module == module and link.bean_id == bean_id
        ]

    def link_email(self, email_id: str, module: str, bean_id: str, *, primary: bool) -> None:
        existing = self.emails_of(module, bean_id)
        if any(link.email_id == email_id for link in existing):
            return
        if primary:
            for link in existing:
                link.primary = False
        elif not any(link.primary for link in existing):
            primary = True
        self.email_links.append(EmailLink(email_id, module, bean_id, primary))

    def unlink_email(self, email_id: str, module: str, bean_id: str) -> bool:
        before = len(self.email_links)
        self.email_links = [
            link
            for link in self.email_links
            if not (link.email_id == email_id and link.module == module and link.bean_id == bean_id)
        ]
        return len(self.email_links) != before

    def forget(self, module: str, record_id: str) -> None:
        self.m2m.forget(module, record_id)
        self.email_links = [
            link
            for link in self.email_links
            if not (link.module == module and link.bean_id == record_id)
        ]
