"""Quick updates in Redis: the records, each rep's idempotency keys, each rep's queue.

Layout (all under ``socialcrm:updates:``):

* ``update:<id>``: a hash per update: ``document`` (what was accepted, never changed
  afterwards), ``status``, ``result``, ``delivery`` (replies), ``updated_at``. It lives
  ``ttl_seconds`` after its last change, so an app can read an outcome for that long.
* ``key:<user id>:<sha256 of the key>``: ``"<update id> <body hash>"``, for
  ``ttl_seconds`` (7 days by default) after the update was accepted. Keys are per rep:
  two reps may use the same key for different updates. Within the TTL the same key
  with the same body is the same update (a replay); with another body, a mismatch
  (the API answers 409). After the TTL the key is free again.
* ``pending:<user id>``: the rep's updates not yet applied, in acceptance order; a
  worker applies them from the head (``workers.updates.runner``), so a later update of
  a rep never lands before an earlier one.

Why one Lua script for accepting: the key check, the record and the queue entry must be
one step, or two posts of the same key at the same moment (a phone retrying on a flaky
network) would both find the key free and make two updates.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

import redis

from workers.updates.model import (
    UPDATE_TYPES,
    Outcome,
    Update,
    iso,
    status_of,
    utc_now,
)

PREFIX = "socialcrm:updates:"
DEFAULT_TTL_SECONDS = 7 * 24 * 3600

SubmitOutcome = Literal["accepted", "replayed", "mismatch"]

# KEYS: key index, the new update's hash, the rep's pending list.
# ARGV: update id, body hash, ttl, document, now.
_SUBMIT = """
local held = redis.call('GET', KEYS[1])
if held then return held end
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. ARGV[2], 'EX', ARGV[3])
redis.call('HSET', KEYS[2], 'document', ARGV[4], 'status', 'queued', 'updated_at', ARGV[5])
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('RPUSH', KEYS[3], ARGV[1])
redis.call('EXPIRE', KEYS[3], ARGV[3])
return false
"""

# KEYS: the update's hash, the rep's pending list. ARGV: id, status, result, now, ttl.
# Writes an outcome only over 'queued': an update is finished once.
_FINISH = """
local status = redis.call('HGET', KEYS[1], 'status')
redis.call('LREM', KEYS[2], 0, ARGV[1])
if status ~= 'queued' then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'result', ARGV[3], 'updated_at', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 1
"""


def update_key(update_id: str) -> str:
    return f"{PREFIX}update:{update_id}"


def pending_key(user_id: str) -> str:
    return f"{PREFIX}pending:{user_id}"


def index_key(user_id: str, idempotency_key: str) -> str:
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()
    return f"{PREFIX}key:{user_id}:{digest}"


def body_hash(body: Mapping[str, Any]) -> str:
    """The fingerprint two bodies share exactly when they ask for the same update."""
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                           default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Submission:
    """What accepting gave: a new update, the same update again, or a key mismatch (the
    update the key names, which the caller must not reveal beyond its existence)."""

    outcome: SubmitOutcome
    update: Update


class UpdateStore:
    """The updates of one Redis (see the module docstring)."""

    def __init__(self, client: redis.Redis, *, ttl_seconds: int = DEFAULT_TTL_SECONDS) -> None:
        if ttl_seconds < 3600:
            raise ValueError("idempotency keys are kept at least an hour")
        self.redis = client
        self.ttl_seconds = ttl_seconds

    def submit(self, *, user_id: str, idempotency_key: str, body: Mapping[str, Any],
               update_type: str, fields: Mapping[str, Any],
               client_time: datetime | None = None,
               base: Mapping[str, Any] | None = None) -> Submission:
        """Accept an update unless the rep's key is taken (then replay or mismatch)."""
        fingerprint = body_hash(body)
        now = utc_now()
        if update_type not in UPDATE_TYPES:
            raise ValueError(f"unknown update type {update_type!r}")
        update = Update(id=str(uuid.uuid4()), user_id=user_id,
                        type=update_type,
                        idempotency_key=idempotency_key, body_hash=fingerprint,
                        accepted_at=now, fields=dict(fields), client_time=client_time,
                        base=dict(base or {}), updated_at=now)
        script = self.redis.register_script(_SUBMIT)
        for _ in range(2):  # twice at most: once more after dropping a stale key
            held = script(keys=[index_key(user_id, idempotency_key), update_key(update.id),
                                pending_key(user_id)],
                          args=[update.id, fingerprint, self.ttl_seconds, update.document(),
                                iso(now)])
            if held is None:
                return Submission("accepted", update)
            held_id, _, held_hash = _text(held).partition(" ")
            existing = self.get(held_id)
            if existing is not None:
                outcome: SubmitOutcome = "replayed" if held_hash == fingerprint else "mismatch"
                return Submission(outcome, existing)
            # The key outlived its update (a TTL raced): the key is free again.
            self.redis.delete(index_key(user_id, idempotency_key))
        raise RuntimeError("an idempotency key kept pointing at a vanished update")

    def get(self, update_id: str) -> Update | None:
        stored = cast("dict[bytes, bytes]", self.redis.hgetall(update_key(update_id)))
        if b"document" not in stored:
            return None
        return Update.from_stored(update_id, {k.decode(): v.decode() for k, v in stored.items()})

    def get_for(self, user_id: str, update_id: str) -> Update | None:
        """The update, only when it is ``user_id``'s (another rep's reads as absent)."""
        update = self.get(update_id)
        return update if update is not None and update.user_id == user_id else None

    def find(self, user_id: str, idempotency_key: str) -> Update | None:
        """The rep's update accepted under ``idempotency_key`` (within the TTL)."""
        held = self.redis.get(index_key(user_id, idempotency_key))
        if held is None:
            return None
        return self.get(_text(held).partition(" ")[0])

    def pending(self, user_id: str) -> list[str]:
        """The rep's update ids waiting to be applied, oldest first."""
        return [_text(i) for i in cast("list[bytes]",
                                       self.redis.lrange(pending_key(user_id), 0, -1))]

    def finish(self, update: Update, outcome: Outcome) -> bool:
        """Record the outcome and take the update off the rep's queue; False when it was
        finished already (it stays as it was)."""
        script = self.redis.register_script(_FINISH)
        done = script(keys=[update_key(update.id), pending_key(update.user_id)],
                      args=[update.id, status_of(outcome),
                            json.dumps(outcome.result(), ensure_ascii=False),
                            iso(utc_now()), self.ttl_seconds])
        return bool(done)

    def drop_pending(self, user_id: str, update_id: str) -> None:
        """Take an id off the rep's queue (its update vanished or was finished)."""
        self.redis.lrem(pending_key(user_id), 0, update_id)

    def start_delivery(self, update_id: str) -> None:
        """Mark a reply ``posting`` unless its delivery stands somewhere already (a
        repeated step must not undo a posted one)."""
        self.redis.hsetnx(update_key(update_id), "delivery", json.dumps({"status": "posting"}))

    def set_delivery(self, update_id: str, delivery: Mapping[str, Any]) -> None:
        """Record how the network delivery of a reply stands."""
        key = update_key(update_id)
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping={"delivery": json.dumps(dict(delivery), ensure_ascii=False),
                                    "updated_at": iso(utc_now())})
            pipe.expire(key, self.ttl_seconds)
            pipe.execute()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
