"""What changed in a rep's timeline since an offline app last synced (the delta of the feed).

Why a change log per rep: an app on a phone keeps the feed to read on the road and, back
online, asks only for what changed. Every script that changes a live timeline appends
what it did to the rep's log (``socialcrm:feed:changes:<user>``, a list) in the same step
(``workers.feed_scripts``): ``+`` an item added or replaced, ``d``/``r``/``t`` an item
that left (its record deleted, reassigned away, trimmed past the bound). A sync token
names a position in that log (entries appended so far), so the delta since a token is
exactly the log after it.

Why a token also names a generation: ``socialcrm feed rebuild`` swaps whole timelines in
at once, without a log of what that changed. The generation is a number kept per rep in
``sync-generations`` (set when the first token is asked for); the swap deletes it, so
the rep's next token starts a new generation and every older token answers "gone": the
app resyncs from the feed itself. The same happens when the log was trimmed past the
token's position (it keeps as many entries as the timeline holds items: past that a delta
would be as long as a resync).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any, Literal

import redis
from redis.client import Pipeline

from workers.feed import CHANGE_FLOORS, LIVE, PREFIX, SYNC_GENERATIONS, script_on
from workers.feed_codec import record_of, version_text
from workers.feed_items import item_id as item_id_of

GENERATIONS_KEY = PREFIX + "generations"  # the counter generations are drawn from
DEFAULT_CHANGES = 200
MAX_CHANGES = 500
_TOKEN = re.compile(r"^(\d{1,18})\.(\d{1,18})$")
_FIRST_LAYOUT_TOKEN = re.compile(r"^\d{1,18}\.\d{1,15}-\d{1,19}$")  # a stream entry id

Reason = Literal["deleted", "reassigned", "trimmed"]
REASONS: dict[str, Reason] = {"d": "deleted", "r": "reassigned", "t": "trimmed"}
GoneReason = Literal["rebuilt", "trimmed", "unknown"]

# KEYS: sync generations, change log, change floors, generation counter. ARGV: user.
# A counter that is missing (a new store, or one emptied) starts at the server's clock in
# microseconds. Generations are drawn far slower than one a microsecond, so the counter
# stays below the clock, and one started later starts above every generation drawn
# before: none is drawn twice, and a token, or a page kept for one
# (``mobile_api.feed.pages``), never names a timeline that came after it.
_CURRENT_SCRIPT = """
local generation = redis.call('HGET', KEYS[1], ARGV[1])
if not generation then
  if redis.call('EXISTS', KEYS[4]) == 0 then
    local now = redis.call('TIME')
    redis.call('SET', KEYS[4], now[1] .. string.format('%06d', tonumber(now[2])))
  end
  generation = string.format('%d', redis.call('INCR', KEYS[4]))
  redis.call('HSET', KEYS[1], ARGV[1], generation)
