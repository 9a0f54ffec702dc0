"""Lazy iteration over every page of a SuiteCRM list.

The iterator asks for explicit page numbers (``page[number]`` is always sent, since
without it SuiteCRM's ``next`` link wrongly points at page 1) and keeps going while the
server says there is a next page. An empty page does not end the walk while a next page
is announced (SuiteCRM drops rows the user may not see *after* paging, so a middle page
can be empty); it raises rather than loop if ``next`` points back at a page already read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from connectors.errors import BadResponseError
from connectors.suitecrm.records import Page, Record

FetchPage = Callable[[int], tuple[Page, int | None]]


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
