"""Rebuild the reps' timelines from SuiteCRM, the system of record, and swap them in whole.

Why fresh keys and a swap: a rep reading the feed during a rebuild must see either the
old feed or the new one, never a half-built one. The rebuild writes every timeline under
its own prefix (``socialcrm:feed:rebuild:<token>:``) with the same publish script the live
feed uses, then one Lua script RENAMEs each fresh key over the live one and drops the
live keys of reps the rebuild left without items, atomically.

Why the rebuild registers itself (``workers.feed.REBUILDS_KEY``): changes keep arriving
while it reads SuiteCRM. Every publish and remove meanwhile goes to the rebuild's keys too,
and the live records' versions guard its writes, so a record read from SuiteCRM before a
newer change (or before its delete) cannot overwrite what that change published. The
registration has a deadline the rebuild keeps pushing; one that died stops being
registered there, and the next rebuild deletes its keys.

``--user`` rebuilds one rep's timeline the same way: only that rep's keys are swapped,
and the record index is corrected for that rep only (the other holders of a record keep
their items, whatever version they are).

Alerts and kudos, which no SuiteCRM record stands behind, are carried over from the live
timelines before the swap (``workers.feed_derived``).

A feed kept in the first layout of the store is moved into this one first
(``workers.feed_upgrade``).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import redis

from connectors.suitecrm import SuiteCRMClient
from workers import feed, feed_derived, feed_upgrade
from workers import feed_scripts as scripts
from workers.feed import (
    LIVE,
    REBUILDS_KEY,
    REP_NUMBERS,
    SYNC_GENERATIONS,
    FeedKeys,
    rebuild_keys,
)
from workers.feed_items import fields_for, item_from_record
from workers.jobs.feed import concerned_users

DEFAULT_SINCE_DAYS = 30
REGISTRATION_SECONDS = 600
REFRESH_EVERY = 100  # records between pushes of the deadline (and progress reports)
REBUILD_MODULES = ("Calls", "Meetings", "Tasks", "Notes", "Cases", "Opportunities", "Leads",
                   "Contacts", "SCRM_SocialInteractions")

Progress = Callable[[str, int, bool], None]  # module, records read in it, module finished


class RebuildError(RuntimeError):
    """The rebuild could not finish; the live feed is unchanged."""


@dataclass
class RebuildSummary:
    since: datetime
    user: str | None
    records: int = 0
    published: int = 0
    unconcerned: int = 0  # records no rep is assigned to nor owns the account of
    superseded: int = 0  # a newer version or a delete arrived meanwhile
    carried: int = 0  # alerts and kudos kept from the live timelines
    timelines: int = 0
    per_module: dict[str, int] = field(default_factory=dict)


_REFRESH = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
"""

# KEYS: live users, fresh users, rebuilds, sync generations, then (live, fresh) timeline
# per user, then (live, fresh) index bucket for every bucket. ARGV: token, user count,
# users. Every swapped timeline starts a new generation of sync tokens.
_SWAP_ALL = """
if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 0 then return -1 end
local n = tonumber(ARGV[2])
local known = {}
for i = 1, n do known[ARGV[2 + i]] = true end
for _, key in ipairs({KEYS[1], KEYS[2]}) do
  for _, user in ipairs(redis.call('SMEMBERS', key)) do
    if not known[user] then return -2 end
  end
end
local function swap(fresh, live)
  if redis.call('EXISTS', fresh) == 1 then redis.call('RENAME', fresh, live)
  else redis.call('DEL', live) end
end
for i = 1, n do
  swap(KEYS[4 + 2 * i], KEYS[3 + 2 * i])
  redis.call('HDEL', KEYS[4], ARGV[2 + i])
end
for i = 5 + 2 * n, #KEYS, 2 do swap(KEYS[i + 1], KEYS[i]) end
swap(KEYS[2], KEYS[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return redis.call('SCARD', KEYS[1])
"""

# KEYS: live users, rebuilds, sync generations, rep numbers, live timeline, fresh
# timeline, then every live index bucket. ARGV: token, user. The rep leaves the index
# entries of what its live timeline held and joins those of what its fresh one holds; the
# other holders keep their items, so where the versions differ, the older holders' own
# stamps say so (see ``workers.feed_scripts``), and the latest stays the version guard.
_SWAP_ONE = scripts.LIB + """
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then return -1 end
local user = ARGV[2]
local n = redis.call('HGET', KEYS[4], user)
local function entry_of(element)
  local bucket, field = slot(ref_of(element))
  local key = KEYS[7 + bucket]
  local text = redis.call('HGET', key, field)
  return key, field, text and parse_entry(text)
end
if n then
  for _, element in ipairs(redis.call('LRANGE', KEYS[5], 0, -1)) do
    local key, field, entry = entry_of(element)
    if entry then drop_holder(entry, n); save_entry(key, field, entry) end
  end
end
for _, element in ipairs(redis.call('LRANGE', KEYS[6], 0, -1)) do
  local key, field, entry = entry_of(element)
  local stamp, version = stamp_of(element)
  if not entry then
    entry = {stamp = stamp, holders = {{n}}}
  elseif version > version_of(entry.stamp) then
    for _, h in ipairs(entry.holders) do h[2] = h[2] or entry.stamp end
    entry.stamp = stamp
    entry.holders[#entry.holders + 1] = {n}
  else
    entry.holders[#entry.holders + 1] = {n, stamp ~= entry.stamp and stamp or nil}
  end
  save_entry(key, field, entry)
end
if redis.call('EXISTS', KEYS[6]) == 1 then
  redis.call('RENAME', KEYS[6], KEYS[5])
  redis.call('SADD', KEYS[1], user)
else
  redis.call('DEL', KEYS[5])
  redis.call('SREM', KEYS[1], user)
end
redis.call('HDEL', KEYS[3], user)
redis.call('HDEL', KEYS[2], ARGV[1])
return redis.call('EXISTS', KEYS[5])
"""


