"""What a quick update is, from the moment the API accepts it to its outcome.

Why plain JSON inside: an update is accepted by the API, kept in Redis and applied by a
worker that may run on another host after a restart, so everything it carries (the
rep, the type, the validated fields, the version the app based an edit on) is small JSON
that both sides read the same way. Its outcome is one of four states an app can show:

* ``queued``: accepted, not yet written (a worker may be writing it right now);
* ``applied``: written to SuiteCRM as the rep; ``result`` names the CRM record;
* ``conflict``: an edit found that someone else changed a field the rep edited since
  the app read it; nothing was written, ``result`` holds the server's values;
* ``failed``: it cannot be written (no permission, the record is gone, the rep's
  session is over...); ``result["reason"]`` says why in words an app can show.

A reply has a second, later outcome, its ``delivery`` to the network (posted or not),
kept beside the status so the update stays ``applied`` once SuiteCRM holds the reply.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, get_args

UpdateType = Literal["log_call", "add_note", "create_task", "complete_task",
                     "move_opportunity", "update_contact", "reply", "set_interaction_status"]
UPDATE_TYPES: tuple[UpdateType, ...] = get_args(UpdateType)
# Types that change an existing record: they may carry the version the app saw.
EDIT_TYPES: frozenset[UpdateType] = frozenset({"move_opportunity", "update_contact",
                                                "set_interaction_status"})
Status = Literal["queued", "applied", "conflict", "failed"]
STATUSES: tuple[Status, ...] = get_args(Status)
DeliveryState = Literal["posting", "posted", "failed", "unknown"]
DELIVERY_STATES: tuple[DeliveryState, ...] = get_args(DeliveryState)


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """An aware datetime as ISO 8601 in UTC with a ``Z`` (how updates store times)."""
    if moment.utcoffset() is None:
        raise ValueError("an update's times are aware datetimes")
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_iso(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Applied:
    """Written: ``module``/``record_id`` name the record the rep created or changed."""

    module: str
    record_id: str

    def result(self) -> dict[str, Any]:
        return {"module": self.module, "record_id": self.record_id}


@dataclass(frozen=True, slots=True)
class Conflict:
    """Not written: ``fields`` changed on the server since the app's base version.
    ``server`` holds the server's values of every field the update touches, ``base``
    what the app saw, ``yours`` what the rep wanted (all in the API's field names)."""

    module: str
    record_id: str
    fields: tuple[str, ...]
    server: Mapping[str, Any]
    base: Mapping[str, Any]
    yours: Mapping[str, Any]

    def result(self) -> dict[str, Any]:
        return {"module": self.module, "record_id": self.record_id,
                "fields": list(self.fields), "server": dict(self.server),
                "base": dict(self.base), "yours": dict(self.yours)}


@dataclass(frozen=True, slots=True)
class Failed:
    """Not written, for good: ``reason`` is for the rep to read."""

    reason: str

    def result(self) -> dict[str, Any]:
        return {"reason": self.reason}


Outcome = Applied | Conflict | Failed


def status_of(outcome: Outcome) -> Status:
    if isinstance(outcome, Applied):
        return "applied"
    if isinstance(outcome, Conflict):
        return "conflict"
    return "failed"


@dataclass(frozen=True, slots=True)
class Update:
    """One accepted update and its current state (see the module docstring).

    ``fields`` are the type's validated fields as JSON (dates as ISO 8601 text, amounts
    as decimal text); ``base`` is the version an edit was based on: ``values`` (what the
    app saw, by API field name; ``fields`` in the API's JSON) and/or ``date_modified``."""

    id: str
    user_id: str
    type: UpdateType
    idempotency_key: str
    body_hash: str
    accepted_at: datetime
    fields: Mapping[str, Any]
    client_time: datetime | None = None
    base: Mapping[str, Any] = field(default_factory=dict)
    status: Status = "queued"
    result: Mapping[str, Any] = field(default_factory=dict)
    updated_at: datetime | None = None
    delivery: Mapping[str, Any] = field(default_factory=dict)

    def document(self) -> str:
        """The part that never changes after acceptance, as one JSON text."""
        return json.dumps({
            "user_id": self.user_id, "type": self.type, "key": self.idempotency_key,
            "body_hash": self.body_hash, "accepted_at": iso(self.accepted_at),
            "fields": dict(self.fields),
            "client_time": iso(self.client_time) if self.client_time else None,
            "base": dict(self.base)}, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_stored(cls, update_id: str, stored: Mapping[str, str]) -> Update:
        """An update from its Redis hash (``document`` plus the state fields)."""
        data = json.loads(stored["document"])
        update_type = data["type"]
        if update_type not in UPDATE_TYPES:
            raise ValueError(f"update {update_id} has an unknown type {update_type!r}")
        status = stored.get("status", "queued")
        if status not in STATUSES:
            raise ValueError(f"update {update_id} has an unknown status {status!r}")
        accepted = parse_iso(data["accepted_at"])
        assert accepted is not None
        return cls(
            id=update_id, user_id=data["user_id"], type=update_type,
            idempotency_key=data["key"], body_hash=data["body_hash"], accepted_at=accepted,
            fields=data.get("fields") or {}, client_time=parse_iso(data.get("client_time")),
            base=data.get("base") or {}, status=status,
            result=json.loads(stored.get("result") or "{}"),
            updated_at=parse_iso(stored.get("updated_at")),
            delivery=json.loads(stored.get("delivery") or "{}"))
