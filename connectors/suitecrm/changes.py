"""Every record changed since a watermark, even while records keep changing.

Paging a ``date_modified`` sort by offset loses records: one modified mid-walk moves to
the end and shifts the rest back by one, so a record is skipped for good. This iterator
pages by key instead. It asks again from the minute of the last record it read
(``date_modified >= minute``), so nothing behind it can shift; where a whole page falls
within one minute (SuiteCRM returns dates cut to the minute) it walks that minute by id
(``id > last``, sorted by id). Records read twice are yielded once; a record modified
again during the walk is yielded again with its new ``date_modified``, which is right.

``watermark`` is always a safe place to resume from: everything before it was read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from connectors.suitecrm.query import Condition, Filter
from connectors.suitecrm.records import Record

if TYPE_CHECKING:
    from connectors.suitecrm.client import SuiteCRMClient

MINUTE = timedelta(minutes=1)


def _minute(value: datetime) -> datetime:
    return value.replace(second=0, microsecond=0)


class ChangeIterator:
    """Iterate records of ``module`` with ``date_modified >= since`` in change order."""

    def __init__(self, client: SuiteCRMClient, module: str, since: datetime, *,
                 fields: Iterable[str] | None = None, page_size: int = 100) -> None:
        self._client = client
        self._module = module
        self._fields = None if fields is None else [*dict.fromkeys([*fields, "date_modified"])]
        self._size = page_size
        self.watermark = _minute(since)
        self._seen: dict[str, str] = {}  # id -> date_modified as read

    def __iter__(self) -> Iterator[Record]:
        while True:
            page = self._page([Condition("date_modified", "gte", self.watermark)],
                              "date_modified")
            yield from self._fresh(page)
            if len(page) < self._size:
                return
            last = page[-1].datetime("date_modified")
            if last is None:
                return
            if _minute(last) > self.watermark:
                self._advance(_minute(last))
                continue
            yield from self._walk_minute()
            self._advance(self.watermark + MINUTE)

    def _walk_minute(self) -> Iterator[Record]:
        """All records of the watermark's minute, by id (more than a page of them)."""
        after = ""
        while True:
            conditions = [Condition("date_modified", "gte", self.watermark),
                          Condition("date_modified", "lt", self.watermark + MINUTE)]
            if after:
                conditions.append(Condition("id", "gt", after))
            page = self._page(conditions, "id")
            yield from self._fresh(page)
            if len(page) < self._size:
                return
            after = page[-1].id

    def _page(self, conditions: list[Condition], sort: str) -> list[Record]:
        return list(self._client.list(self._module, filter=Filter.of(conditions), sort=sort,
                                      fields=self._fields, page_size=self._size, page=1))

    def _fresh(self, records: list[Record]) -> Iterator[Record]:
        for record in records:
            stamp = str(record.get("date_modified", ""))
            if self._seen.get(record.id) == stamp:
                continue
            self._seen[record.id] = stamp
            yield record

    def _advance(self, minute: datetime) -> None:
        self.watermark = minute
        cutoff = minute.isoformat()
        # forget records read in minutes already left behind (they cannot come back
        # with the same date_modified), so memory stays bounded by one minute's changes
        self._seen = {k: v for k, v in self._seen.items() if v >= cutoff[:16]}