end
local floor = tonumber(redis.call('HGET', KEYS[3], ARGV[1]) or 0)
return {generation, floor + redis.call('LLEN', KEYS[2])}
"""

_CURRENT_SHA = hashlib.sha1(_CURRENT_SCRIPT.encode()).hexdigest()  # noqa: S324 - Redis's

# KEYS: sync generations, change log, change floors, timeline. ARGV: user, generation,
# position, how many. Answers {'gone', reason} or {'ok', more (0/1), then per entry the
# entry and the stored item ('' unless an addition whose item is still there)}. The items
# are found by id in one read of the (bounded) timeline.
_CHANGES_SCRIPT = """
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return {'gone', 'rebuilt'} end
local floor, position = tonumber(redis.call('HGET', KEYS[3], ARGV[1]) or 0), tonumber(ARGV[3])
if position < floor then return {'gone', 'trimmed'} end
if position > floor + redis.call('LLEN', KEYS[2]) then return {'gone', 'unknown'} end
local want = tonumber(ARGV[4])
local rows = redis.call('LRANGE', KEYS[2], position - floor, position - floor + want)
local out, items = {'ok', #rows > want and 1 or 0}, nil
for i = 1, math.min(#rows, want) do
  local data = ''
  if string.sub(rows[i], 1, 1) == '+' then
    if not items then
      items = {}
      for _, e in ipairs(redis.call('LRANGE', KEYS[4], 0, -1)) do
        items[string.sub(e, 11, 34)] = e
      end
    end
    data = items[string.sub(rows[i], 2)] or ''
  end
  out[#out + 1] = rows[i]; out[#out + 1] = data
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

    ``items`` are (item id, stored element) pairs, as a page's entries are (the API turns
    each into its item with ``feed_codec.api_item``); ``more``: the log holds further
    changes, ask again with ``next_token`` at once."""

    items: tuple[tuple[bytes, bytes], ...]
    tombstones: tuple[Tombstone, ...]
    next_token: str
    more: bool


def current_token(client: redis.Redis, user_id: str) -> str:
    """A token for the timeline as it is now: the app reads the feed, then asks for the
    changes since this token (anything that changed meanwhile comes again, harmlessly).
    It names the timeline's state: every change of the timeline gives another."""
    return token_of(script_on(client, _CURRENT_SCRIPT)(keys=_current_keys(user_id),
                                                        args=[user_id]))


def queue_current_token(pipe: Pipeline, user_id: str) -> None:
    """Queue :func:`current_token`'s script on ``pipe`` (its answer is for
    :func:`token_of`). Queued as a bare EVALSHA: a pipeline that runs a redis-py
    ``Script`` first asks Redis whether it knows it, a round trip more each time. Until
    :func:`current_token` has loaded it, the answer is a ``NoScriptError``."""
    keys = _current_keys(user_id)
    pipe.evalsha(_CURRENT_SHA, len(keys), *keys, user_id)


def _current_keys(user_id: str) -> list[str]:
    return [SYNC_GENERATIONS, LIVE.changes(user_id), CHANGE_FLOORS, GENERATIONS_KEY]


def token_of(answer: Any) -> str:
    """The token in an answer of :func:`queue_current_token`'s script."""
    generation, position = (_text(part) for part in answer)
    return f"{generation}.{position}"


def changes_since(client: redis.Redis, user_id: str, token: str,
                  limit: int = DEFAULT_CHANGES) -> Delta:
    """The changes after ``token`` (at most ``limit`` log entries), read in one script.

    Raises ``TokenError`` for text that is not a token and ``TokenExpired`` when the
    changes after it are no longer all known (a rebuild, the log's bound, a lost log, or
    a token of the first layout, whose log was a stream)."""
    if not 1 <= limit <= MAX_CHANGES:
        raise ValueError(f"a delta reads 1 to {MAX_CHANGES} changes")
    if _FIRST_LAYOUT_TOKEN.match(token):
        raise TokenExpired("rebuilt")
    match = _TOKEN.match(token)
    if match is None:
        raise TokenError(f"not a sync token: {token[:40]!r}")
    generation, position = match.groups()
    answer = script_on(client, _CHANGES_SCRIPT)(
        keys=[SYNC_GENERATIONS, LIVE.changes(user_id), CHANGE_FLOORS, LIVE.timeline(user_id)],
        args=[user_id, generation, position, limit])
    if _text(answer[0]) == "gone":
        raise TokenExpired(_gone_reason(_text(answer[1])))
    rows = answer[2:]
    latest: dict[str, tuple[bytes, bytes] | Tombstone] = {}  # record -> its last change
    for index in range(0, len(rows), 2):
        entry, data = _text(rows[index]), _bytes(rows[index + 1])
        if entry.startswith("+"):
            _added(latest, entry[1:], data)
        else:
            version, _, record = entry[1:].partition(" ")
            module, _, record_id = record.partition("/")
            item_id = item_id_of(module, record_id, version_text(int(version)))
            latest.pop(record, None)
            latest[record] = Tombstone(module, record_id, item_id, REASONS[entry[0]])
    read = len(rows) // 2
    return Delta(items=tuple(c for c in latest.values() if isinstance(c, tuple)),
                 tombstones=tuple(c for c in latest.values() if isinstance(c, Tombstone)),
                 next_token=f"{generation}.{int(position) + read}",
                 more=bool(int(answer[1])))


def _added(latest: dict[str, tuple[bytes, bytes] | Tombstone], item_id: str,
           data: bytes) -> None:
    """An addition; without data the item has been replaced or has left since, and a
    later entry of the log (maybe past this delta) tells the record's latest state."""
    if not data:
        return
    module, record_id = record_of(data)
    record = f"{module}/{record_id}"
    latest.pop(record, None)  # the record's latest change comes last
    latest[record] = (item_id.encode(), data)


def _gone_reason(text: str) -> GoneReason:
    return "rebuilt" if text == "rebuilt" else "trimmed" if text == "trimmed" else "unknown"


def _text(value: bytes | str | int) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _bytes(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode()
