"""Deciding what an edit writes: fields nobody else changed merge, real conflicts stop it.

An app edits offline from what it read earlier; meanwhile someone else may have changed
the record. For every field the update touches, the server's value is compared with the
value the app based its edit on (``base``) and with the value the rep wants:

* server == wanted: nothing to write (someone did the same, or this is a retry of an
  edit that landed although its answer was lost);
* server == base: nobody else changed the field: write it;
* server differs from both: a real conflict; the edit is not applied at all, and the
  server's values go back to the app, which asks the rep.

A field the app sent no base value for falls back on the record's ``date_modified``:
changed after the app's ``base_version.date_modified`` (compared to the minute, which is
all SuiteCRM tells) counts as a conflict, since nothing says which field changed. With no
base at all the edit is written as sent: the app asked for no check.

An edit is all or nothing: one conflicting field stops the whole update, so a rep never
finds half of what they did applied.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

# Fields compared by meaning rather than by text.
_DECIMAL_FIELDS = frozenset({"amount"})
_DATE_FIELDS = frozenset({"date_closed"})
_CASELESS_FIELDS = frozenset({"email"})


@dataclass(frozen=True, slots=True)
class EditPlan:
    """What to write, or which fields conflict (then nothing is written)."""

    writes: Mapping[str, Any]
    conflicts: tuple[str, ...]


def shown(name: str, value: Any) -> str:
    """A value as the API shows it: text trimmed, an empty or missing value as ``""``,
    an amount as its plain decimal (``1500``, ``99.5``), a date as ``YYYY-MM-DD``."""
    if value is None:
        return ""
    text = str(value).strip()
    if not text:
        return ""
    if name in _DECIMAL_FIELDS:
        try:
            number = Decimal(text)
        except InvalidOperation:
            return text
        return format(number.normalize(), "f") if number else "0"
    if name in _DATE_FIELDS:
        return text[:10]
    return text


def comparable(name: str, value: Any) -> str:
    """A value as compared: as shown, and without case where case means nothing."""
    text = shown(name, value)
    return text.casefold() if name in _CASELESS_FIELDS else text


def same(name: str, left: Any, right: Any) -> bool:
    return comparable(name, left) == comparable(name, right)


def plan_edit(wanted: Mapping[str, Any], server: Mapping[str, Any], *,
              base: Mapping[str, Any], base_modified: datetime | None,
              server_modified: datetime | None) -> EditPlan:
    """The plan for writing ``wanted`` over ``server`` (see the module docstring)."""
    writes: dict[str, Any] = {}
    conflicts: list[str] = []
    changed_since = _changed_since(base_modified, server_modified)
    for name, value in wanted.items():
        current = server.get(name)
        if same(name, current, value):
            continue
        if name in base:
            if same(name, current, base[name]):
                writes[name] = value
            else:
                conflicts.append(name)
        elif changed_since:
            conflicts.append(name)
        else:
            writes[name] = value
    if conflicts:
        return EditPlan({}, tuple(conflicts))
    return EditPlan(writes, ())


def _changed_since(base_modified: datetime | None, server_modified: datetime | None) -> bool:
    if base_modified is None or server_modified is None:
        return False
    return _minute(server_modified) > _minute(base_modified)


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)
