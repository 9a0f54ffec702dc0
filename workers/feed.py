"""The feed store: each rep's timeline of feed items in Redis, newest first, bounded.

Why this layout (``docs/feed.md`` draws it): a rep's phone asks for one page of its feed
in one request, so a page must be one Redis call that needs nothing else. Each rep has a
sorted set of item ids scored by time and a hash of those items' JSON; a page is one Lua
script reading both. A record appears at most once in a timeline, as its latest version:
``recs:<user>`` maps the record to the item that stands for it, so a newer version
replaces the older one, and ``holders`` maps each record to its latest version and the
reps holding it, so a reassigned record leaves the timeline of the rep it left, a delete
finds every timeline at once, and a late, older version is refused (``stale``).

Every change to a timeline (add, replace, trim to the bound, remove) is one script, so a
reader never sees an item without its data or a timeline over its bound, and trimmed
items are deleted with their index entries in the same step. A deleted record leaves a
tombstone for a day, so a change event read before the delete cannot bring it back.

Every script that changes a live timeline also appends what it did to the rep's change
log in the same step (``workers.feed_scripts``), which ``workers.feed_changes`` reads to
tell an offline app what changed since its last sync. Items are kept in a compact form
(``workers.feed_codec``) that the mobile API serves as it is.

While ``socialcrm feed rebuild`` builds fresh timelines under its own prefix, it is
registered in ``rebuilds``, and every publish and remove is applied to its keys as well
(first, then to the live keys), so nothing that happens during a rebuild is lost when it
swaps its keys in (``workers.feed_rebuild``).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, cast

import redis

from workers import feed_scripts as scripts
from workers.feed_codec import item_from_stored, stored_json
from workers.feed_items import KINDS, FeedItem

PREFIX = "socialcrm:feed:"
REBUILDS_KEY = PREFIX + "rebuilds"
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
        return f"{self.prefix}tl:{user_id}"

    def items(self, user_id: str) -> str:
        return f"{self.prefix}items:{user_id}"

    def records(self, user_id: str) -> str:
        return f"{self.prefix}recs:{user_id}"

    def changes(self, user_id: str) -> str:
        """The rep's change log (only the live keys keep one)."""
        return f"{self.prefix}log:{user_id}"

    def user_keys(self, user_id: str) -> list[str]:
        """The keys a rebuild swaps: the change log is not one of them."""
        return [self.timeline(user_id), self.items(user_id), self.records(user_id)]

    def logged_keys(self, user_id: str) -> list[str]:
        return [*self.user_keys(user_id), self.changes(user_id)]

    @property
    def holders(self) -> str:
        return self.prefix + "holders"

    @property
    def users(self) -> str:
        return self.prefix + "users"

    @property
    def log_floors(self) -> str:
        """user -> the newest change-log entry trimmed away (see ``feed_changes``)."""
        return self.prefix + "log-floors"


