"""The feed store: each rep's timeline of feed items in Redis, newest first, bounded.

Why this layout (``docs/feed.md`` draws it): a rep's phone asks for one page of its feed
in one request, so a page must be one Redis call that needs nothing else, and a Redis
server holds many reps' timelines, so an item must cost few bytes. Each rep's timeline is
one Redis list of stored items (``workers.feed_codec``), kept in descending order of time
and id; a page is one Lua script reading a slice of it. A record appears at most once in
a timeline, as its latest version: the record index (small hashes shared by all reps)
maps each record to its latest version, where its item sits, and the reps holding it, so
a newer version replaces the older one, a reassigned record leaves the timeline of the
rep it left, a delete finds every timeline at once, and a late, older version is refused
(``stale``).

Every change to a timeline (add, replace, trim to the bound, remove) is one script, so a
reader never sees half a change or a timeline over its bound, and trimmed items leave the
index in the same step. A deleted record leaves a tombstone for a day, so a change event
read before the delete cannot bring it back.

Every script that changes a live timeline also appends what it did to the rep's change
log in the same step (``workers.feed_scripts``), which ``workers.feed_changes`` reads to
tell an offline app what changed since its last sync.

While ``socialcrm feed rebuild`` builds fresh timelines under its own prefix, it is
registered in ``rebuilds``, and every publish and remove is applied to its keys as well
(first, then to the live keys), so nothing that happens during a rebuild is lost when it
swaps its keys in (``workers.feed_rebuild``).
"""

from __future__ import annotations

import functools
import json
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

import redis
from redis.client import Pipeline
from redis.commands.core import Script

from workers import feed_codec as codec
from workers import feed_scripts as scripts
from workers.feed_items import KINDS, FeedItem

PREFIX = "socialcrm:feed:"
REBUILDS_KEY = PREFIX + "rebuilds"
REP_NUMBERS = PREFIX + "reps"  # user id -> the number the record index knows the rep by
REP_IDS = PREFIX + "rep-ids"  # and back
CHANGE_FLOORS = PREFIX + "change-floors"  # user -> change-log entries trimmed away so far
SYNC_GENERATIONS = PREFIX + "sync-generations"  # user -> the generation of its sync tokens
DEFAULT_MAX_ITEMS = 500
MAX_PAGE_SIZE = 100
TOMBSTONE_SECONDS = 24 * 3600
_USER = re.compile(r"^\S{1,100}$")
_CURSOR = re.compile(r"^(\d{1,15})-([0-9a-f]{24})$")
_REFERENCE = re.compile(r"^([A-Za-z][A-Za-z0-9_]{0,63}):([A-Za-z0-9_.-]{1,100})$")
_RETRIES = 8

Outcome = Literal["published", "stale", "gone", "closed"]


class CursorError(ValueError):
    """The cursor was not made by :func:`timeline` (answer 400, not 500)."""


@dataclass(frozen=True, slots=True)
class FeedKeys:
    """The key names of one set of timelines: the live one, or a rebuild's fresh one."""

    prefix: str
    token: str = ""  # the rebuild's registration; empty for the live keys

    def timeline(self, user_id: str) -> str:
        return f"{self.prefix}timeline:{user_id}"

    def changes(self, user_id: str) -> str:
        """The rep's change log (only the live keys keep one)."""
        return f"{self.prefix}changes:{user_id}"

    def index(self, bucket: int) -> str:
        """One of the record index's hashes (``feed_codec.index_slot``)."""
        return f"{self.prefix}index:{bucket}"

    def index_keys(self) -> list[str]:
        return [self.index(bucket) for bucket in range(codec.INDEX_BUCKETS)]

    @property
    def users(self) -> str:
        return self.prefix + "users"


