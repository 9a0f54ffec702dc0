"""The intake job: a stored webhook delivery becomes typed events on a Redis stream.

The receiver only verified and stored the raw bytes; here they are parsed by the same
connector or plugin parser into typed events, and each event is appended, as a small JSON
dict, to the stream of its source (``socialcrm:events:facebook``...), where the sync rules
read them. Why a stream: it keeps order, lets several consumer groups read at their own
pace, and survives a restart with Redis' AOF.

Safe to run twice: the appends and the ``processed`` mark happen in one MULTI/EXEC guarded
by WATCH on the delivery, so a retried or duplicated run appends nothing more. Events also
carry ``event_id``, so downstream rules can drop what a different delivery repeated
(LinkedIn may batch the same notification differently).

Each Facebook or LinkedIn event the sync writes also gets its own ingest job
(``workers.jobs.ingest``) on the ``webhooks`` queue, queued *before* the delivery is marked
processed: a run that dies in between is retried and queues nothing twice (the ingest job
id is derived from the event), while the reverse order could lose an event for good.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

import redis
from redis.client import Pipeline
from rq import get_current_job

from connectors.facebook.webhooks import parse_events
from connectors.linkedin.webhooks import parse_notifications
from connectors.social import WebhookEvent
from plugin.crm_events import CrmEvent, parse_notice
from workers import deliveries
from workers.deliveries import Delivery
from workers.jobs import ingest, outbox
from workers.streams import STREAM_MAXLEN, stream_key

log = logging.getLogger(__name__)

FUNCTION = "workers.jobs.intake.take_in"  # the dotted path the receivers enqueue


def take_in(delivery_id: str) -> int:
    """RQ entry point: the number of events appended (0 when already taken in or expired)."""
    job = get_current_job()
    if job is None:
        raise RuntimeError("take_in runs inside an RQ job; call take_in_with otherwise")
    return take_in_with(job.connection, delivery_id)


def take_in_with(client: redis.Redis, delivery_id: str) -> int:
    """Parse one stored delivery and append its events to its source's stream, once."""
    key = deliveries.key_of(delivery_id)
    with client.pipeline(transaction=True) as pipe:
        pipe.watch(key)  # type: ignore[no-untyped-call]
        delivery = deliveries.load(client, delivery_id)
        if delivery is None:
            log.warning("delivery %s expired before it was taken in", delivery_id)
            return 0
        if delivery.processed:
            return 0
        if delivery.source == "suitecrm":
            return _wake_outbox_drain(client, pipe, key)
        items = events_of(delivery)
        for item in items:
            ingest.enqueue_event(client, item, purpose="webhooks")
        pipe.multi()
        for item in items:
            pipe.xadd(stream_key(delivery.source),
                      {"delivery_id": delivery_id, "event": json.dumps(item)},
                      maxlen=STREAM_MAXLEN, approximate=True)
        pipe.hset(key, "processed", "1")
        pipe.execute()  # WatchError if another run got there first: RQ retries, then no-op
    return len(items)


def _wake_outbox_drain(client: redis.Redis, pipe: Pipeline, key: str) -> int:
    """A SuiteCRM notice is a wake-up call: the outbox in SuiteCRM's own database is the
    record of what changed (every change, in order, deletes included, even those of a
    mass update that sent one notice or none), so the notice adds nothing to the stream;
    it makes the drain run now rather than at its next periodic turn."""
    pipe.multi()
    pipe.hset(key, "processed", "1")
    pipe.execute()
    outbox.request_drain(client)
    return 0


def events_of(delivery: Delivery) -> list[dict[str, Any]]:
    """The delivery's events as small JSON-ready dicts, in the order they arrived."""
    if delivery.source == "facebook":
        return [_social(event) for event in parse_events(delivery.body)]
    if delivery.source == "linkedin":
        return [_social(event) for event in parse_notifications(
            delivery.body, received_at=delivery.received_at)]
    notice = parse_notice(delivery.body)
    accepted = set(delivery.accepted_event_ids)
    return [_crm(event, notice.notice_id) for event in notice.events
            if event.event_id in accepted]


def _social(event: WebhookEvent) -> dict[str, Any]:
    item: dict[str, Any] = {
        "network": str(event.network), "kind": event.kind, "verb": event.verb,
        "object_id": event.object_id, "owner_id": event.owner_id,
        "occurred_at": event.occurred_at.isoformat(), "post_id": event.post_id,
        "parent_id": event.parent_id, "body": event.body, "event_id": event.event_id,
        "author": None if event.author is None else {
            "external_id": event.author.external_id, "name": event.author.name},
    }
    if event.kind == "unknown":  # nothing announced is dropped: keep what we cannot read
        item["raw"] = _plain(event.raw)
    return item


def _crm(event: CrmEvent, notice_id: str) -> dict[str, Any]:
    return {
        "notice_id": notice_id, "event_id": event.event_id, "module": event.module,
        "record_id": event.record_id, "action": event.action,
        "changed_fields": list(event.changed_fields),
        "assigned_user_id": event.assigned_user_id,
        "modified_user_id": event.modified_user_id,
        "occurred_at": event.occurred_at.isoformat(),
    }


def _plain(raw: Mapping[str, Any]) -> Any:
    """The raw payload as plain JSON (it came from JSON, so this round-trips)."""
    return json.loads(json.dumps(raw, default=str))
