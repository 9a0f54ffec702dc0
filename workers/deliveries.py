"""Raw webhook deliveries kept in Redis, byte for byte, until a worker has taken them in.

Why keep the raw bytes: the receiver must answer within seconds (Meta and LinkedIn retry a
slow endpoint and disable one that keeps failing), so it only verifies, stores and enqueues.
The job then takes nothing but the delivery id (jobs take ids, never payloads) and parses
the exact bytes that were signed, so a parser fix can be replayed on what was received.

One hash per delivery, created atomically only when absent (a Lua script), so two API
processes receiving the same redelivery at once store it once. The id is derived from the
delivery itself (the body's hash, or SuiteCRM's ``notice_id``), which is what makes a
redelivery land on the same key and the same RQ job id. Keys expire after ``ttl_seconds``,
longer than any network retries a delivery (Meta: about 36 hours).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, cast

import redis

Source = Literal["facebook", "linkedin", "suitecrm"]
SOURCES: tuple[Source, ...] = ("facebook", "linkedin", "suitecrm")
KEY_PREFIX = "socialcrm:delivery:"
DEFAULT_TTL_SECONDS = 3 * 24 * 3600
_ID = re.compile(r"^(facebook|linkedin|suitecrm)-[A-Za-z0-9_-]{1,100}$")

# Create the hash only if the key does not exist yet: atomic across API processes.
_CREATE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
return 1
"""


@dataclass(frozen=True, slots=True)
class Delivery:
    """One stored delivery: what arrived, when, and whether a worker has taken it in."""

    delivery_id: str
    source: Source
    body: bytes
    headers: Mapping[str, str]
    received_at: datetime
    accepted_event_ids: tuple[str, ...]  # SuiteCRM: the events not seen before (replays dropped)
    processed: bool


def delivery_id(source: Source, key: str | bytes) -> str:
    """The id of a delivery: ``<source>-<sha256 of key, 32 hex>``; ``key`` is the raw body,
    or the sender's own delivery id. Only ``[A-Za-z0-9_-]`` so it is a valid RQ job id too."""
    data = key if isinstance(key, bytes) else key.encode("utf-8")
    return f"{source}-{hashlib.sha256(data).hexdigest()[:32]}"


def store(client: redis.Redis, delivery: Delivery, *,
          ttl_seconds: int = DEFAULT_TTL_SECONDS) -> bool:
    """Keep ``delivery``; True when it is new, False when the same id is already stored."""
    fields: dict[str, bytes | str] = {
        "source": delivery.source,
        "body": delivery.body,
        "headers": json.dumps(dict(delivery.headers), sort_keys=True),
        "received_at": delivery.received_at.astimezone(UTC).isoformat(),
        "accepted_event_ids": json.dumps(list(delivery.accepted_event_ids)),
        "processed": "0",
    }
    argv: list[bytes | str | int] = [ttl_seconds]
    for name, value in fields.items():
        argv.extend((name, value))
    created = client.eval(_CREATE, 1, _key(delivery.delivery_id), *argv)
    return bool(created)


def load(client: redis.Redis, delivery_id_: str) -> Delivery | None:
    """The stored delivery, or None once it has expired (or never was)."""
    raw = cast("dict[bytes, bytes]", client.hgetall(_key(delivery_id_)))
    if not raw:
        return None
    source = raw[b"source"].decode()
    if source not in SOURCES:
        raise ValueError(f"delivery {delivery_id_}: unknown source {source!r}")
    return Delivery(
        delivery_id=delivery_id_, source=source, body=raw[b"body"],
        headers=json.loads(raw[b"headers"]),
        received_at=datetime.fromisoformat(raw[b"received_at"].decode()),
        accepted_event_ids=tuple(json.loads(raw.get(b"accepted_event_ids", b"[]"))),
        processed=raw.get(b"processed") == b"1",
    )


def is_processed(client: redis.Redis, delivery_id_: str) -> bool:
    return client.hget(_key(delivery_id_), "processed") == b"1"


def key_of(delivery_id_: str) -> str:
    """The Redis key of a delivery (for a transaction that also marks it processed)."""
    return _key(delivery_id_)


def _key(delivery_id_: str) -> str:
    if not _ID.match(delivery_id_):
        raise ValueError(f"not a delivery id: {delivery_id_!r}")
    return KEY_PREFIX + delivery_id_
