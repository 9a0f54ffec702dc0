"""Comparing database rows the way SuiteCRM writes them.

SuiteCRM inserts NULL for an empty id or URL and writes '' for it on every later update,
in every module, so both mean empty; and every save rewrites its bookkeeping columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

BOOKKEEPING = frozenset({"date_modified", "modified_user_id"})


def empty(value: Any) -> bool:
    return value in (None, "")


def same(a: Any, b: Any) -> bool:
    """Equal, where NULL and '' both mean empty."""
    return (empty(a) and empty(b)) or a == b


def changed_columns(before: Mapping[str, Any], after: Mapping[str, Any]) -> set[str]:
    """The columns a save changed, bookkeeping left out."""
    return {name for name in after if not same(after[name], before[name])} - BOOKKEEPING
