"""Reading a Page: posts, every comment and reply, reactions.

The cheap way to read a Page's conversation is the one existing connectors skip: ask
the feed for posts *with their first 100 comments expanded* (``filter=stream`` so
replies and comments the default filter hides are included), then read only the
remaining comment pages, for every post of a feed page at once, in batch requests.
A Page of 200 posts with 25 comments each takes two Graph calls this way instead of one
per post.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from connectors.errors import BadResponseError, ObjectDeletedError
from connectors.facebook import parse
from connectors.facebook.batch import BatchRequest, follow_all, run_batch
from connectors.facebook.errors import SERVICE
from connectors.facebook.fields import Edge, Query
from connectors.facebook.pagination import Page, Paginator, parse_page
from connectors.facebook.records import CommentsRead, PostThread
from connectors.social import Network, ReactionSummary, SocialComment, SocialPost

if TYPE_CHECKING:
    from connectors.facebook.graph import GraphApi

POST_FIELDS = ("id", "message", "story", "created_time", "updated_time", "from",
               "permalink_url", "is_hidden", "is_published", "status_type")
MIN_POST_FIELDS = ("id", "message", "created_time", "from")
COMMENT_FIELDS = ("id", "message", "created_time", "from", "parent", "like_count",
                  "comment_count", "is_hidden", "permalink_url")
MIN_COMMENT_FIELDS = ("id", "message", "created_time", "from", "parent")
STREAM = (("filter", "stream"), ("order", "chronological"), ("summary", "true"))
REACTION_TYPES = ("LIKE", "LOVE", "WOW", "HAHA", "SAD", "ANGRY")
COMMENTS_LABEL = "GET /{object}/comments"
# Every comment counted, replies too: the default filter (toplevel) would undercount.
_COUNT_ONLY = Edge("comments", limit=0, modifiers=(("filter", "stream"), ("summary", "true")))


def comments_edge(limit: int = 100, *, stream: bool = True) -> Edge:
    modifiers = STREAM if stream else (("summary", "true"),)
    return Edge("comments", COMMENT_FIELDS, limit=limit, modifiers=modifiers,
                minimal=MIN_COMMENT_FIELDS)


def _window(since: datetime | None, until: datetime | None) -> dict[str, str]:
    window = {}
    if since is not None:
        window["since"] = str(parse.epoch_seconds(since))
    if until is not None:
        window["until"] = str(parse.epoch_seconds(until))
    return window


def _unique(comments: Iterable[SocialComment]) -> tuple[SocialComment, ...]:
    """Drop repeats (cursors shift when comments arrive mid-read), keep first order."""
    seen: dict[str, SocialComment] = {}
    for item in comments:
        seen.setdefault(item.external_id, item)
    return tuple(seen.values())


def _reaction_fields(types: Sequence[str]) -> tuple[Edge, ...]:
    total = Edge("reactions", limit=0, modifiers=(("summary", "total_count"),),
                 alias="reactions_total")
    return (total, *(Edge("reactions", limit=0, modifiers=(("type", t), ("summary", "total_count")),
                          alias=f"reactions_{t.lower()}") for t in types))


def _count(body: Mapping[str, Any], alias: str) -> int:
    node = body.get(alias)
    summary = node.get("summary") if isinstance(node, Mapping) else None
    count = summary.get("total_count") if isinstance(summary, Mapping) else None
    if not isinstance(count, int):
        raise BadResponseError(f"no {alias} summary in the answer", service=SERVICE)
    return count


class FeedMixin:
    graph: GraphApi

    def iter_posts(self, page_id: str, *, edge: str = "feed", since: datetime | None = None,
                   until: datetime | None = None, limit: int = 100) -> Iterator[SocialPost]:
        """Posts of ``edge`` (feed, posts, published_posts) with their comment counts."""
        query = Query(fields=(*POST_FIELDS, _COUNT_ONLY), limit=limit,
                      minimal=(*MIN_POST_FIELDS, _COUNT_ONLY))
        pages = Paginator(self.graph, f"{page_id}/{edge}", query,
                          endpoint=f"GET /{{page}}/{edge}", params=_window(since, until))
        for raw in pages.items():
            yield parse.post(raw, page_id)

    def iter_threads(self, page_id: str, *, edge: str = "feed",
                     since: datetime | None = None, until: datetime | None = None,
                     post_limit: int = 100, comment_limit: int = 100) -> Iterator[PostThread]:
        """Every post of ``edge`` with every comment and reply on it.

        One feed request per page of posts (comments expanded), then the remaining
        comment pages of all those posts together, one batch call per round.
        """
        nested = comments_edge(comment_limit)
        query = Query(fields=(*POST_FIELDS, nested), limit=post_limit,
                      minimal=(*MIN_POST_FIELDS, nested))
        paginator = Paginator(self.graph, f"{page_id}/{edge}", query,
                              endpoint=f"GET /{{page}}/{edge}", params=_window(since, until))
        done: set[str] = set()  # a post seen on two pages (cursor shift) is yielded once
        for page in paginator.pages():
            posts: dict[str, SocialPost] = {}
            comments: dict[str, list[SocialComment]] = {}
            totals: dict[str, int | None] = {}
            pending: dict[str, tuple[str, dict[str, str]]] = {}
            for raw in page.data:
                post = parse.post(raw, page_id)
                if post.external_id in done:
                    continue
                done.add(post.external_id)
                posts[post.external_id] = post
                first = parse_page(raw.get("comments") or {"data": []}, "expanded comments")
                comments[post.external_id] = [parse.comment(c, post.external_id)
                                              for c in first.data]
                totals[post.external_id] = first.summary.get("total_count")
                if first.next:
                    pending[post.external_id] = self.graph.split_next(first.next)
            current = next(f for f in paginator.query.fields
                           if isinstance(f, Edge) and f.name == "comments")

            def collect(post_id: str, more: Page,
                        into: dict[str, list[SocialComment]] = comments) -> None:
                into[post_id].extend(parse.comment(c, post_id) for c in more.data)

            deleted = follow_all(self.graph, pending, current.as_query(), collect,
                                 label=COMMENTS_LABEL)
            for post_id, post in posts.items():
                yield PostThread(post=post, comments=_unique(comments[post_id]),
                                 total_count=totals[post_id], deleted=post_id in deleted)

    def iter_comments(self, object_id: str, *, post_id: str | None = None,
                      since: datetime | None = None, limit: int = 100,
                      stream: bool = True) -> Iterator[SocialComment]:
        """Every comment of a post (``filter=stream``: replies included), or the replies
        of a comment (``object_id`` a comment, ``post_id`` its post)."""
        query = comments_edge(limit, stream=stream).as_query(_window(since, None))
        pages = Paginator(self.graph, f"{object_id}/comments", query, endpoint=COMMENTS_LABEL)
        owner = post_id or object_id
        seen: set[str] = set()
        for raw in pages.items():
            item = parse.comment(raw, owner)
            if item.external_id not in seen:
                seen.add(item.external_id)
                yield item

    def iter_replies(self, comment_id: str, post_id: str) -> Iterator[SocialComment]:
        """Replies to one comment (Graph nests one level: replies of replies land here)."""
        for reply in self.iter_comments(comment_id, post_id=post_id, stream=False):
            yield reply if reply.parent_id else _with_parent(reply, comment_id)

    def comments_of(self, object_ids: Sequence[str], *, since: datetime | None = None,
                    limit: int = 100) -> CommentsRead:
        """All comments of many posts at once: every page of every post through batches."""
        by_object: dict[str, list[SocialComment]] = {oid: [] for oid in object_ids}

        def collect(object_id: str, page: Page) -> None:
            by_object[object_id].extend(parse.comment(c, object_id) for c in page.data)

        starts = {oid: (f"{oid}/comments", _window(since, None)) for oid in object_ids}
        deleted = follow_all(self.graph, starts, comments_edge(limit).as_query(), collect,
                             label=COMMENTS_LABEL)
        return CommentsRead(by_object={k: _unique(v) for k, v in by_object.items()},
                            deleted=frozenset(deleted))

    def post(self, post_id: str, page_id: str) -> SocialPost:
        """One post; ``ObjectDeletedError`` when it is gone (record the deletion)."""
        fields = ",".join((*POST_FIELDS, _COUNT_ONLY.render()))
        return parse.post(self.graph.get(post_id, {"fields": fields},
                                         endpoint="GET /{post}"), page_id)

    def comment(self, comment_id: str, post_id: str) -> SocialComment:
        """One comment; ``ObjectDeletedError`` when it is gone."""
        body = self.graph.get(comment_id, {"fields": ",".join(COMMENT_FIELDS)},
                              endpoint="GET /{comment}")
        return parse.comment(body, post_id)

    def reactions(self, object_id: str, *,
                  types: Sequence[str] = REACTION_TYPES) -> ReactionSummary:
        """Total reactions and the count of each type, in one call (aliased edges)."""
        fields = ",".join(e.render() for e in _reaction_fields(types))
        body = self.graph.get(object_id, {"fields": fields}, endpoint="GET /{object}/reactions")
        return _summary(object_id, body, types)

    def reactions_of(self, object_ids: Sequence[str], *, types: Sequence[str] = REACTION_TYPES
                     ) -> tuple[dict[str, ReactionSummary], frozenset[str]]:
        """Reaction summaries of many objects through batches; second item: deleted ids."""
        fields = ",".join(e.render() for e in _reaction_fields(types))
        items = [BatchRequest("GET", self.graph.relative(oid, {"fields": fields}))
                 for oid in object_ids]
        summaries: dict[str, ReactionSummary] = {}
        deleted: set[str] = set()
        for oid, answer in zip(object_ids, run_batch(self.graph, items,
                                                     label="GET /{object}/reactions"),
                               strict=True):
            if isinstance(answer, ObjectDeletedError):
                deleted.add(oid)
            elif isinstance(answer, Exception):
                raise answer
            else:
                summaries[oid] = _summary(oid, answer, types)
        return summaries, frozenset(deleted)


def _summary(object_id: str, body: Any, types: Sequence[str]) -> ReactionSummary:
    if not isinstance(body, Mapping):
        raise BadResponseError("reactions answer is not an object", service=SERVICE)
    return ReactionSummary(
        network=Network.FACEBOOK, object_id=object_id, total=_count(body, "reactions_total"),
        by_type={t: _count(body, f"reactions_{t.lower()}") for t in types},
    )


def _with_parent(reply: SocialComment, parent_id: str) -> SocialComment:
    return replace(reply, parent_id=parent_id)
