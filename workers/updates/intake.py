"""Accepting an update the API validated: store it once per key, queue its application.

The API hands over the validated body (``type``, ``client_time``, ``base_version`` and the
type's fields, as marshmallow loaded them); this turns it into JSON, resolves references
to the rep's earlier updates, keeps it (``store.UpdateStore.submit``: the same key is the
same update) and queues the rep's queue to be applied (``workers.jobs.updates``). A replay
of an update still queued queues it again: the job id is derived from the update, so
this is a no-op unless the first enqueue was lost (a crash between storing and queueing).

References. An app that creates a task offline and completes it in the same batch does
not know the task's SuiteCRM id yet; it sends ``"task_id": "ref:<the idempotency key of
the create_task>"`` and the reference becomes the id that update's task is created under
(``ids.record_id``), which the rep's in-order queue guarantees exists by then.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from workers.jobs.updates import enqueue_apply
from workers.redis_connect import confirm_replicated
from workers.updates.creates import CREATED_MODULES
from workers.updates.ids import record_id
from workers.updates.model import iso
from workers.updates.store import Submission, UpdateStore, update_key

REF_PREFIX = "ref:"
# Fields that may reference an earlier update, and the type that update must have.
REFERENCES: Mapping[str, Mapping[str, str]] = {"complete_task": {"task_id": "create_task"}}


class BadReference(ValueError):
    """A ``ref:`` names no earlier update of the rep that creates such a record."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def to_json(value: Any) -> Any:
    """Loaded values as JSON: times in UTC ISO 8601, dates ``YYYY-MM-DD``, amounts as
    decimal text (never floats: ``0.1`` stays ``0.1``)."""
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Mapping):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value


def accept(store: UpdateStore, user_id: str, idempotency_key: str,
           loaded: Mapping[str, Any]) -> Submission:
    """Store and queue the update ``loaded`` (validated) under the rep's key."""
    body = to_json(loaded)
    fields = {name: value for name, value in body.items()
              if name not in ("type", "client_time", "base_version")}
    update_type = str(body["type"])
    fields = resolve_references(store, user_id, update_type, fields)
    client_time = loaded.get("client_time")
    submission = store.submit(
        user_id=user_id, idempotency_key=idempotency_key, body=body, update_type=update_type,
        fields=fields, client_time=client_time if isinstance(client_time, datetime) else None,
        base=body.get("base_version") or {})
    if submission.outcome != "mismatch" and submission.update.status == "queued":
        enqueue_apply(store.redis, submission.update.id)
    if submission.outcome != "mismatch":  # answered as accepted: it must survive a failover
        confirm_replicated(store.redis, update_key(submission.update.id))
    return submission


def resolve_references(store: UpdateStore, user_id: str, update_type: str,
                       fields: Mapping[str, Any]) -> dict[str, Any]:
    """``fields`` with each ``ref:<key>`` replaced by the id of the record it names."""
    resolved = dict(fields)
    for name, wanted_type in REFERENCES.get(update_type, {}).items():
        value = resolved.get(name)
        if not isinstance(value, str) or not value.startswith(REF_PREFIX):
            continue
        key = value.removeprefix(REF_PREFIX)
        earlier = store.find(user_id, key)
        if earlier is None or earlier.type != wanted_type:
            raise BadReference(name, f"{value!r} names no {wanted_type} update of yours "
                                     "(send that update first, with that idempotency key)")
        resolved[name] = record_id(earlier.id, CREATED_MODULES[wanted_type])
    return resolved
