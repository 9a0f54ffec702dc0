"""Refuse, before sending, what SuiteCRM would silently store wrong or fail on.

SuiteCRM answers 201 and stores NULL for a datetime it cannot read, converts nothing,
and builds filters and sorts as raw SQL on the module's table. So the client checks
values against the module's field definitions (``/meta/fields``, fetched once per
module and only when a value or query needs it):

* datetime fields take an aware ``datetime`` (or an exact UTC ``Y-m-d H:i:s``);
* date fields take a ``date`` (or ``Y-m-d``), never a ``datetime`` (its day would
  depend on a time zone);
* filters may only name stored fields (plus ``email1``, which SuiteCRM joins specially);
  sorts stored fields and the non-db fields SuiteCRM's list query selects by name
  (``relate`` values such as ``account_name``, and ``full_name``/``name``): anything else
  is not a column, and SuiteCRM answers "Database failure" in a body that is not JSON.

A module whose metadata SuiteCRM refuses (the lookup gives no fields) is not checked:
what cannot be seen cannot be validated, and SuiteCRM's answer is the check. Everything
that needs no metadata (operators, ``None`` values, naive datetimes) is still refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any

from connectors.suitecrm.dates import encode_value, is_db_date, is_db_datetime
from connectors.suitecrm.query import Filter
from connectors.suitecrm.records import FieldInfo

FieldLookup = Callable[[str], Mapping[str, FieldInfo]]
_LOOKS_LIKE_DATE = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4})")
FILTERABLE_NON_DB = frozenset({"email1"})
SORTABLE_NON_DB_TYPES = frozenset({"relate", "fullname", "name"})


def _needs_types(value: Any) -> bool:
    if isinstance(value, date):
        return True
    return isinstance(value, str) and bool(_LOOKS_LIKE_DATE.match(value))


class FieldRules:
    """Checks against one SuiteCRM's field definitions (``fields(module)`` is cached)."""

    def __init__(self, fields: FieldLookup) -> None:
        self._fields = fields

    def encode(self, module: str, attributes: Mapping[str, Any]) -> dict[str, Any]:
        """Validated attributes, with dates formatted the only way SuiteCRM stores them."""
        self._check_values(module, attributes.items())
        return {name: encode_value(value) for name, value in attributes.items()}

    def check_query(self, module: str, filter_: Filter | None, sort: str | None) -> None:
        filtered = (filter_.fields if filter_ else set()) - FILTERABLE_NON_DB
        if filter_:
            self._check_values(module, ((c.field, c.value) for c in filter_.conditions))
        if not filtered and not sort:
            return
        fields = self._fields(module)
        for name in sorted(filtered):
            info = fields.get(name)
            if info is not None and info.source == "non-db":
                raise ValueError(f"{module}.{name} is not a database column; SuiteCRM "
                                 "cannot filter by it")
        info = fields.get(sort.lstrip("-")) if sort else None
        if info is not None and info.source == "non-db" and info.type not in SORTABLE_NON_DB_TYPES:
            raise ValueError(f"{module}.{info.name} is not a database column; SuiteCRM "
                             "cannot sort by it")

    def _check_values(self, module: str, pairs: Iterable[tuple[str, Any]]) -> None:
        suspects = [(name, value) for name, value in pairs if _needs_types(value)]
        if not suspects:
            return
        fields = self._fields(module)
        for name, value in suspects:
            info = fields.get(name)
            if info is not None:
                _check_one(module, info, value)


def _check_one(module: str, info: FieldInfo, value: Any) -> None:
    where = f"{module}.{info.name}"
    if info.is_datetime:
        if isinstance(value, datetime):
            return  # formatted (and refused when naive) by encode_value
        if isinstance(value, date):
            raise ValueError(f"{where} is a datetime field; pass an aware datetime, not a date")
        if not is_db_datetime(value):
            raise ValueError(f"{where}: {value!r} would be stored as NULL by SuiteCRM; "
                             "pass an aware datetime")
    elif info.is_date:
        if isinstance(value, datetime):
            raise ValueError(f"{where} is a date field; pass a date (a datetime's day "
                             "depends on the time zone)")
        if isinstance(value, str) and not is_db_date(value):
            raise ValueError(f"{where}: {value!r} is not a Y-m-d date; pass a date")
