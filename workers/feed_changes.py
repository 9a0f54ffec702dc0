"""What changed in a rep's timeline since an offline app last synced (the delta of the feed).

Why a change log per rep: an app on a phone keeps the feed to read on the road and, back
online, asks only for what changed. Every script that changes a live timeline appends
what it did to the rep's log (``socialcrm:feed:log:<user>``, a stream) in the same step
(``workers.feed_scripts``): ``+`` an item added or replaced, ``d``/``r``/``t`` an item
that left (its record deleted, reassigned away, trimmed past the bound). A sync token
names a position in that log, so the delta since a token is exactly the log after it.

Why a token also names a generation: ``socialcrm feed rebuild`` swaps whole timelines in
at once, without a log of what that changed. The generation is a number kept in the
rep's item hash (field ``generation``, set when the first token is asked for), so the swap,
which replaces that hash, starts a new generation, and every older token answers "gone":
the app resyncs from the feed itself. The same happens when the log was trimmed past the
token's position (it keeps about as many entries as the timeline holds items: past that
a delta would be as long as a resync).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Literal

import redis

from workers.feed import LIVE, PREFIX

GENERATION_FIELD = "generation"
GENERATIONS_KEY = PREFIX + "generations"  # the counter generations are drawn from
DEFAULT_CHANGES = 200
MAX_CHANGES = 500
_TOKEN = re.compile(r"^(\d{1,18})\.(\d{1,15}-\d{1,19})$")

Reason = Literal["deleted", "reassigned", "trimmed"]
REASONS: dict[str, Reason] = {"d": "deleted", "r": "reassigned", "t": "trimmed"}
GoneReason = Literal["rebuilt", "trimmed", "unknown"]

_STREAM_IDS = """
local function older(a, b)
  local am, as = string.match(a, '^(%d+)-(%d+)$')
  local bm, bs = string.match(b, '^(%d+)-(%d+)$')
  am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)
  return am < bm or (am == bm and as < bs)
end
local function newest(log, floors, user)
  local last = redis.call('XREVRANGE', log, '+', '-', 'COUNT', 1)
  local at = last[1] and last[1][1] or '0-0'
  local floor = redis.call('HGET', floors, user)
  if floor and older(at, floor) then at = floor end
  return at
end
"""

# KEYS: items, change log, log floors, generation counter. ARGV: user.
_TOKEN_SCRIPT = _STREAM_IDS + f"""
local generation = redis.call('HGET', KEYS[1], '{GENERATION_FIELD}')
if not generation then
  generation = tostring(redis.call('INCR', KEYS[4]))
  redis.call('HSET', KEYS[1], '{GENERATION_FIELD}', generation)
end
return {{generation, newest(KEYS[2], KEYS[3], ARGV[1])}}
"""

# KEYS: items, change log, log floors. ARGV: user, generation, position, how many.
# Answers {'gone', reason} or {'ok', more (0/1), then entry id, kind, value, item JSON
# ('' unless an addition whose item is still there) per entry}.
_CHANGES_SCRIPT = _STREAM_IDS + f"""
if redis.call('HGET', KEYS[1], '{GENERATION_FIELD}') ~= ARGV[2] then
  return {{'gone', 'rebuilt'}}
