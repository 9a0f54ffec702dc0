"""What every receiver does after its own check: read raw bytes under a cap, store, enqueue.

Why the cap is set on the request before reading: Werkzeug then refuses a too-large
``Content-Length`` with 413 before reading a byte, and stops a chunked body at the cap,
so an attacker cannot make the API buffer an unbounded body before the signature check.
Why ``cache=False``: the bytes are read once, exactly as received, and never re-parsed by
a form parser.

A delivery is stored (once, atomically) and only then enqueued under a job id derived
from it. A redelivery finds the stored delivery and answers 200 without a second job; if
an earlier attempt stored but crashed before enqueueing, the redelivery enqueues it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import redis
from flask import Response, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from mobile_api.config import ApiConfig
from mobile_api.state import api_config, api_redis
from workers import deliveries, queues
from workers.deliveries import Delivery, Source
from workers.jobs.intake import FUNCTION
from workers.redis_connect import confirm_replicated


def config() -> ApiConfig:
    return api_config()


def redis_client() -> redis.Redis:
    return api_redis()


def read_body(limit: int | None = None) -> bytes:
    """The raw body, refused with 413 beyond ``limit`` (default: the app's cap)."""
    cap = min(config().max_body_bytes, limit) if limit else config().max_body_bytes
    # One byte of slack: Werkzeug stops a chunked body silently at the limit, so reading
    # cap + 1 bytes is how a body of more than cap bytes without a length is recognised.
    request.max_content_length = cap + 1
    body = request.get_data(cache=False)
    if len(body) > cap:
        raise RequestEntityTooLarge(f"the body is larger than {cap} bytes")
    return body


def kept_headers(names: tuple[str, ...]) -> dict[str, str]:
    """The named request headers that came (for audit and a later re-check), nothing else."""
    return {name: request.headers[name] for name in names if name in request.headers}


def problem(code: int, error: str, message: str, **extra: Any) -> tuple[Response, int]:
    """A JSON error answer naming what was wrong (never a stack trace, never an HTML page)."""
    return jsonify(code=code, error=error, message=message, **extra), code


def accept(source: Source, body: bytes, headers: Mapping[str, str], *, key: str | bytes,
           accepted_event_ids: tuple[str, ...] = ()) -> tuple[Response, int]:
    """Store the delivery and enqueue its intake job; 200 whether new or a redelivery."""
    client = redis_client()
    delivery_id = deliveries.delivery_id(source, key)
    delivery = Delivery(delivery_id=delivery_id, source=source, body=body, headers=headers,
                        received_at=datetime.now(UTC), accepted_event_ids=accepted_event_ids,
                        processed=False)
    created = deliveries.store(client, delivery, ttl_seconds=config().delivery_ttl_seconds)
    queued = False
    if created or not deliveries.is_processed(client, delivery_id):
        queued = queues.enqueue(client, "webhooks", FUNCTION, delivery_id, job_id=delivery_id)
    # Answered 200, the network never sends it again: it must survive a failover
    # (Sentinel: one replica holds it, else 503 and the network retries).
    confirm_replicated(client, deliveries.key_of(delivery_id))
    status = "accepted" if created else "duplicate"
    return jsonify(status=status, delivery_id=delivery_id, queued=queued), 200
