"""Feed pages answered from memory while the rep's timeline stands still.

Why: phones ask for the same page again and again (the top of the feed on every pull to
refresh, an app polling with ``If-None-Match``), and reading fifty items out of Redis and
joining them costs most of a page request. A page is a pure function of the rep's
timeline and the query, and the timeline's sync token (``workers.feed_changes``) names
its state: every change of it gives another token, and a generation is never drawn twice.
So each API process keeps the pages it answered, with their ETags, under (rep, token,
query), and a request only needs the token, which goes to Redis in the same round trip as
the token check (``reads_with_token``). A page is read after its token, so it is never
older than the state it is kept for.

Bounds: :data:`PAGE_BYTES` of bodies and their compressed forms per process (least
recently used go first), each for at most :data:`PAGE_SECONDS`, which also bounds what a
Redis that lost its newest writes (a failover to a replica a moment behind) could leave a
process showing.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import redis
from cachetools import TTLCache
from redis.client import Pipeline

from mobile_api.feed.bodies import etag, page_body
from mobile_api.feed.compression import encode
from workers import feed
from workers.feed_changes import current_token, queue_current_token, token_of

PAGE_BYTES = 16 * 1024 * 1024
PAGE_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class Page:
    """A page's JSON and its tag (the hash of the body, as ``bodies.conditional`` sends),
    and the body compressed, by encoding, once a phone asked for it: phones ask for
    brotli or gzip, and compressing the same page again cost most of its answer."""

    body: bytes
    tag: str
    _encoded: dict[str, bytes] = field(default_factory=dict, compare=False)

    def encoded(self, encoding: str) -> bytes:
        with _lock:
            known = self._encoded.get(encoding)
        if known is None:
            known = encode(self.body, encoding)
            with _lock:
                self._encoded[encoding] = known
        return known


def read_state(pipe: Pipeline, user_id: str) -> None:
    """The read that rides along with the token check: the rep's sync token."""
    queue_current_token(pipe, user_id)


_pages: TTLCache[tuple[Any, ...], Page] = TTLCache(
    maxsize=PAGE_BYTES, ttl=PAGE_SECONDS,
    getsizeof=lambda page: len(page.body) * 3 // 2 + 200)  # with its compressed forms
_lock = threading.Lock()  # cachetools' caches are not thread-safe


def page(client: redis.Redis, user_id: str, query: Mapping[str, Any],
         answers: Sequence[Any] | None) -> Page:
    """The page ``query`` asks for (``limit``, ``cursor``, ``kinds``, ``record``), from
    memory when the rep's timeline is where it was when it was read. ``answers``: those
    of :func:`read_state` (None: the token is read here). Raises ``feed.CursorError``."""
    token = token_of(answers[0]) if answers else current_token(client, user_id)
    key = (user_id, token, query["limit"], query.get("cursor"),
           tuple(query.get("kinds", ())), query.get("record"))
    with _lock:
        kept = _pages.get(key)
    if kept is not None:
        return kept
    stored = feed.stored_page(client, user_id, query["limit"], query.get("cursor"),
                              kinds=query.get("kinds", ()), record=query.get("record"))
    body = page_body(stored)
    made = Page(body, etag(body))
    if len(body) < PAGE_BYTES // 16:
        with _lock:
            _pages[key] = made
    return made