def default_since(now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)) - timedelta(days=DEFAULT_SINCE_DAYS)


def rebuild(client: redis.Redis, crm: SuiteCRMClient, *, since: datetime | None = None,
            user: str | None = None, modules: Sequence[str] = REBUILD_MODULES,
            max_items: int = feed.DEFAULT_MAX_ITEMS,
            progress: Progress | None = None) -> RebuildSummary:
    """Rebuild every timeline (or ``user``'s) from the records of ``modules`` modified
    since ``since`` (default: 30 days ago), then swap it in. Raises ``RebuildError`` (or
    the SuiteCRM client's error) and leaves the live feed as it was on any failure."""
    start = since or default_since()
    if start.tzinfo is None:
        raise ValueError("since must be an aware datetime")
    sweep_abandoned(client)
    if feed.active_rebuilds(client):
        raise RebuildError("another feed rebuild is running; wait for it to finish")
    feed_upgrade.upgrade_layout(client, max_items=max_items)
    token = uuid.uuid4().hex
    keys = rebuild_keys(token)
    summary = RebuildSummary(since=start, user=user)
    client.hset(REBUILDS_KEY, token, _registration(user))
    try:
        for module in modules:
            summary.per_module[module] = _rebuild_module(client, crm, keys, module, summary,
                                                         max_items, progress)
        try:
            summary.carried = feed_derived.carry(client, keys, summary.since, summary.user,
                                                 max_items)
        except feed_derived.CarryClosed as closed:
            raise RebuildError(str(closed)) from None
        summary.timelines = _swap(client, keys, user)
    except BaseException:
        discard(client, keys)
        raise
    return summary


def _rebuild_module(client: redis.Redis, crm: SuiteCRMClient, keys: FeedKeys, module: str,
                    summary: RebuildSummary, max_items: int, progress: Progress | None) -> int:
    read = 0
    for record in crm.changes(module, summary.since, fields=fields_for(module)):
        read += 1
        summary.records += 1
        users = [u for u in concerned_users(client, crm, record)
                 if summary.user in (None, u)]
        if not users:
            summary.unconcerned += 1
        else:
            outcome = feed.publish_to(client, keys, item_from_record(record), users,
                                      max_items=max_items)
            if outcome == "closed":
                raise RebuildError("the rebuild's registration expired (SuiteCRM too slow?); "
                                   "the live feed is unchanged")
            if outcome == "published":
                summary.published += 1
            else:
                summary.superseded += 1
        if read % REFRESH_EVERY == 0:
            _refresh(client, keys.token, summary.user)
            if progress:
                progress(module, read, False)
    _refresh(client, keys.token, summary.user)
    if progress:
        progress(module, read, True)
    return read


def _registration(user: str | None) -> str:
    return json.dumps({"scope": user, "until": time.time() + REGISTRATION_SECONDS})


def _refresh(client: redis.Redis, token: str, user: str | None) -> None:
    if not client.register_script(_REFRESH)(keys=[REBUILDS_KEY],
                                            args=[token, _registration(user)]):
        raise RebuildError("the rebuild's registration expired (SuiteCRM too slow?); "
                           "the live feed is unchanged")


def _swap(client: redis.Redis, keys: FeedKeys, user: str | None) -> int:
    """Put the fresh keys in place of the live ones in one step; timelines swapped in."""
    if user is not None:
        answer = int(client.register_script(_SWAP_ONE)(
            keys=[LIVE.users, REBUILDS_KEY, SYNC_GENERATIONS, REP_NUMBERS,
                  LIVE.timeline(user), keys.timeline(user), *LIVE.index_keys()],
            args=[keys.token, user]))
        if answer >= 0:
            discard(client, keys)  # the fresh index and users: the live ones were corrected
    else:
        script = client.register_script(_SWAP_ALL)
        buckets = [key for pair in zip(LIVE.index_keys(), keys.index_keys(), strict=True)
                   for key in pair]
        for _ in range(8):  # -2: a rep got a first timeline while the list was read
            users = sorted({_text(u) for u in client.sunion([LIVE.users, keys.users])})
            answer = int(script(
                keys=[LIVE.users, keys.users, REBUILDS_KEY, SYNC_GENERATIONS,
                      *(key for u in users for key in (LIVE.timeline(u), keys.timeline(u))),
                      *buckets],
                args=[keys.token, len(users), *users]))
            if answer != -2:
                break
    if answer < 0:
        raise RebuildError("the rebuild's registration expired before the swap; "
                           "the live feed is unchanged")
    return answer


def discard(client: redis.Redis, keys: FeedKeys) -> int:
    """Delete a rebuild's keys and registration; the number of keys deleted."""
    client.hdel(REBUILDS_KEY, keys.token)
    doomed = list(client.scan_iter(match=keys.prefix + "*", count=500))
    for start in range(0, len(doomed), 500):
        client.unlink(*doomed[start:start + 500])
    return len(doomed)


def sweep_abandoned(client: redis.Redis) -> int:
    """Delete the keys of rebuilds that died (no live registration); keys deleted."""
    running = {keys.token for keys, _scope in feed.active_rebuilds(client)}
    tokens = {_text(key).split(":")[3]
              for key in client.scan_iter(match=feed.PREFIX + "rebuild:*", count=500)}
    return sum(discard(client, rebuild_keys(token)) for token in tokens - running)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
