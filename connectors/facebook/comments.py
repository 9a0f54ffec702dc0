"""Comments of many objects, read to the end and checked against Graph's own count.

Graph's cursors name a comment. When that comment is deleted while a read is under way
the cursor goes stale and the listing ends early, without an error: live comments after
it are silently missed. So every listing, once read, is compared with the last
``summary.total_count`` Graph gave for it; a listing that came back short is read again
from just before the time of its newest comment (``since``, the rest de-duplicated by
id). One repair per listing: a gap that remains is Graph counting comments this token
may not see (Graph's count includes some it will not show), logged and accepted rather
than re-read forever. Only whole listings are checked: whether Graph's count of a
``since`` window counts the window or the whole listing is not documented.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from connectors.facebook import parse
from connectors.facebook.batch import follow_all
from connectors.facebook.fields import Edge, Query
from connectors.facebook.pagination import Page
from connectors.social import SocialComment

if TYPE_CHECKING:
    from connectors.facebook.graph import GraphApi

log = logging.getLogger(__name__)

COMMENT_FIELDS = ("id", "message", "created_time", "from", "parent", "like_count",
                  "comment_count", "is_hidden", "permalink_url")
MIN_COMMENT_FIELDS = ("id", "message", "created_time", "from", "parent")
STREAM = (("filter", "stream"), ("order", "chronological"), ("summary", "true"))
COMMENTS_LABEL = "GET /{object}/comments"


def comments_edge(limit: int = 100, *, stream: bool = True) -> Edge:
    modifiers = STREAM if stream else (("summary", "true"),)
    return Edge("comments", COMMENT_FIELDS, limit=limit, modifiers=modifiers,
                minimal=MIN_COMMENT_FIELDS)


def window(since: datetime | None, until: datetime | None) -> dict[str, str]:
    """``since`` / ``until`` as Graph's epoch-second parameters (aware datetimes only)."""
    params = {}
    if since is not None:
        params["since"] = str(parse.epoch_seconds(since))
    if until is not None:
        params["until"] = str(parse.epoch_seconds(until))
    return params


def is_short(count: int, total: int | None) -> bool:
    return total is not None and count < total


def resume_since(comments: Iterable[SocialComment]) -> dict[str, str]:
    """``since`` just before the newest comment read: the start of a repair read.

    One second earlier than the newest, so the repair starts at it whether Graph reads
    ``since`` as inclusive or not; what comes twice is dropped by id."""
    newest = max((c.created_at for c in comments), default=None)
    return {} if newest is None else {"since": str(parse.epoch_seconds(newest) - 1)}


class CommentBook:
    """Comments of many listings (keyed by object id), unique and in read order."""

    def __init__(self, graph: GraphApi, query: Query, *, label: str = COMMENTS_LABEL) -> None:
        self._graph = graph
        self._query = query
        self._label = label
        self._found: dict[str, dict[str, SocialComment]] = {}
        self._owner: dict[str, str] = {}
        self.totals: dict[str, int | None] = {}
        self.deleted: set[str] = set()

    def open(self, key: str, post_id: str | None = None) -> None:
        """Start a listing; its comments are attributed to ``post_id`` (default: key)."""
        self._found.setdefault(key, {})
        self._owner.setdefault(key, post_id or key)
        self.totals.setdefault(key, None)

    def add(self, key: str, page: Page, *, counts: bool = True) -> None:
        """Record one page; ``counts=False`` for repair pages (their ``summary`` only
        counts what falls in their ``since`` window)."""
        found, owner = self._found[key], self._owner[key]
        for raw in page.data:
            comment = parse.comment(raw, owner)
            found.setdefault(comment.external_id, comment)
        total = page.summary.get("total_count")
        if counts and isinstance(total, int):
            self.totals[key] = total

    def follow(self, starts: Mapping[str, tuple[str, Mapping[str, str]]]) -> None:
        """Read the listings in ``starts`` (key -> path and params of their next page)."""
        if starts:
            self.deleted |= follow_all(self._graph, starts, self._query, self.add,
                                       label=self._label)

    def repair(self) -> None:
        """Read again, from their newest comment on, the listings that came back short."""
        short = [key for key, found in self._found.items()
                 if key not in self.deleted and is_short(len(found), self.totals[key])]
        if not short:
            return
        starts = {key: (f"{key}/comments", resume_since(self._found[key].values()))
                  for key in short}
        self.deleted |= follow_all(self._graph, starts, self._query,
                                   lambda key, page: self.add(key, page, counts=False),
                                   label=self._label)
        for key in short:
            if key not in self.deleted and is_short(len(self._found[key]), self.totals[key]):
                log.info("facebook %s: Graph counts %s comments, %d readable (hidden from "
                         "this token?)", key, self.totals[key], len(self._found[key]))

    def comments(self, key: str) -> tuple[SocialComment, ...]:
        return tuple(self._found[key].values())

    def keys(self) -> list[str]:
        return list(self._found)
