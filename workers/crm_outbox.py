"""Drain the package's change outbox: every CRM change, once, in order, then prune it.

The package's hooks append one row per change to ``SCRM_ChangeOutbox`` inside SuiteCRM,
numbered by the database (``sequence``). This module reads the rows after a stored
position through V8, hands each change to a callback, and moves the position in the same
Redis transaction (WATCH, MULTI/EXEC) as the callback's writes: a crash before EXEC leaves
nothing written and the rows are read again; after EXEC, the rows are known applied and
never handed out again. The default callback appends each change to the
``socialcrm:events:suitecrm`` stream as the intake job does for notices, marked
``"source": "outbox"`` and ``own`` (``workers.own_writes``).

Why a look-back. The database gives each row its number when the INSERT starts, and
concurrent requests commit in any order: row 10 can become visible just after row 11 was
read. Every read therefore starts ``LOOKBACK`` numbers behind the position; a row found
there that was never applied is handed out then (``late: true``, out of order with the
rows of other requests, which were concurrent anyway). What was applied is remembered by
row id in a sorted set until the row is pruned, so nothing in the look-back is handed out
twice; a pruned row is gone from SuiteCRM and cannot be read again.

Pruning deletes applied rows through V8, all but the newest ``keep``: a margin of rows a
Redis restored from an older state (a failover that lost its last writes) can read again,
so a change may then come twice, never not at all. The outbox's bean removes a deleted row
together with every older row (a queue pruned from its oldest end), so one DELETE of the
newest row to go prunes them all: one call per row had cost the real SuiteCRM as much
again as the change that wrote the row. A prune waits until the drain has caught up; a
failed delete is retried on the next drain. Rows a drain skipped on purpose
(:func:`set_position`) go with the first prune after them. Keep the margin at least
``LOOKBACK`` rows (the drain job does): a row numbered below the newest pruned one but
committed after the prune would otherwise go unread.

Redis keys: ``socialcrm:outbox:suitecrm`` (hash: ``position``, the highest sequence
applied; ``floor``, below which nothing is read, set by :func:`set_position`) and
``socialcrm:outbox:suitecrm:applied`` (sorted set: applied row ids by sequence, until
pruned).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, cast

import redis
import redis.client

from connectors.errors import NotFoundError
from connectors.suitecrm import SuiteCRMClient
from connectors.suitecrm.query import MAX_PAGE_SIZE, Filter
from connectors.suitecrm.records import Record
from plugin.outbox import FIELDS, MODULE, MalformedOutboxRow, OutboxChange, parse_row
from workers import own_writes
from workers.streams import STREAM_MAXLEN, stream_key

log = logging.getLogger(__name__)

STATE_KEY = "socialcrm:outbox:suitecrm"
APPLIED_KEY = "socialcrm:outbox:suitecrm:applied"
STREAM = stream_key("suitecrm")
SOURCE = "outbox"
LOOKBACK = 20
DEFAULT_BATCH = 200
DEFAULT_KEEP = 1000
MAX_BATCHES = 10  # per drain; the rest waits for the next one (``more``)
# Each lost race means another drain committed a batch: progress, so retrying ends.
_WATCH_RETRIES = 1000

# What the drain does with each change: queue writes on the pipeline (it is inside MULTI:
# no reads), which commit together with the new position.
Apply = Callable[[redis.client.Pipeline, OutboxChange, dict[str, Any]], None]


@dataclass(frozen=True, slots=True)
class DrainResult:
    """What one drain did. ``late``: of the applied changes, those found behind the
    position (committed late); ``skipped``: rows that hold no change (malformed: pruned
    like applied ones); ``more``: it stopped at its batch limit with rows left."""

    applied: int
    late: int
    skipped: int
    pruned: int
    position: int
    more: bool

    def as_dict(self) -> dict[str, int | bool]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class _Batch:
    applied: int
    late: int
    skipped: int
    position: int
    full: bool


def to_stream(pipe: redis.client.Pipeline, change: OutboxChange, item: dict[str, Any]) -> None:
    """The default callback: the change as a small JSON dict on the SuiteCRM stream."""
    pipe.xadd(STREAM, {"source": SOURCE, "outbox_row": change.row_id,
                       "event": json.dumps(item)},
              maxlen=STREAM_MAXLEN, approximate=True)


def drain(redis_client: redis.Redis, crm: SuiteCRMClient, *, batch: int = DEFAULT_BATCH,
          prune: bool = True, keep: int = DEFAULT_KEEP, apply: Apply = to_stream,
          service_user_id: str | None = None, max_batches: int = MAX_BATCHES) -> DrainResult:
    """Apply the outbox's new changes in order, batch by batch, then prune applied rows.

    ``service_user_id``: the service account's own SuiteCRM user, when it has one (its
    changes are then marked ``own``; see ``workers.own_writes``). Run one drain at a time
    per SuiteCRM (``workers.jobs.outbox`` holds a lock); two at once still apply each
    change once (the position is WATCHed), at the cost of reading twice.
    """
    if not 1 <= batch <= MAX_PAGE_SIZE - LOOKBACK:
        raise ValueError(f"batch must be between 1 and {MAX_PAGE_SIZE - LOOKBACK}")
    if keep < 0:
        raise ValueError("keep must be 0 or more")
    applied = late = skipped = 0
    full = True
    rounds = 0
    while full and rounds < max_batches:
        step = _drain_batch(redis_client, crm, batch, apply, service_user_id)
        applied, late, skipped = applied + step.applied, late + step.late, skipped + step.skipped
        full = step.full
        rounds += 1
    # Applying first: a backlog reaches the stream in one read per batch, while pruning
    # costs a call per row; a drain that stopped with rows left prunes nothing.
    pruned = prune_applied(redis_client, crm, keep=keep) if prune and not full else 0
    return DrainResult(applied=applied, late=late, skipped=skipped, pruned=pruned,
                       position=position(redis_client), more=full)


def _drain_batch(redis_client: redis.Redis, crm: SuiteCRMClient, batch: int, apply: Apply,
                 service_user_id: str | None) -> _Batch:
    for _ in range(_WATCH_RETRIES):
        with redis_client.pipeline(transaction=True) as pipe:
            try:
                return _apply_batch(redis_client, pipe, crm, batch, apply, service_user_id)
            except redis.WatchError:
                log.info("change outbox: another drain moved the position; reading again")
    raise RuntimeError("change outbox: the position kept moving under this drain "
                       f"{_WATCH_RETRIES} times; is more than one drain running without the lock?")


def _apply_batch(redis_client: redis.Redis, pipe: redis.client.Pipeline, crm: SuiteCRMClient,
                 batch: int, apply: Apply, service_user_id: str | None) -> _Batch:
    pipe.watch(STATE_KEY)  # type: ignore[no-untyped-call]
    state = cast("dict[bytes, bytes]", pipe.hgetall(STATE_KEY))
    start = int(state.get(b"position", b"0"))
    floor = max(start - LOOKBACK, int(state.get(b"floor", b"0")))
    page_size = batch + LOOKBACK  # the look-back holds at most LOOKBACK rows
    rows = crm.list(MODULE, filter=Filter.where(sequence__gt=floor), sort="sequence",
                    fields=FIELDS, page_size=page_size, page=1).records
    done = _already_applied(redis_client, rows)
    pending = [record for record in rows if record.id not in done]
    changes: list[OutboxChange] = []
    malformed: dict[str, int] = {}
    for record in pending[:batch]:
        try:
            changes.append(parse_row(record))
        except MalformedOutboxRow as exc:
            log.warning("%s; skipped (it is pruned like an applied row)", exc)
            number = str(record.get("sequence") or "")
            malformed[record.id] = int(number) if number.isdigit() else start
    items = [_item(redis_client, change, start, service_user_id) for change in changes]
    newest = max([start, *malformed.values(), *(c.sequence for c in changes)])
    pipe.multi()
    for change, item in zip(changes, items, strict=True):
        apply(pipe, change, item)
    if changes or malformed:
        pipe.zadd(APPLIED_KEY, {**malformed, **{c.row_id: c.sequence for c in changes}})
    pipe.hset(STATE_KEY, "position", newest)
    pipe.execute()
    return _Batch(applied=len(changes), late=sum(1 for i in items if i["late"]),
                  skipped=len(malformed), position=newest,
                  full=len(rows) >= page_size or len(pending) > batch)


def _already_applied(redis_client: redis.Redis, rows: tuple[Record, ...]) -> set[str]:
    if not rows:
        return set()
    scores = redis_client.zmscore(APPLIED_KEY, [r.id for r in rows])
    return {row.id for row, score in zip(rows, scores, strict=True) if score is not None}


def _item(redis_client: redis.Redis, change: OutboxChange, start: int,
          service_user_id: str | None) -> dict[str, Any]:
    """The change as the stream carries it: the notice's event fields, plus where it
    came from, its sequence, the record's ``date_modified``, ``late`` and ``own``."""
    item: dict[str, Any] = {
        "source": SOURCE, "event_id": change.row_id, "sequence": change.sequence,
        "module": change.module, "record_id": change.record_id, "action": change.action,
        "changed_fields": list(change.changed_fields),
        "assigned_user_id": change.assigned_user_id,
        "modified_user_id": change.modified_user_id,
        "occurred_at": change.occurred_at.isoformat(),
        "date_modified": change.date_modified.isoformat(),
        "late": change.sequence <= start,
    }
    return own_writes.mark(redis_client, item, service_user_id=service_user_id)


