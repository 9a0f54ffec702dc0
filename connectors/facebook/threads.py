"""``ThreadSweep``: every post of a Page with every comment, resumable after a throttle.

The cheap way to read a Page's conversation: ask the feed for posts *with their first
comments expanded* (``filter=stream``, so replies are included), then read the remaining
comment pages of all the posts of a feed page together, one batch call per round.

A busy Page can meet a throttle longer than a worker should block (a
``RateLimitedError`` whose ``retry_after`` is beyond the client's ``max_wait``). The
sweep then stops with its ``position`` intact: iterate the same sweep again later, or
store ``position.as_dict()`` (small JSON) and build a new sweep from it in the next job.
Threads already delivered are not delivered again, and none is skipped.

The position is a time watermark, not a Graph cursor: cursors go stale when the object
they name is deleted, which is likely over the minutes or hours a throttle lasts. The
feed is read newest first, so the watermark is the creation second of the oldest post
delivered; a resumed sweep asks the feed for posts up to one second after it (``until``,
whichever way Graph rounds it) and skips the ids it already delivered at that edge. A
feed page whose comments were being read when the sweep stopped is read again, comments
too: nothing partial is kept, so nothing is delivered twice or half.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from connectors.errors import ObjectDeletedError
from connectors.facebook import parse
from connectors.facebook.access import confirm_page_access, confirmed_deletions
from connectors.facebook.comments import CommentBook, comments_edge, window
from connectors.facebook.fields import Edge, Query
from connectors.facebook.pagination import Page, Paginator, parse_page
from connectors.facebook.records import PostThread
from connectors.social import SocialPost

if TYPE_CHECKING:
    from connectors.facebook.graph import GraphApi

POST_FIELDS = ("id", "message", "story", "created_time", "updated_time", "from",
               "permalink_url", "is_hidden", "is_published", "status_type")
MIN_POST_FIELDS = ("id", "message", "created_time", "from")


@dataclass(frozen=True, slots=True)
class SweepPosition:
    """Where a thread sweep stands: JSON-safe, a few hundred bytes."""

    until: int | None = None  # creation second of the oldest post delivered
    edge_ids: tuple[tuple[str, int], ...] = ()  # (post id, second) delivered at the edge
    post_limit: int | None = None  # page sizes Graph last accepted: not asked too big again
    comment_limit: int | None = None
    finished: bool = False

    def delivered(self, post: SocialPost) -> SweepPosition:
        second = parse.epoch_seconds(post.created_at)
        until = second if self.until is None else min(self.until, second)
        edge = tuple((pid, s) for pid, s in (*self.edge_ids, (post.external_id, second))
                     if s <= until + 1)
        return replace(self, until=until, edge_ids=edge)

    def skipped(self) -> frozenset[str]:
        return frozenset(pid for pid, _ in self.edge_ids)

    def as_dict(self) -> dict[str, Any]:
        return {"until": self.until, "edge_ids": [list(pair) for pair in self.edge_ids],
                "post_limit": self.post_limit, "comment_limit": self.comment_limit,
                "finished": self.finished}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SweepPosition:
        def number(name: str) -> int | None:
            value = data.get(name)
            return int(value) if value is not None else None

        return cls(until=number("until"),
                   edge_ids=tuple((str(pid), int(s)) for pid, s in data.get("edge_ids") or ()),
                   post_limit=number("post_limit"), comment_limit=number("comment_limit"),
                   finished=bool(data.get("finished")))


def _nested(query: Query) -> Edge:
    return next(f for f in query.fields if isinstance(f, Edge) and f.name == "comments")


class ThreadSweep:
    """Iterable of ``PostThread``: every post of ``edge`` with every comment and reply."""

    def __init__(self, graph: GraphApi, page_id: str, *, edge: str = "feed",
                 since: datetime | None = None, until: datetime | None = None,
                 post_limit: int = 100, comment_limit: int = 100,
                 position: SweepPosition | None = None) -> None:
        self._graph = graph
        self.page_id = page_id
        self.edge = edge
        self._window = window(since, until)
        self.post_limit = post_limit
        self.comment_limit = comment_limit
        self._position = position or SweepPosition()

    @property
    def position(self) -> SweepPosition:
        """Store this (``as_dict()``) to resume after a ``RateLimitedError``."""
        return self._position

    def _params(self) -> dict[str, str]:
        params = dict(self._window)
        if self._position.until is not None:
            resume = self._position.until + 1
            asked = params.get("until")
            params["until"] = str(min(resume, int(asked)) if asked else resume)
        return params

    def __iter__(self) -> Iterator[PostThread]:
        if self._position.finished:
            return
        nested = comments_edge(self._position.comment_limit or self.comment_limit)
        query = Query(fields=(*POST_FIELDS, nested),
                      limit=self._position.post_limit or self.post_limit,
                      minimal=(*MIN_POST_FIELDS, nested))
        paginator = Paginator(self._graph, f"{self.page_id}/{self.edge}", query,
                              endpoint=f"GET /{{page}}/{self.edge}", params=self._params())
        delivered = set(self._position.skipped())
        try:
            for page in paginator.pages():
                self._position = replace(self._position, post_limit=paginator.query.limit,
                                         comment_limit=_nested(paginator.query).limit)
                for thread in self._threads(page, delivered):
                    yield thread
                    delivered.add(thread.post.external_id)
                    self._position = self._position.delivered(thread.post)
        except ObjectDeletedError:
            confirm_page_access(self._graph, self.page_id)  # lost access: AuthenticationError
            raise
        self._position = replace(self._position, finished=True)

    def _threads(self, page: Page, delivered: set[str]) -> list[PostThread]:
        """Every thread of one feed page, each complete: read before any is delivered."""
        posts: dict[str, SocialPost] = {}
        book = CommentBook(self._graph, comments_edge(self.comment_limit).as_query())
        pending: dict[str, tuple[str, dict[str, str]]] = {}
        for raw in page.data:
            post = parse.post(raw, self.page_id)
            if post.external_id in delivered or post.external_id in posts:
                continue  # a post seen on two pages (cursor shift) is delivered once
            posts[post.external_id] = post
            book.open(post.external_id)
            first = parse_page(raw.get("comments") or {"data": []}, "expanded comments")
            book.add(post.external_id, first)
            if first.next:
                pending[post.external_id] = self._graph.split_next(first.next)
        book.follow(pending)
        book.repair()
        deleted = confirmed_deletions(self._graph, self.page_id, book.deleted & posts.keys())
        return [PostThread(post=post, comments=book.comments(post_id),
                           total_count=book.totals[post_id], deleted=post_id in deleted)
                for post_id, post in posts.items()]
