"""How far each periodic read has got: one watermark per (network, account, stream) in Redis.

Why a watermark and not a cursor: network cursors go stale when the object they name is
deleted, and SuiteCRM pages by offset; a time is always a valid place to read from again.
A watermark says "everything that happened before this time is committed to SuiteCRM", so
it moves only after the records it covers were written: a poll that fails half-way leaves
it where it was, and the next poll reads the same span again (the deterministic record
ids of ``plugin.sync.ids`` make the second writing of an item a no-op, not a duplicate).

Why an overlap: networks show an item some seconds after its creation time (Graph is
eventually consistent), and an item edited soon after it was read has the same creation
time as before. So every read starts ``overlap`` before the watermark (``read_from``) and
meets again what it already wrote; the sync rules recognise it as unchanged.

Why compare-and-set: two pollers of the same account (a scheduled job and a manual
``socialcrm sync``) could both read watermark W, and the slower could then store an older
position over the faster's newer one. Each stored watermark carries a ``version``; a move
names the version it started from and succeeds only if nobody moved it since and the new
time is not earlier than the stored one (one Lua script: atomic across hosts). The loser's
writes are still committed; only its position is not recorded, and the next poll re-reads.

Beside the time, a watermark keeps ``cursor`` (small JSON: per-form lead positions...) and
an optional ``memory`` hash (per-object facts such as a post's comment count) written in
the same atomic step, so the two can never disagree after a crash.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, cast

import redis

KEY_PREFIX = "socialcrm:watermark:"
DEFAULT_OVERLAP = timedelta(minutes=10)

# KEYS[1] watermark hash, KEYS[2] memory hash.
# ARGV[1] expected version, ARGV[2] new time (epoch microseconds), ARGV[3] cursor JSON,
# ARGV[4] moved-at (epoch microseconds), ARGV[5] number of memory pairs, then the pairs,
# then the memory fields to forget.
_ADVANCE = """
local version = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if version ~= tonumber(ARGV[1]) then return 0 end
local stored = redis.call('HGET', KEYS[1], 'time')
if stored and stored ~= '' and tonumber(stored) > tonumber(ARGV[2]) then return -1 end
redis.call('HSET', KEYS[1], 'version', version + 1, 'time', ARGV[2], 'cursor', ARGV[3],
           'moved_at', ARGV[4])
local count = tonumber(ARGV[5])
local first_forget = 6 + 2 * count
for i = 6, first_forget - 1, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
for i = first_forget, #ARGV do redis.call('HDEL', KEYS[2], ARGV[i]) end
return 1
"""

Move = Literal["moved", "lost", "backwards"]


@dataclass(frozen=True, slots=True)
class StreamKey:
    """What a watermark measures: one stream (``comments``, ``leads``, ``messages``, a
    SuiteCRM module...) of one account (a Page id, an organization URN) of one network."""

    network: str
    account_id: str
    stream: str

    def __post_init__(self) -> None:
        for name in ("network", "account_id", "stream"):
            if not getattr(self, name):
                raise ValueError(f"a watermark needs a {name}")

    @property
    def key(self) -> str:
        return f"{KEY_PREFIX}{self.network}:{self.account_id}:{self.stream}"

    @property
    def memory_key(self) -> str:
        return f"{self.key}:memory"


@dataclass(frozen=True, slots=True)
class Watermark:
    """A stored position: ``time`` None until the first committed read."""

    stream: StreamKey
    time: datetime | None = None
    cursor: Mapping[str, Any] = field(default_factory=dict)
    version: int = 0
    moved_at: datetime | None = None

    def read_from(self, overlap: timedelta = DEFAULT_OVERLAP) -> datetime | None:
        """Where the next read starts: ``overlap`` before the watermark (None: from the
        beginning, the stream was never read)."""
        if overlap < timedelta(0):
            raise ValueError("the overlap cannot be negative")
        return None if self.time is None else self.time - overlap


def load(client: redis.Redis, stream: StreamKey) -> Watermark:
    """The stored watermark of ``stream`` (an empty one when never moved)."""
    raw = cast("dict[bytes, bytes]", client.hgetall(stream.key))
    if not raw:
        return Watermark(stream)
    return Watermark(
        stream=stream, time=_time(raw.get(b"time")),
        cursor=json.loads(raw.get(b"cursor") or b"{}"),
        version=int(raw.get(b"version") or 0), moved_at=_time(raw.get(b"moved_at")))


def memory(client: redis.Redis, stream: StreamKey) -> dict[str, str]:
    """The per-object facts stored with the watermark (field -> value)."""
    raw = cast("dict[bytes, bytes]", client.hgetall(stream.memory_key))
    return {k.decode(): v.decode() for k, v in raw.items()}


def advance(client: redis.Redis, mark: Watermark, time: datetime, *,
            cursor: Mapping[str, Any] | None = None,
            remember: Mapping[str, str] | None = None,
            forget: Iterable[str] = ()) -> Move:
    """Move ``mark`` to ``time`` if nobody moved it since it was loaded.

    Call only after everything up to ``time`` is committed. ``cursor`` replaces the stored
    one (default: kept as loaded); ``remember`` sets and ``forget`` deletes fields of the
    memory hash in the same atomic step. ``"lost"``: another poller moved it first (its
    position stands); ``"backwards"``: the stored time is later than ``time``.
    """
    if time.utcoffset() is None:
        raise ValueError("a watermark time must be timezone-aware")
    pairs: list[str] = []
    for name, value in (remember or {}).items():
        pairs.extend((name, value))
    argv: list[str | int] = [
        mark.version, _micros(time),
        json.dumps(dict(mark.cursor if cursor is None else cursor), sort_keys=True),
        _micros(datetime.now(UTC)), len(pairs) // 2, *pairs, *forget]
    outcome = int(cast(int, client.eval(_ADVANCE, 2, mark.stream.key,
                                        mark.stream.memory_key, *argv)))
    return "moved" if outcome == 1 else "lost" if outcome == 0 else "backwards"


def reset(client: redis.Redis, stream: StreamKey) -> None:
    """Forget a stream's position and memory: its next read starts from the beginning."""
    client.delete(stream.key, stream.memory_key)


def _micros(moment: datetime) -> int:
    delta = moment.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    return delta // timedelta(microseconds=1)


def _time(raw: bytes | None) -> datetime | None:
    if not raw:
        return None
    micros = int(raw)
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros)


__all__ = ["DEFAULT_OVERLAP", "Move", "StreamKey", "Watermark", "advance", "load", "memory",
           "reset"]
