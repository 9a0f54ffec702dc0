"""Rows of the package's change outbox, read through V8, as typed changes.

The package's logic hooks append one row to ``SCRM_ChangeOutbox`` for every create,
update and delete of a record the service follows (``plugin/package/.../SCRM_OutboxWriter``);
the database numbers the rows (``sequence``) in the order they were written. This module
says which fields to ask V8 for and turns a row into an :class:`OutboxChange`; draining,
positions and pruning are the workers' (``workers.crm_outbox``).

A row that does not read as a change (a sequence that is not a number, an unknown action,
a time that is not ISO 8601 UTC) raises :class:`MalformedOutboxRow`: only the package
writes rows, so such a row was made by hand, and the caller decides to skip it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from connectors.suitecrm.records import Record
from plugin.model import OUTBOX

MODULE = OUTBOX.name
Action = Literal["create", "update", "delete"]
ACTIONS: tuple[Action, ...] = ("create", "update", "delete")
# What the drain asks V8 for (a sparse fieldset: the row's relate fields cost a query each).
FIELDS = ("sequence", "record_module", "record_id", "action", "changed_fields",
          "record_assigned_user_id", "modified_user_id", "record_date_modified", "occurred_at")
_FIELD_NAME = re.compile(r"^[A-Za-z0-9_]{1,100}$")


class MalformedOutboxRow(ValueError):
    """An outbox row that is not a change the package could have written; skip it."""

    def __init__(self, row_id: str, reason: str) -> None:
        super().__init__(f"change outbox row {row_id}: {reason}")
        self.row_id = row_id
        self.reason = reason


@dataclass(frozen=True, slots=True)
class OutboxChange:
    """One change of one record, as the hook that saw it wrote it down.

    ``row_id`` is the outbox row's id (a UUID; also the ``event_id`` of the notice event
    that reported the same change first). ``date_modified`` is the record's
    ``date_modified`` after the change (for a delete: when it was deleted), which tells the
    service's own writes apart; ``occurred_at`` is when the hook ran. Both are aware UTC
    with seconds.
    """

    row_id: str
    sequence: int
    module: str
    record_id: str
    action: Action
    changed_fields: tuple[str, ...]
    assigned_user_id: str | None
    modified_user_id: str | None
    date_modified: datetime
    occurred_at: datetime


def parse_row(record: Record) -> OutboxChange:
    """The change an outbox row records; :class:`MalformedOutboxRow` when it holds none."""
    row_id = record.id
    sequence = str(record.get("sequence") or "")
    if not sequence.isdigit():
        raise MalformedOutboxRow(row_id, f"sequence {sequence!r} is not a number")
    action = str(record.get("action") or "")
    if action not in ACTIONS:
        raise MalformedOutboxRow(row_id, f"action {action!r} is not one of {ACTIONS}")
    module = str(record.get("record_module") or "")
    record_id = str(record.get("record_id") or "")
    if not module or not record_id:
        raise MalformedOutboxRow(row_id, "no record module or id")
    fields = tuple(name for name in str(record.get("changed_fields") or "").split(",") if name)
    if any(not _FIELD_NAME.match(name) for name in fields):
        raise MalformedOutboxRow(row_id, "changed_fields is not a list of field names")
    return OutboxChange(
        row_id=row_id, sequence=int(sequence), module=module, record_id=record_id,
        action=action, changed_fields=fields,
        assigned_user_id=_id_or_none(record.get("record_assigned_user_id")),
        modified_user_id=_id_or_none(record.get("modified_user_id")),
        date_modified=_utc(row_id, "record_date_modified", record.get("record_date_modified")),
        occurred_at=_utc(row_id, "occurred_at", record.get("occurred_at")),
    )


def _id_or_none(value: object) -> str | None:
    text = str(value or "").strip()
    return text or None


def _utc(row_id: str, name: str, value: object) -> datetime:
    """``2026-11-22T08:03:51Z`` as an aware UTC datetime."""
    text = str(value or "")
    try:
        parsed = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        raise MalformedOutboxRow(row_id, f"{name} {text!r} is not ISO 8601 UTC") from None
    return parsed.replace(tzinfo=UTC)
