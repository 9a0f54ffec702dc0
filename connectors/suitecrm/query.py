"""List queries in the exact form SuiteCRM V8 accepts.

SuiteCRM takes ``filter[field][op]=value`` with ``eq neq gt gte lt lte like`` only,
``filter[operator]=or`` to turn the AND into an OR, one sort field, sparse
``fields[Module]=a,b`` and ``page[size]`` + ``page[number]``. Anything else is a 400
at best and a silent misread at worst, so the builder rejects it before sending.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from connectors.suitecrm.dates import encode_value

OPERATORS = frozenset({"eq", "neq", "gt", "gte", "lt", "lte", "like"})
MAX_PAGE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class Condition:
    field: str
    op: str
    value: Any


@dataclass(frozen=True, slots=True)
class Filter:
    """AND (or OR) of conditions. Build with ``Filter.where(last_name="Ng",
    date_modified__gt=since)``; the part after ``__`` is the operator (default ``eq``)."""

    conditions: tuple[Condition, ...]
    any_of: bool = False

    @classmethod
    def where(cls, **conditions: Any) -> Filter:
        return cls(tuple(_condition(key, value) for key, value in conditions.items()))

    @classmethod
    def any(cls, **conditions: Any) -> Filter:
        return cls(tuple(_condition(key, value) for key, value in conditions.items()), True)

    @classmethod
    def of(cls, conditions: Iterable[Condition], *, any_of: bool = False) -> Filter:
        return cls(tuple(conditions), any_of)

    def __post_init__(self) -> None:
        seen: set[tuple[str, str]] = set()
        for condition in self.conditions:
            if condition.op not in OPERATORS:
                raise ValueError(
                    f"SuiteCRM has no filter operator {condition.op!r}; "
                    f"use one of {', '.join(sorted(OPERATORS))}"
                )
            if (condition.field, condition.op) in seen:
                raise ValueError(f"{condition.field}__{condition.op} given twice")
            seen.add((condition.field, condition.op))
            if isinstance(condition.value, (list, tuple, set, dict)):
                raise ValueError(f"{condition.field}: SuiteCRM filters take one value, not a list")
            if condition.value is None:
                raise ValueError(f"{condition.field}: SuiteCRM filters cannot match NULL")

    def params(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        if self.any_of:
            out.append(("filter[operator]", "or"))
        for condition in self.conditions:
            out.append((f"filter[{condition.field}][{condition.op}]", _text(condition.value)))
        return out

    @property
    def fields(self) -> set[str]:
        return {condition.field for condition in self.conditions}


def _condition(key: str, value: Any) -> Condition:
    field, _, op = key.partition("__")
    return Condition(field, op or "eq", value)


def _text(value: Any) -> str:
    encoded = encode_value(value)
    if isinstance(encoded, bool):
        return "1" if encoded else "0"
    return str(encoded)


def sort_param(sort: str | None) -> list[tuple[str, str]]:
    if not sort:
        return []
    if "," in sort:
        raise ValueError("SuiteCRM sorts by one field only (two fields answer 400)")
    return [("sort", sort)]


def fields_param(module: str, fields: Iterable[str] | None) -> list[tuple[str, str]]:
    if not fields:
        return []
    names = list(dict.fromkeys(fields))
    return [(f"fields[{module}]", ",".join(names))]


def page_params(size: int, number: int) -> list[tuple[str, str]]:
    """Always both: without ``page[number]`` SuiteCRM's ``next`` link points to page 1."""
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ValueError(f"page size must be between 1 and {MAX_PAGE_SIZE}")
    if number < 1:
        raise ValueError("page numbers start at 1")
    return [("page[size]", str(size)), ("page[number]", str(number))]