LIVE = FeedKeys(PREFIX)


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a timeline; ``next_cursor`` is ``None`` on the last page."""

    items: tuple[FeedItem, ...]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class StoredPage:
    """One page as stored: (item id, stored JSON) pairs, for the API to serve as they are
    (``workers.feed_codec.api_item``)."""

    entries: tuple[tuple[bytes, bytes], ...]
    next_cursor: str | None


def record_field(module: str, record_id: str) -> str:
    return f"{module}/{record_id}"


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


def publish_to(client: redis.Redis, keys: FeedKeys, item: FeedItem, users: list[str], *,
               max_items: int = DEFAULT_MAX_ITEMS) -> Outcome:
    """:func:`publish` into one set of keys (the live ones or a rebuild's)."""
    if max_items < 1:
        raise ValueError("a timeline holds at least one item")
    field = record_field(item.module, item.record_id)
    script = client.register_script(scripts.PUBLISH)
    for _ in range(_RETRIES):  # 'retry': the holders changed between reading and writing
        holders = _holders(client, keys, field)
        everyone = users + [u for u in holders if u not in users]
        answer = script(
            keys=[keys.holders, keys.users, tombstone_key(item.module, item.record_id),
                  LIVE.holders, REBUILDS_KEY, keys.log_floors,
                  *(key for user in everyone for key in keys.logged_keys(user))],
            args=[field, item.id, item.score, item.version, stored_json(item), max_items,
                  len(users), keys.token, *everyone])
        outcome = _text(answer)
        if outcome != "retry":
            return cast(Outcome, outcome)
    raise RuntimeError(f"the holders of {field} kept changing; publish gave up")


def remove(client: redis.Redis, module: str, record_id: str) -> int:
    """Take a deleted record out of every timeline; the number of live timelines it left.
    A tombstone keeps late events about it out for a day."""
    client.set(tombstone_key(module, record_id), b"1", ex=TOMBSTONE_SECONDS)
    for keys, _scope in active_rebuilds(client):
        remove_from(client, keys, module, record_id)
    return remove_from(client, LIVE, module, record_id)


def remove_from(client: redis.Redis, keys: FeedKeys, module: str, record_id: str) -> int:
    field = record_field(module, record_id)
    script = client.register_script(scripts.REMOVE)
    for _ in range(_RETRIES):
        holders = _holders(client, keys, field)
        answer = int(script(
            keys=[keys.holders, REBUILDS_KEY, keys.log_floors,
                  *(key for user in holders for key in keys.logged_keys(user))],
            args=[field, keys.token, *holders]))
        if answer != -2:
            return max(answer, 0)
    raise RuntimeError(f"the holders of {field} kept changing; remove gave up")


def timeline(client: redis.Redis, user_id: str, limit: int = 20,
             before_cursor: str | None = None, *, kinds: Sequence[str] = (),
             record: str | None = None) -> Page:
    """A page of ``user_id``'s feed, newest first, after ``before_cursor`` (a page's
    ``next_cursor``). Items with equal times keep one order, so paging never repeats or
    skips one, even when newer items arrive between pages. ``kinds`` and ``record`` filter
    as :func:`stored_page` says."""
    page = stored_page(client, user_id, limit, before_cursor, kinds=kinds, record=record)
    items = tuple(item_from_stored(_text(item_id), data) for item_id, data in page.entries)
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
    score, after = ("", "") if before_cursor is None else _parse_cursor(before_cursor)
    rows = client.register_script(scripts.PAGE)(
        keys=[LIVE.timeline(user), LIVE.items(user)],
        args=[limit + 1, score, after, " ".join(sorted(set(kinds))), module, record_id])
    triples = [(_bytes(rows[i]), _text(rows[i + 1]), _bytes(rows[i + 2]))
               for i in range(0, len(rows), 3)]
    shown = triples[:limit]
    more = len(triples) > limit
    cursor = f"{int(float(shown[-1][1]))}-{shown[-1][0].decode()}" if more else None
    return StoredPage(tuple((item_id, data) for item_id, _score, data in shown), cursor)


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
    """The version of the record the live timelines hold (None: not in any)."""
    entry = client.hget(LIVE.holders, record_field(module, record_id))
    return _text(entry).split(" ")[0] if entry else None


def _holders(client: redis.Redis, keys: FeedKeys, field: str) -> list[str]:
    entry = client.hget(keys.holders, field)
    return _text(entry).split(" ")[1:] if entry else []


def _valid_users(user_ids: Iterable[str]) -> list[str]:
    users = list(dict.fromkeys(user_ids))
    for user in users:
        if not _USER.match(user):
            raise ValueError(f"not a user id: {user!r}")
    return users


def _parse_cursor(cursor: str) -> tuple[str, str]:
    match = _CURSOR.match(cursor)
    if match is None:
        raise CursorError(f"not a feed cursor: {cursor[:40]!r}")
    return match.group(1), match.group(2)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _bytes(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode()
