"""Paging through LinkedIn collections without missing or repeating a record.

Two styles exist. Most finders page by ``start``/``count`` and answer
``paging: {start, count, total?, links}``; a few page by ``pageSize``/``pageToken`` and
answer ``metadata.nextPageToken``. The rules that keep every record:

* ``total`` is never read: LinkedIn leaves it out, or gets it wrong, on many finders;
* a ``next`` link is followed even when the page is short or empty;
* without a ``next`` link a page shorter than the window (the ``count`` LinkedIn
  echoes, or the one we asked for) is the last one, as LinkedIn documents;
* without a link the next ``start`` is ``start + len(elements)``: on a short page this
  can re-read a record but never skips one (``Listing`` drops the repeat);
* offsets shift when records are deleted while we page: a record deleted on a page
  already read moves the first record of the next page back onto the page we left,
  and reading from the plain next offset skips it. So each page starts ``overlap``
  positions before the next offset (at most a quarter of the step back), and
  ``Listing`` drops what it re-reads: that many deletions between two page reads
  skip nothing. Insertions only push records forward, which a re-read absorbs.
  Token paging cannot overlap (a token is opaque): it is as safe as LinkedIn's
  tokens are;
* a page that does not advance, or a token seen twice, raises ``BadResponseError``
  instead of looping;
* ``TooMuchDataError`` (LinkedIn refused the ``count``) halves the page and retries
  the same position; ``on_shrink`` lets the client remember the size that worked.

Paginators and listings are resumable: the position moves only after the consumer
asked for the page after it, so when a call fails (throttled, network down) iterating
the same object again re-reads from the failed page, and ``Listing`` remembers which
ids it has already delivered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, Generic, Protocol, TypeVar
from urllib.parse import parse_qs, urlsplit

from connectors.errors import BadResponseError, TooMuchDataError

Page = Mapping[str, Any]
Fetch = Callable[[Mapping[str, str | int]], Page]
T = TypeVar("T")


def elements_of(page: Page) -> list[Mapping[str, Any]]:
    elements = page.get("elements")
    if not isinstance(elements, list):
        raise BadResponseError("LinkedIn page has no 'elements' list", service="linkedin")
    return elements


def next_link_start(paging: Mapping[str, Any]) -> int | None:
    """The ``start`` of the ``rel=next`` link, if LinkedIn sent one."""
    for link in paging.get("links") or ():
        if isinstance(link, Mapping) and link.get("rel") == "next" and link.get("href"):
            values = parse_qs(urlsplit(str(link["href"])).query).get("start")
            if values and values[0].isdigit():
                return int(values[0])
    return None


class Paginator(Protocol):
    done: bool

    @property
    def position(self) -> str: ...

    def pages(self) -> Iterator[list[Mapping[str, Any]]]: ...


class OffsetPaginator:
    """``start``/``count`` paging (posts, comments, reactions, lead forms and responses)."""

    def __init__(self, fetch: Fetch, *, count: int, start: int = 0, min_count: int = 1,
                 on_shrink: Callable[[int], None] | None = None, overlap: int = 0) -> None:
        self.fetch = fetch
        self.count = count
        self.start = start
        self.min_count = min_count
        self.on_shrink = on_shrink
        self.overlap = max(0, overlap)
        self.done = False

    @property
    def position(self) -> str:
        return f"start={self.start}"

    def pages(self) -> Iterator[list[Mapping[str, Any]]]:
        while not self.done:
            try:
                page = self.fetch({"start": self.start, "count": self.count})
            except TooMuchDataError:
                if self.count <= self.min_count:
                    raise
                self.count = max(self.min_count, self.count // 2)
                if self.on_shrink:
                    self.on_shrink(self.count)
                continue
            elements = elements_of(page)
            next_start, last = self._advance(page.get("paging") or {}, len(elements))
            yield elements
            self.start, self.done = next_start, last

    def _advance(self, paging: Mapping[str, Any], received: int) -> tuple[int, bool]:
        linked = next_link_start(paging)
        if linked is not None:
            if linked <= self.start:
                raise BadResponseError(
                    f"LinkedIn paging did not advance (next start {linked} at {self.start})",
                    service="linkedin",
                )
            return self._overlapped(linked), False
        window = self.count
        echoed = paging.get("count")
        if isinstance(echoed, int) and 0 < echoed < window:
            window = echoed  # LinkedIn capped the page size: a full page is its cap
        last = received < window
        return (self.start + received if last else self._overlapped(self.start + received),
                last)

    def _overlapped(self, following: int) -> int:
        """Where the next page starts: ``overlap`` positions before ``following``, but
        at most a quarter of this step back, so small pages do not double the calls."""
        step = following - self.start
        return following - min(self.overlap, step // 4)


class TokenPaginator:
    """``pageSize``/``pageToken`` paging, ending when ``metadata.nextPageToken`` is absent."""

    def __init__(self, fetch: Fetch, *, page_size: int, token: str | None = None,
                 min_page_size: int = 1, on_shrink: Callable[[int], None] | None = None) -> None:
        self.fetch = fetch
        self.page_size = page_size
        self.token = token
        self.min_page_size = min_page_size
        self.on_shrink = on_shrink
        self.done = False
        self._seen_tokens: set[str] = set()

    @property
    def position(self) -> str:
        return f"pageToken={self.token or ''}"

    def pages(self) -> Iterator[list[Mapping[str, Any]]]:
        while not self.done:
            params: dict[str, str | int] = {"pageSize": self.page_size}
            if self.token:
                params["pageToken"] = self.token
            try:
                page = self.fetch(params)
            except TooMuchDataError:
                if self.page_size <= self.min_page_size:
                    raise
                self.page_size = max(self.min_page_size, self.page_size // 2)
                if self.on_shrink:
                    self.on_shrink(self.page_size)
                continue
            elements = elements_of(page)
            metadata = page.get("metadata") or {}
            token = metadata.get("nextPageToken") if isinstance(metadata, Mapping) else None
            if token and token in self._seen_tokens:
                raise BadResponseError(f"LinkedIn returned page token {token!r} twice",
                                       service="linkedin")
            yield elements
            if token:
                self._seen_tokens.add(token)
            self.token, self.done = (token or None), not token


class Listing(Generic[T]):
    """Typed records from a paginator, each id delivered once, resumable after an error."""

    def __init__(self, paginator: Paginator, parse: Callable[[Mapping[str, Any]], T],
                 key: Callable[[T], str]) -> None:
        self.paginator = paginator
        self.parse = parse
        self.key = key
        self.delivered: set[str] = set()

    @property
    def position(self) -> str:
        return self.paginator.position

    @property
    def done(self) -> bool:
        return self.paginator.done

    def __iter__(self) -> Iterator[T]:
        for page in self.paginator.pages():
            for element in page:
                record = self.parse(element)
                key = self.key(record)
                if key in self.delivered:
                    continue
                yield record
                self.delivered.add(key)