def prune_applied(redis_client: redis.Redis, crm: SuiteCRMClient, *,
                  keep: int = DEFAULT_KEEP) -> int:
    """Delete applied rows from SuiteCRM, all but the newest ``keep``, in one call (the
    bean removes the older rows with the newest of them); the number pruned. A row
    already gone counts as pruned."""
    oldest = cast("list[bytes]", redis_client.zrange(APPLIED_KEY, 0, -(keep + 1)))
    if not oldest:
        return 0
    newest = oldest[-1].decode()
    try:
        crm.delete(MODULE, newest)
    except NotFoundError:
        log.info("change outbox row %s was already gone", newest)
    redis_client.zremrangebyrank(APPLIED_KEY, 0, len(oldest) - 1)
    return len(oldest)


def position(redis_client: redis.Redis) -> int:
    """The highest sequence applied (0 before the first drain)."""
    value = redis_client.hget(STATE_KEY, "position")
    return int(cast("bytes", value)) if value is not None else 0


def set_position(redis_client: redis.Redis, sequence: int) -> None:
    """Start (again) after ``sequence``: rows up to it are never read, nor pruned by this
    service. For a first start on a SuiteCRM whose outbox holds history the feed rebuild
    covers anyway, or to skip rows on purpose."""
    if sequence < 0:
        raise ValueError("a sequence is 0 or more")
    redis_client.hset(STATE_KEY, mapping={"position": sequence, "floor": sequence})


def waiting_to_prune(redis_client: redis.Redis) -> int:
    """Applied rows still in SuiteCRM's outbox (the kept margin included)."""
    return int(redis_client.zcard(APPLIED_KEY))
