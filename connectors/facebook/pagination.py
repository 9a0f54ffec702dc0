"""Cursor pagination that never stops early and never loops.

Graph pages may be short, or even empty, and still carry ``paging.next``: the only end
is a missing ``next``. Connectors that stop on a short page lose records silently. The
paginator follows ``next`` to the end, answers "reduce the amount of data" by asking the
same position again with a smaller ``Query``, and raises ``BadResponseError`` when a
cursor comes back twice (a loop would otherwise read forever).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from connectors.errors import BadResponseError, TooMuchDataError
from connectors.facebook.errors import SERVICE
from connectors.facebook.fields import Query

if TYPE_CHECKING:
    from connectors.facebook.graph import GraphApi

# Parameters that change when a query shrinks but do not move the position.
_SHAPE_PARAMS = frozenset({"limit", "fields"})


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
            guard.check(params)

    def items(self) -> Iterator[Mapping[str, Any]]:
        for page in self.pages():
            yield from page.data
