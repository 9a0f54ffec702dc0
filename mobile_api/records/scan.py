"""Walk a SuiteCRM list page by page, keeping only some rows, and say where to resume.

SuiteCRM V8 filters are all AND or all OR, so "name starts with ``q`` (first OR last
name) AND assigned to me" cannot be one query; and its ``email1`` list skips the ACL
check (below). Such searches read SuiteCRM's pages and keep the rows that pass a check
made here. A page of the API then holds at most ``limit`` rows, and the position to
resume from is the SuiteCRM page *and* the row inside it, so no row is skipped or shown
twice when a page ends in the middle of SuiteCRM's. Reads per API page are capped: a
page may come back short (even empty) with a position to continue from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from connectors.suitecrm import Page, Record


@dataclass(frozen=True, slots=True)
class Position:
    page: int = 1  # SuiteCRM's page number (1-based)
    offset: int = 0  # the first row of that page not looked at yet


def scan(fetch: Callable[[int], Page], keep: Callable[[Record], bool], start: Position,
         limit: int, *, max_fetches: int) -> tuple[list[Record], Position | None]:
    """Up to ``limit`` kept rows from ``start``, and where to continue (``None``: the
    list is done). ``fetch(n)`` reads SuiteCRM's page ``n``; at most ``max_fetches``."""
    found: list[Record] = []
    number, offset = start.page, start.offset
    for _ in range(max_fetches):
        page = fetch(number)
        rows = page.records
        for index in range(offset, len(rows)):
            if not keep(rows[index]):
                continue
            found.append(rows[index])
            if len(found) == limit:
                if index + 1 < len(rows):
                    return found, Position(number, index + 1)
                return found, Position(number + 1) if page.has_next else None
        if not page.has_next:
            return found, None
        number, offset = number + 1, 0
    return found, Position(number, offset)
