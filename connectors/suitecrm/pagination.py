"""Lazy iteration over every page of a SuiteCRM list.

The iterator asks for explicit page numbers (``page[number]`` is always sent, since
without it SuiteCRM's ``next`` link wrongly points at page 1) and keeps going while the
server says there is a next page. An empty page does not end the walk while a next page
is announced (SuiteCRM drops rows the user may not see *after* paging, so a middle page
can be empty); it raises rather than loop if ``next`` points back at a page already read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import unquote

from connectors.errors import BadResponseError
from connectors.suitecrm.records import Page, Record, module_of

FetchPage = Callable[[int], tuple[Page, int | None]]
_NEXT_PAGE = re.compile(r"page\[number\]=(\d+)")


class PageIterator:
    """Iterate records (``for r in it``) or whole pages (``it.pages()``), fetching lazily.

    ``fetch(number)`` returns the page and the page number its ``next`` link names.
    """

    def __init__(self, fetch: FetchPage, *, start: int = 1) -> None:
        self._fetch = fetch
        self._start = start

    def pages(self) -> Iterator[Page]:
        number = self._start
        seen: set[int] = set()
        while True:
            seen.add(number)
            page, next_number = self._fetch(number)
            if page.records:
                yield page
            if not page.has_next or next_number is None:
                return
            if next_number in seen:
                raise BadResponseError(
                    f"pagination loops: page {number} points back to page {next_number}",
                    service="suitecrm",
                )
            number = next_number

    def __iter__(self) -> Iterator[Record]:
        for page in self.pages():
            yield from page.records


def page_from_json(module: str, body: Any, size: int, number: int) -> tuple[Page, int | None]:
    """One list answer as a ``Page``, and the page number its ``next`` link names.
    ``module`` empty: each record's module follows its type (related lists)."""
    if not isinstance(body, Mapping) or not isinstance(body.get("data"), list):
        raise BadResponseError("list answer without a data array", service="suitecrm")
    meta = body.get("meta") or {}
    links = body.get("links")
    records = tuple(Record.from_json(module or module_of(str(item.get("type", ""))), item)
                    for item in body["data"])
    total_pages = _int(meta.get("total-pages"))
    next_number: int | None = None
    if isinstance(links, Mapping):
        match = _NEXT_PAGE.search(unquote(str(links.get("next") or "")))
        next_number = int(match.group(1)) if links.get("next") and match else None
    elif total_pages is not None and number < total_pages:
        next_number = number + 1  # relationship lists carry meta but no links
    page = Page(records=records, number=number, size=size, total_pages=total_pages,
                total_records=_int(meta.get("total-records")),
                has_next=next_number is not None)
    return page, next_number


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None
