"""The reconcile pass: SuiteCRM changes that reached the service by no other road.

SuiteCRM tells the service about changes with signed notices (and the plugin's outbox),
but a notice can be lost: under Apache mod_php the plugin sends at most one per request, so
an import or a mass update of 50 records announces one; the service may have been down.
So a periodic pass lists, per hooked module (``plugin.model.HOOKED_MODULES``), the records
whose ``date_modified`` is at or after the module's watermark (minus the overlap), through
the client's keyset change feed (``SuiteCRMClient.changes``: nothing skipped while records
keep changing), and appends a change event for each one the stream has not carried yet.

"Not carried yet" is read from the stream itself: every event on
``socialcrm:events:suitecrm`` since the window start (notices, outbox drains, earlier
reconciles) says which record changed when; a record whose latest event is at or after its
``date_modified`` (cut to the minute, as V8 gives it) is known. So a crash between the
append and the watermark's move appends nothing twice on the next pass. Each event says
``own`` when the record's version is one the sync itself wrote (``workers.own_writes``),
like the outbox's and the notices' events, so nothing reacts to its own writes.

Records changed in the last ``settle`` (two minutes) are left for the next pass: their
notice may still be on its way through the intake queue. The watermark moves, per module,
to the settle line once the pass's events are on the stream. What this pass cannot see:
deletions (V8 does not list deleted records; the outbox carries them).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import redis
from redis.exceptions import LockError

from connectors.suitecrm import Record, SuiteCRMClient
from plugin.model import HOOKED_MODULES
from workers import own_writes, watermarks
from workers.streams import STREAM_MAXLEN, stream_key
from workers.watermarks import StreamKey

log = logging.getLogger(__name__)

STREAM = stream_key("suitecrm")
SOURCE = "reconcile"
NETWORK = "suitecrm"  # the watermarks' network and account: one per SuiteCRM module
ACCOUNT = "reconcile"
DEFAULT_OVERLAP = timedelta(minutes=10)
DEFAULT_SETTLE = timedelta(minutes=2)
FIRST_LOOKBACK = timedelta(days=1)  # how far back the very first pass looks
CLOCK_SLACK = timedelta(minutes=5)  # SuiteCRM's clock against the workers' (stream ids)
FIELDS = ("date_modified", "date_entered", "assigned_user_id", "modified_user_id")
LOCK_KEY = "socialcrm:reconcile:lock"
LOCK_SECONDS = 1800
_SCAN = 1000


class ReconcileBusy(RuntimeError):
    """Another reconcile pass is running: two at once would append the same events."""


@dataclass(frozen=True, slots=True)
class ReconcileResult:
    """What a pass did: records listed, events appended, records the stream already had."""

    listed: int = 0
    appended: int = 0
    known: int = 0
    deferred: int = 0  # changed inside the settle time: left for the next pass
    modules: Mapping[str, str] = field(default_factory=dict)  # module -> watermark outcome
    calls: int = 0

    def summary(self) -> dict[str, Any]:
        return {"listed": self.listed, "appended": self.appended, "known": self.known,
                "deferred": self.deferred, "modules": dict(self.modules),
                "calls": self.calls}


def reconcile(client: redis.Redis, crm: SuiteCRMClient, *,
              modules: Sequence[str] = HOOKED_MODULES, since: datetime | None = None,
              overlap: timedelta = DEFAULT_OVERLAP, settle: timedelta = DEFAULT_SETTLE,
              now: datetime | None = None) -> ReconcileResult:
    """One pass over ``modules``; ``since`` reads from that time whatever the watermarks.
    One pass at a time (a Redis lock; ``ReconcileBusy`` for the second)."""
    lock = client.lock(LOCK_KEY, timeout=LOCK_SECONDS, blocking=False)
    if not lock.acquire(blocking=False):
        raise ReconcileBusy("a reconcile pass is already running")
    try:
        return _reconcile(client, crm, modules, since, overlap, settle,
                          now or datetime.now(UTC))
    finally:
        try:
            lock.release()
        except LockError:
            log.warning("the reconcile lock expired before the pass ended")


def _reconcile(client: redis.Redis, crm: SuiteCRMClient, modules: Sequence[str],
               since: datetime | None, overlap: timedelta, settle: timedelta,
               moment: datetime) -> ReconcileResult:
    line = moment - settle
    before = crm.transport.counter.total()
    marks = {module: watermarks.load(client, _stream(module)) for module in modules}
    starts = {module: since or mark.read_from(overlap) or moment - FIRST_LOOKBACK
              for module, mark in marks.items()}
    known = latest_events(client, min(starts.values(), default=moment) - CLOCK_SLACK)
    tally: dict[str, int] = {"listed": 0, "appended": 0, "known": 0, "deferred": 0}
    outcomes: dict[str, str] = {}
    for module in modules:
        events = []
        for record in crm.changes(module, starts[module], fields=FIELDS):
            tally["listed"] += 1
            modified = record.datetime("date_modified")
            if modified is None:
                continue
            if modified > line:
                tally["deferred"] += 1
            elif _is_known(known.get((module, record.id)), modified):
                tally["known"] += 1
            else:
                events.append(own_writes.mark(client, change_event(record, modified)))
        append(client, events)
        tally["appended"] += len(events)
        outcomes[module] = watermarks.advance(client, marks[module], max(line, starts[module]))
    return ReconcileResult(**tally, modules=outcomes,
                           calls=crm.transport.counter.total() - before)


def change_event(record: Record, modified: datetime) -> dict[str, Any]:
    """The change as ``workers.jobs.intake`` shapes a notice's events, marked as found by
    the reconcile; ``event_id`` is derived, so the same version has the same id."""
    stamp = modified.isoformat()
    created = record.datetime("date_entered")
    digest = hashlib.sha256(f"{record.module}\x1f{record.id}\x1f{stamp}".encode()).hexdigest()
    return {
        "notice_id": "", "event_id": f"reconcile-{digest[:40]}", "module": record.module,
        "record_id": record.id,
        "action": "create" if created is not None and created >= modified else "update",
        "changed_fields": [], "assigned_user_id": record.get("assigned_user_id") or None,
        "modified_user_id": record.get("modified_user_id") or None, "occurred_at": stamp,
        "date_modified": stamp, "source": SOURCE,
    }


def append(client: redis.Redis, events: Sequence[Mapping[str, Any]]) -> None:
    """Put the events on the SuiteCRM stream, in order, in one round trip."""
    if not events:
        return
    with client.pipeline(transaction=True) as pipe:
        for event in events:
            pipe.xadd(STREAM, {"source": SOURCE, "event": json.dumps(event)},
                      maxlen=STREAM_MAXLEN, approximate=True)
        pipe.execute()


def latest_events(client: redis.Redis, since: datetime) -> dict[tuple[str, str], datetime]:
    """(module, record id) -> the latest change time the stream carried since ``since``."""
    latest: dict[tuple[str, str], datetime] = {}
    for event in _events_since(client, since):
        module, record_id = event.get("module"), event.get("record_id")
        when = _time(event.get("occurred_at") or event.get("date_modified"))
        if not module or not record_id or when is None:
            continue
        key = (str(module), str(record_id))
        if key not in latest or when > latest[key]:
            latest[key] = when
    return latest


def _events_since(client: redis.Redis, since: datetime) -> Iterator[Mapping[str, Any]]:
    start = f"{max(0, int(since.timestamp() * 1000))}-0"
    while True:
        rows = cast("list[tuple[bytes, dict[bytes, bytes]]]",
                    client.xrange(STREAM, min=start, max="+", count=_SCAN))
        for _entry_id, fields in rows:
            try:
                event = json.loads(fields.get(b"event") or b"{}")
            except ValueError:
                continue
            if isinstance(event, dict):
                yield event
        if len(rows) < _SCAN:
            return
        start = "(" + rows[-1][0].decode()


def _is_known(latest: datetime | None, modified: datetime) -> bool:
    """V8 gives ``date_modified`` cut to the minute; an event from that minute on counts."""
    return latest is not None and latest >= modified.replace(second=0, microsecond=0)


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.utcoffset() is not None else parsed.replace(tzinfo=UTC)


def _stream(module: str) -> StreamKey:
    return StreamKey(NETWORK, ACCOUNT, module)