LIVE = FeedKeys(PREFIX)


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a timeline; ``next_cursor`` is ``None`` on the last page."""

    items: tuple[FeedItem, ...]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class StoredPage:
    """One page as stored: (item id, stored item) pairs, for the API to serve with
    ``workers.feed_codec.api_item``."""

    entries: tuple[tuple[bytes, bytes], ...]
    next_cursor: str | None


def record_field(module: str, record_id: str) -> str:
    return codec.record_ref(module, record_id)


def tombstone_key(module: str, record_id: str) -> str:
    return f"{PREFIX}gone:{record_field(module, record_id)}"


def rebuild_keys(token: str) -> FeedKeys:
    return FeedKeys(f"{PREFIX}rebuild:{token}:", token)


def publish(client: redis.Redis, item: FeedItem, user_ids: Iterable[str], *,
            max_items: int = DEFAULT_MAX_ITEMS) -> Outcome:
    """Put ``item`` in the timelines of ``user_ids`` (and take the record out of the
    timelines of reps it no longer concerns). ``stale`` when a newer version of the record
    is there already, ``gone`` when the record was deleted."""
    users = _valid_users(user_ids)
    for keys, scope in active_rebuilds(client):  # rebuilds first: see the module docstring
        publish_to(client, keys, item, [u for u in users if scope in (None, u)],
                   max_items=max_items)
    return publish_to(client, LIVE, item, users, max_items=max_items)


_SCRIPTS: dict[str, Script] = {}


def script_on(client: redis.Redis | Pipeline, text: str) -> Callable[..., Any]:
    """The script run on ``client`` (EVALSHA, loaded again if Redis forgot it; on a
    pipeline, queued with it). Each is built once per process: building one hashes its
    text, which cost a page read about 2 % of its time when built per call."""
    script = _SCRIPTS.get(text)
    if script is None:
        script = _SCRIPTS[text] = client.register_script(text)
    return functools.partial(script, client=client)


def publish_to(client: redis.Redis, keys: FeedKeys, item: FeedItem, users: list[str], *,
               max_items: int = DEFAULT_MAX_ITEMS) -> Outcome:
    """:func:`publish` into one set of keys (the live ones or a rebuild's)."""
    if max_items < 1:
        raise ValueError("a timeline holds at least one item")
    stored, stamp = codec.element(item), codec.stamp_of(item)
    bucket, field = codec.index_slot(item.module, item.record_id)
    script = script_on(client, scripts.PUBLISH)
    for _ in range(_RETRIES):  # 'retry': the index changed between reading and writing
        entry, held, trims = _plan(client, keys, item.module, item.record_id, users,
                                   max_items)
        everyone = users + [u for u in held if u not in users]
        extra = [b for b in trims if b != bucket]
        answer = script(
            keys=[keys.index(bucket), keys.users, tombstone_key(item.module, item.record_id),
                  LIVE.index(bucket), REBUILDS_KEY, CHANGE_FLOORS, REP_NUMBERS, REP_IDS,
                  *(key for user in everyone
                    for key in (keys.timeline(user), keys.changes(user))),
                  *(keys.index(b) for b in extra)],
            args=[field, bucket, stored, stamp.text(), entry, max_items, len(users),
                  len(everyone), keys.token, record_field(item.module, item.record_id),
                  *everyone, *(held.get(user, "") for user in everyone), *extra])
        outcome = _text(answer)
        if outcome != "retry":
            return cast(Outcome, outcome)
    raise RuntimeError(f"the index entry of {item.module} {item.record_id} kept changing; "
                       "publish gave up")


def remove(client: redis.Redis, module: str, record_id: str) -> int:
    """Take a deleted record out of every timeline; the number of live timelines it left.
    A tombstone keeps late events about it out for a day."""
    client.set(tombstone_key(module, record_id), b"1", ex=TOMBSTONE_SECONDS)
    for keys, _scope in active_rebuilds(client):
        remove_from(client, keys, module, record_id)
    return remove_from(client, LIVE, module, record_id)


def remove_from(client: redis.Redis, keys: FeedKeys, module: str, record_id: str) -> int:
    bucket, field = codec.index_slot(module, record_id)
    script = script_on(client, scripts.REMOVE)
    for _ in range(_RETRIES):
        entry, held, _trims = _plan(client, keys, module, record_id, [], 1)
        holders = list(held)
        answer = int(script(
            keys=[keys.index(bucket), REBUILDS_KEY, CHANGE_FLOORS,
                  *(key for user in holders
                    for key in (keys.timeline(user), keys.changes(user)))],
            args=[field, keys.token, entry, record_field(module, record_id), *holders,
                  *(held[user] for user in holders)]))
        if answer != -2:
            return max(answer, 0)
    raise RuntimeError(f"the index entry of {module} {record_id} kept changing; "
                       "remove gave up")


def timeline(client: redis.Redis, user_id: str, limit: int = 20,
             before_cursor: str | None = None, *, kinds: Sequence[str] = (),
             record: str | None = None) -> Page:
    """A page of ``user_id``'s feed, newest first, after ``before_cursor`` (a page's
    ``next_cursor``). Items with equal times keep one order, so paging never repeats or
    skips one, even when newer items arrive between pages. ``kinds`` and ``record`` filter
    as :func:`stored_page` says."""
    page = stored_page(client, user_id, limit, before_cursor, kinds=kinds, record=record)
    items = tuple(codec.item_from_stored(_text(item), data) for item, data in page.entries)
    return Page(items, page.next_cursor)


def stored_page(client: redis.Redis, user_id: str, limit: int = 20,
                before_cursor: str | None = None, *, kinds: Sequence[str] = (),
                record: str | None = None) -> StoredPage:
    """:func:`timeline`'s page as stored, read in one script (one round trip).

    ``kinds``: only items of these kinds; ``record`` (``Module:id``): only items about that
    record or about a record it is the parent, account or contact of (the item's
    ``related``). Raises ``CursorError`` for a cursor :func:`timeline` did not make and
    ``ValueError`` for other bad arguments."""
    (user,) = _valid_users([user_id])
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValueError(f"a page holds 1 to {MAX_PAGE_SIZE} items")
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown:
        raise ValueError(f"unknown feed item kinds: {', '.join(unknown)}")
    reference = _REFERENCE.match(record) if record is not None else None
    if record is not None and reference is None:
        raise ValueError(f"not a record reference (Module:id): {record[:120]!r}")
    module, record_id = reference.groups() if reference else ("", "")
    after = "" if before_cursor is None else _parse_cursor(before_cursor)
    rows = script_on(client, scripts.PAGE)(
        keys=[LIVE.timeline(user)],
        args=[limit + 1, after, *_kind_filter(kinds), codec.MODULE_CODES.get(module, ""),
              module, record_id])
    shown = [_bytes(row) for row in rows[:limit]]
    cursor = None
    if len(rows) > limit:
        last = shown[-1]
        cursor = f"{int(last[:10]) * 1000}-{last[10:codec.SORT_KEY_LENGTH].decode()}"
    return StoredPage(tuple((row[10:codec.SORT_KEY_LENGTH], row) for row in shown), cursor)


def active_rebuilds(client: redis.Redis) -> list[tuple[FeedKeys, str | None]]:
    """The rebuilds under way: their keys and scope (one user id, or ``None`` for all).
    A registration past its deadline belongs to a rebuild that died: it is dropped."""
    found = []
    now = time.time()
    for token, raw in client.hgetall(REBUILDS_KEY).items():
        registration = json.loads(raw)
        if registration["until"] < now:
            client.hdel(REBUILDS_KEY, token)
            continue
        found.append((rebuild_keys(_text(token)), registration["scope"]))
    return found


def held_version(client: redis.Redis, module: str, record_id: str) -> str | None:
    """The latest version of the record the live timelines hold (None: not in any)."""
    bucket, field = codec.index_slot(module, record_id)
    entry = client.hget(LIVE.index(bucket), field)
    if not entry:
        return None
    return codec.version_text(codec.parse_entry(_text(entry))[0].version)


def holders(client: redis.Redis, module: str, record_id: str) -> list[str]:
    """The reps whose live timelines hold the record."""
    bucket, field = codec.index_slot(module, record_id)
    entry = client.hget(LIVE.index(bucket), field)
    if not entry:
        return []
    numbers = [number for number, _own in codec.parse_entry(_text(entry))[1]]
    return [_text(user) for user in client.hmget(REP_IDS, numbers) if user]


def _plan(client: redis.Redis, keys: FeedKeys, module: str, record_id: str,
          audience: list[str], bound: int) -> tuple[str, dict[str, str], list[int]]:
    """What a publish or remove needs to know first (read in one script): the record's
    index entry as it is now, the sort key of the item each holder has, and the index
    buckets of the items the bound may trim from the audience's timelines."""
    bucket, field = codec.index_slot(module, record_id)
    entry, users, trims = script_on(client, scripts.PLAN)(
        keys=[keys.index(bucket), REP_IDS, *(keys.timeline(user) for user in audience)],
        args=[field, bound])
    text = _text(entry)
    held = codec.held_keys(module, record_id, text, [_text(user) for user in users])
    return text, held, [int(b) for b in trims]


def _kind_filter(kinds: Sequence[str]) -> tuple[str, str]:
    """The kinds as the page script takes them: their letters, and their names (for items
    stored while a kind had no letter)."""
    letters = {codec.kind_letter(kind) for kind in kinds} - {codec.NO_CODE}
    return "".join(sorted(letters)), " ".join(sorted(set(kinds)))


def _valid_users(user_ids: Iterable[str]) -> list[str]:
    users = list(dict.fromkeys(user_ids))
    for user in users:
        if not _USER.match(user):
            raise ValueError(f"not a user id: {user!r}")
    return users


def _parse_cursor(cursor: str) -> str:
    """The sort key after which the page starts."""
    match = _CURSOR.match(cursor)
    if match is None or int(match.group(1)) // 1000 > codec.LATEST_AT:
        raise CursorError(f"not a feed cursor: {cursor[:40]!r}")
    return f"{int(match.group(1)) // 1000:010d}{match.group(2)}"


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _bytes(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode()