end
local floor = redis.call('HGET', KEYS[3], ARGV[1])
if floor and older(ARGV[3], floor) then return {{'gone', 'trimmed'}} end
if older(newest(KEYS[2], KEYS[3], ARGV[1]), ARGV[3]) then return {{'gone', 'unknown'}} end
local want = tonumber(ARGV[4])
local rows = redis.call('XRANGE', KEYS[2], '(' .. ARGV[3], '+', 'COUNT', want + 1)
local out = {{'ok', #rows > want and 1 or 0}}
for i = 1, math.min(#rows, want) do
  local entry, kind, value = rows[i][1], rows[i][2][1], rows[i][2][2]
  local data = kind == '+' and redis.call('HGET', KEYS[1], value)
  out[#out + 1] = entry; out[#out + 1] = kind; out[#out + 1] = value
  out[#out + 1] = data or ''
end
return out
"""


class TokenError(ValueError):
    """The text is not a sync token (answer 400)."""


class TokenExpired(Exception):  # named by what the app must do: resync
    """The token's changes are no longer all known (answer 410: resync from the feed)."""

    def __init__(self, reason: GoneReason) -> None:
        super().__init__(reason)
        self.reason: GoneReason = reason


@dataclass(frozen=True, slots=True)
class Tombstone:
    """An item that left the timeline: the app drops its copy of the record."""

    module: str
    record_id: str
    item_id: str
    reason: Reason


@dataclass(frozen=True, slots=True)
class Delta:
    """The changes after a token: each record once, as its current item or a tombstone.

    ``items`` are (item id, stored JSON) pairs (``workers.feed_codec``); ``more``: the
    log holds further changes, ask again with ``next_token`` at once."""

    items: tuple[tuple[bytes, bytes], ...]
    tombstones: tuple[Tombstone, ...]
    next_token: str
    more: bool


def current_token(client: redis.Redis, user_id: str) -> str:
    """A token for the timeline as it is now: the app reads the feed, then asks for the
    changes since this token (anything that changed meanwhile comes again, harmlessly)."""
    answer = client.register_script(_TOKEN_SCRIPT)(
        keys=[LIVE.items(user_id), LIVE.changes(user_id), LIVE.log_floors, GENERATIONS_KEY],
        args=[user_id])
    generation, position = (_text(part) for part in answer)
    return f"{generation}.{position}"


def changes_since(client: redis.Redis, user_id: str, token: str,
                  limit: int = DEFAULT_CHANGES) -> Delta:
    """The changes after ``token`` (at most ``limit`` log entries), read in one script.

    Raises ``TokenError`` for text that is not a token and ``TokenExpired`` when the
    changes after it are no longer all known (a rebuild, the log's bound, a lost log)."""
    if not 1 <= limit <= MAX_CHANGES:
        raise ValueError(f"a delta reads 1 to {MAX_CHANGES} changes")
    match = _TOKEN.match(token)
    if match is None:
        raise TokenError(f"not a sync token: {token[:40]!r}")
    generation, position = match.groups()
    answer = client.register_script(_CHANGES_SCRIPT)(
        keys=[LIVE.items(user_id), LIVE.changes(user_id), LIVE.log_floors],
        args=[user_id, generation, position, limit])
    if _text(answer[0]) == "gone":
        raise TokenExpired(_gone_reason(_text(answer[1])))
    rows = answer[2:]
    latest: dict[str, tuple[bytes, bytes] | Tombstone] = {}  # record -> its last change
    read_up_to = position
    for index in range(0, len(rows), 4):
        read_up_to = _text(rows[index])
        kind, value, data = _text(rows[index + 1]), _text(rows[index + 2]), rows[index + 3]
        if kind == "+":
            _added(latest, value, _bytes(data))
        else:
            item_id, _, record = value.partition(" ")
            module, _, record_id = record.partition("/")
            latest.pop(record, None)
            latest[record] = Tombstone(module, record_id, item_id, REASONS[kind])
    return Delta(items=tuple(c for c in latest.values() if isinstance(c, tuple)),
                 tombstones=tuple(c for c in latest.values() if isinstance(c, Tombstone)),
                 next_token=f"{generation}.{read_up_to}", more=bool(int(answer[1])))


def _added(latest: dict[str, tuple[bytes, bytes] | Tombstone], item_id: str,
           data: bytes) -> None:
    """An addition; without data the item has been replaced or has left since, and a
    later entry of the log (maybe past this delta) tells the record's latest state."""
    if not data:
        return
    stored = json.loads(data)
    record = f"{stored['module']}/{stored['record_id']}"
    latest.pop(record, None)  # the record's latest change comes last
    latest[record] = (item_id.encode(), data)


def _gone_reason(text: str) -> GoneReason:
    return "rebuilt" if text == "rebuilt" else "trimmed" if text == "trimmed" else "unknown"


def _text(value: bytes | str | int) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _bytes(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode()
