"""A short per-rep cache of the mobile API's CRM reads (search, detail, card, inbox).

Why: a rep on a phone opens the same contact, scrolls back to the same search and
reloads the inbox within seconds; asking SuiteCRM each time costs 20-200 ms a call and
a phone's battery. Why so short and so narrow:

* **Per rep.** SuiteCRM's roles decide what a rep may see, so an answer read with one
  rep's token is only ever served to that same rep: every key holds the rep's user id.
  Nothing is shared between reps, even for a record both may see.
* **Short.** Entries live ``DEFAULT_TTL_SECONDS`` (30 s): changes made by others (in
  SuiteCRM's UI, by the sync) show after at most that long.
* **Invalidated by the rep's own writes.** Each entry carries the *generations* of what
  it shows (a :class:`Tag`: one record, or a module's lists) as they were *before* it
  was read from SuiteCRM. :func:`invalidate` bumps the generations of a record and of
  its module, so a later read finds the entry out of date and asks SuiteCRM again, and
  an entry still being read while the write lands is stored out of date already.
  The quick-updates worker calls it after writing a record as the rep.
* **Compact.** Values are JSON without spaces, zlib-compressed when that is smaller.

Keys: ``socialcrm:api:records:{user}:{sha256 of the request}`` for entries and
``socialcrm:api:records:gen:{user}:{module}[:{record id}]`` for generations (kept a day
after their last bump: far longer than any entry they guard).
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import redis

PREFIX = "socialcrm:api:records:"
GENERATION = PREFIX + "gen:"
DEFAULT_TTL_SECONDS = 30
GENERATION_TTL_SECONDS = 24 * 3600
COMPRESS_FROM_BYTES = 256
_PLAIN, _ZLIB = b"j", b"z"


@dataclass(frozen=True, slots=True)
class Tag:
    """Something a cached answer shows: one record (``record_id`` set), or the lists of
    a module (``record_id`` empty: any change in the module may change them)."""

    module: str
    record_id: str = ""


def generation_key(user_id: str, tag: Tag) -> str:
    suffix = f":{tag.record_id}" if tag.record_id else ""
    return f"{GENERATION}{user_id}:{tag.module}{suffix}"


def invalidate(client: redis.Redis, user_id: str, module: str, record_id: str) -> None:
    """The rep ``user_id`` changed ``module``/``record_id``: drop every cached answer of
    theirs that shows that record or lists that module (other reps' are untouched)."""
    pipe = client.pipeline(transaction=True)
    for tag in (Tag(module, record_id), Tag(module)):
        key = generation_key(user_id, tag)
        pipe.incr(key)
        pipe.expire(key, GENERATION_TTL_SECONDS)
    pipe.execute()


class RecordCache:
    """One rep's cached answers. ``answer(request, tags, read)`` returns the cached value
    of ``request`` while it is fresh, else ``read()``'s, stored for ``ttl`` seconds."""

    def __init__(self, client: redis.Redis, user_id: str, *,
                 ttl: int = DEFAULT_TTL_SECONDS) -> None:
        if not user_id:
            raise ValueError("user_id: required (the cache is per rep)")
        if ttl < 1:
            raise ValueError("ttl: must be at least 1 second")
        self.client = client
        self.user_id = user_id
        self.ttl = ttl

    def key(self, request: Sequence[object]) -> str:
        text = json.dumps(list(request), separators=(",", ":"), ensure_ascii=False,
                          sort_keys=True)
        return f"{PREFIX}{self.user_id}:{hashlib.sha256(text.encode()).hexdigest()[:40]}"

    def answer(self, request: Sequence[object], tags: Sequence[Tag],
               read: Callable[[], Any]) -> Any:
        """``request`` names the question (JSON values); ``tags`` what the answer shows;
        ``read`` asks SuiteCRM (its exceptions pass through and nothing is stored)."""
        key = self.key(request)
        found = self.client.mget([key, *(generation_key(self.user_id, t) for t in tags)])
        generations = [int(cast("bytes", value)) if value else 0 for value in found[1:]]
        stored = _decode(cast("bytes | None", found[0]))
        if stored is not None and stored.get("g") == generations:
            return stored.get("d")
        value = read()
        self.client.set(key, _encode({"g": generations, "d": value}), ex=self.ttl)
        return value


def _encode(value: object) -> bytes:
    raw = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    if len(raw) >= COMPRESS_FROM_BYTES:
        packed = zlib.compress(raw, 6)
        if len(packed) < len(raw):
            return _ZLIB + packed
    return _PLAIN + raw


def _decode(data: bytes | None) -> dict[str, Any] | None:
    """The stored entry, or ``None`` when absent or unreadable (then it is read again)."""
    if not data:
        return None
    try:
        raw = zlib.decompress(data[1:]) if data[:1] == _ZLIB else data[1:]
        value = json.loads(raw.decode("utf-8"))
    except (zlib.error, UnicodeDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) else None
