"""Cursor pagination that never stops early and never loops.

Graph pages may be short, or even empty, and still carry ``paging.next``: the only end
is a missing ``next``. Connectors that stop on a short page lose records silently. The
paginator follows ``next`` to the end, answers "reduce the amount of data" by asking the
same position again with a smaller ``Query``, and raises ``BadResponseError`` when a
cursor comes back twice (a loop would otherwise read forever).

Time-paged edges (the feed pages by ``until``) are the exception to "follow ``next``
to the end": past the oldest post Graph may keep answering empty pages, each with a
``next`` a little older, forever. ``EndGuard`` stops such a listing once its ``until``
is older than the ``since`` the caller asked for, or after ``MAX_EMPTY_PAGES`` empty
pages in a row (logged as a warning: a real run of empty pages that long is not seen).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from connectors.errors import BadResponseError, TooMuchDataError
from connectors.facebook.errors import SERVICE
from connectors.facebook.fields import Query

if TYPE_CHECKING:
    from connectors.facebook.graph import GraphApi

log = logging.getLogger(__name__)

# Parameters that change when a query shrinks but do not move the position.
_SHAPE_PARAMS = frozenset({"limit", "fields"})
MAX_EMPTY_PAGES = 10


@dataclass(frozen=True, slots=True)
class Page:
    """One page of an edge: its items, ``summary`` and the link to the next page."""

    data: list[Mapping[str, Any]]
    next: str | None
    summary: Mapping[str, Any] = field(default_factory=dict)


def parse_page(body: Any, where: str) -> Page:
    """A connection object (``{data, paging, summary}``) as a ``Page``."""
    if not isinstance(body, Mapping) or not isinstance(body.get("data", []), list):
        raise BadResponseError(f"{where}: not a Graph connection", service=SERVICE)
    paging = body.get("paging") if isinstance(body.get("paging"), Mapping) else {}
    nxt = paging.get("next") if isinstance(paging, Mapping) else None
    summary = body.get("summary") if isinstance(body.get("summary"), Mapping) else {}
    data = [item for item in body.get("data", []) if isinstance(item, Mapping)]
    return Page(data=data, next=nxt if isinstance(nxt, str) and nxt else None,
                summary=summary or {})


def position_key(params: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """What identifies a position in a listing, whatever page size is asked."""
    return tuple(sorted((k, v) for k, v in params.items() if k not in _SHAPE_PARAMS))


class CursorGuard:
    """Remembers positions already requested for one listing; a repeat is an error."""

    def __init__(self, where: str) -> None:
        self.where = where
        self._seen: set[tuple[tuple[str, str], ...]] = set()

    def check(self, params: Mapping[str, str]) -> None:
        key = position_key(params)
        if key in self._seen:
            raise BadResponseError(
                f"{self.where}: Graph returned the same cursor twice; stopping instead of "
                "looping", service=SERVICE,
            )
        self._seen.add(key)


def _epoch(value: Any) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


class EndGuard:
    """Ends a listing that only goes on producing empty pages (see the module docstring)."""

    def __init__(self, where: str, since: Any = None) -> None:
        self.where = where
        self.since = _epoch(since)
        self.empty_run = 0

    def finished(self, page: Page, next_params: Mapping[str, str]) -> bool:
        """Whether to stop instead of requesting ``next_params`` after ``page``."""
        self.empty_run = 0 if page.data else self.empty_run + 1
        until = _epoch(next_params.get("until"))
        if self.since is not None and until is not None and until < self.since:
            return True  # everything after this is older than the window asked for
        if self.empty_run >= MAX_EMPTY_PAGES:
            log.warning("%s: %d empty pages in a row, each with a next link; stopping",
                        self.where, self.empty_run)
            return True
        return False


class Paginator:
    """Iterate the pages of ``path`` until ``paging.next`` is absent."""

    def __init__(self, graph: GraphApi, path: str, query: Query, *, endpoint: str,
                 params: Mapping[str, str] | None = None) -> None:
        self.graph = graph
        self.path = path
        self.query = query
        self.endpoint = endpoint
        self.base_params = dict(params or {})
        self.shrinks = 0
        self.pages_read = 0

    def pages(self) -> Iterator[Page]:
        path, params = self.path, {**self.base_params, **self.query.params()}
        guard = CursorGuard(self.endpoint)
        guard.check(params)
        end = EndGuard(self.endpoint, self.base_params.get("since"))
        while True:
            try:
                body = self.graph.get(path, params, endpoint=self.endpoint)
            except TooMuchDataError:
                smaller = self.query.smaller()
                if smaller is None:
                    raise
                self.query, self.shrinks = smaller, self.shrinks + 1
                params.update(smaller.params())
                continue
            page = parse_page(body, self.endpoint)
            self.pages_read += 1
            yield page
            if page.next is None:
                return
            path, params = self.graph.split_next(page.next)
            params.update(self.query.params())
            if end.finished(page, params):
                return
            guard.check(params)

    def items(self) -> Iterator[Mapping[str, Any]]:
        for page in self.pages():
            yield from page.data
