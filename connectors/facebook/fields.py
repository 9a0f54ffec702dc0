"""Graph ``fields`` expressions as values that know how to ask for less.

A read is described once (``Query``: fields, nested edges with their own limits and
modifiers, page size). When Graph answers "Please reduce the amount of data", the reader
asks the same query for ``smaller()``: first every page size is halved down to its
floor, then nested edges fall back to their minimal field lists. Only when nothing is
left to cut does the error reach the caller. This is how a first sync of a busy Page
succeeds where connectors with fixed, oversized field requests fail at setup.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Union

Field = Union[str, "Edge"]


@dataclass(frozen=True, slots=True)
class Edge:
    """A nested connection in a ``fields`` list: ``comments.limit(100).filter(stream){...}``."""

    name: str
    fields: tuple[Field, ...] = ()
    limit: int | None = None
    modifiers: tuple[tuple[str, str], ...] = ()
    alias: str | None = None
    minimal: tuple[Field, ...] | None = None
    floor: int = 10

    def render(self) -> str:
        text = self.name
        if self.limit is not None:
            text += f".limit({self.limit})"
        text += "".join(f".{name}({value})" for name, value in self.modifiers)
        if self.alias:
            text += f".as({self.alias})"
        if self.fields:
            text += "{" + render_fields(self.fields) + "}"
        return text

    def as_query(self, extra: Mapping[str, str] | None = None) -> Query:
        """The same edge read on its own (``/{id}/comments?...``) for follow-up pages."""
        return Query(
            fields=self.fields, limit=self.limit or 25, floor=self.floor,
            extra={**dict(self.modifiers), **(extra or {})}, minimal=self.minimal,
        )

    def can_halve(self) -> bool:
        return (self.limit is not None and self.limit > self.floor) or any(
            isinstance(f, Edge) and f.can_halve() for f in self.fields
        )

    def halved(self) -> Edge:
        return replace(self, limit=_half(self.limit, self.floor), fields=_halve_all(self.fields),
                       minimal=_halve_all(self.minimal) if self.minimal else None)

    def is_minimal(self) -> bool:
        return (self.minimal is None or self.fields == self.minimal) and all(
            not isinstance(f, Edge) or f.is_minimal() for f in self.fields
        )

    def reduced(self) -> Edge:
        fields = self.minimal if self.minimal is not None else self.fields
        return replace(self, fields=tuple(f.reduced() if isinstance(f, Edge) else f
                                          for f in fields), minimal=None)


def render_fields(fields: tuple[Field, ...]) -> str:
    return ",".join(f.render() if isinstance(f, Edge) else f for f in fields)


def _half(limit: int | None, floor: int) -> int | None:
    if limit is None or limit <= floor:
        return limit
    return max(floor, limit // 2)


def _halve_all(fields: tuple[Field, ...]) -> tuple[Field, ...]:
    return tuple(f.halved() if isinstance(f, Edge) else f for f in fields)


@dataclass(frozen=True, slots=True)
class Query:
    """Parameters of one paginated read, able to shrink on "reduce the amount of data"."""

    fields: tuple[Field, ...]
    limit: int = 25
    floor: int = 5
    extra: Mapping[str, str] = field(default_factory=dict)
    minimal: tuple[Field, ...] | None = None

    def params(self) -> dict[str, str]:
        params = dict(self.extra)
        params["limit"] = str(self.limit)
        if self.fields:
            params["fields"] = render_fields(self.fields)
        return params

    def smaller(self) -> Query | None:
        """The next cheaper version of this query, or ``None`` when at the minimum."""
        nested_halvable = any(isinstance(f, Edge) and f.can_halve() for f in self.fields)
        if self.limit > self.floor or nested_halvable:
            return replace(self, limit=_half(self.limit, self.floor) or self.limit,
                           fields=_halve_all(self.fields),
                           minimal=_halve_all(self.minimal) if self.minimal else None)
        as_edge = Edge("_", self.fields, minimal=self.minimal)
        if as_edge.is_minimal():
            return None
        return replace(self, fields=as_edge.reduced().fields, minimal=None)
