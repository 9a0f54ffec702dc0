"""Reading a Page: posts, every comment and reply, reactions.

Threads (posts with all their comments) come from ``ThreadSweep`` (field expansion plus
batches, resumable after a throttle). Every comment listing is checked against Graph's
``summary.total_count`` and repaired when a stale cursor ended it short (``comments``).
Before a 100/33 answer is reported as a deletion, the Page is confirmed readable
(``access``): a token that lost access must not look like mass deletions.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from connectors.errors import BadResponseError, ObjectDeletedError
from connectors.facebook import parse
from connectors.facebook.access import (
    OWN_NODE,
    confirm_page_access,
    confirmed_deletions,
    page_of,
)
from connectors.facebook.batch import BatchRequest, run_batch
from connectors.facebook.comments import (
    COMMENT_FIELDS,
    COMMENTS_LABEL,
    CommentBook,
    comments_edge,
    is_short,
    resume_since,
    window,
)
from connectors.facebook.errors import SERVICE
from connectors.facebook.fields import Edge, Query
from connectors.facebook.pagination import Paginator
from connectors.facebook.records import CommentsRead
from connectors.facebook.threads import MIN_POST_FIELDS, POST_FIELDS, SweepPosition, ThreadSweep
from connectors.social import Network, ReactionSummary, SocialComment, SocialPost

if TYPE_CHECKING:
    from connectors.facebook.graph import GraphApi

REACTION_TYPES = ("LIKE", "LOVE", "WOW", "HAHA", "SAD", "ANGRY")
# Every comment counted, replies too: the default filter (toplevel) would undercount.
_COUNT_ONLY = Edge("comments", limit=0, modifiers=(("filter", "stream"), ("summary", "true")))
__all__ = ["FeedMixin", "comments_edge"]


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
                          endpoint=f"GET /{{page}}/{edge}", params=window(since, until))
        try:
            for raw in pages.items():
                yield parse.post(raw, page_id)
        except ObjectDeletedError:
            confirm_page_access(self.graph, page_id)  # lost access: AuthenticationError
            raise

    def iter_threads(self, page_id: str, *, edge: str = "feed",
                     since: datetime | None = None, until: datetime | None = None,
                     post_limit: int = 100, comment_limit: int = 100,
                     resume: SweepPosition | None = None) -> ThreadSweep:
        """Every post of ``edge`` with every comment and reply (a ``ThreadSweep``).

        One feed request per page of posts (comments expanded), then the remaining
        comment pages of all those posts together, one batch call per round. After a
        ``RateLimitedError`` iterate the same sweep again, or pass its stored
        ``position`` as ``resume``.
        """
        return ThreadSweep(self.graph, page_id, edge=edge, since=since, until=until,
                           post_limit=post_limit, comment_limit=comment_limit,
                           position=resume)

    def iter_comments(self, object_id: str, *, post_id: str | None = None,
                      since: datetime | None = None, limit: int = 100,
                      stream: bool = True) -> Iterator[SocialComment]:
        """Every comment of a post (``filter=stream``: replies included), or the replies
        of a comment (``object_id`` a comment, ``post_id`` its post). A whole listing
        (no ``since``) that ends short of Graph's count (a stale cursor) is continued
        from its newest comment."""
        query = comments_edge(limit, stream=stream).as_query()
        owner = post_id or object_id
        seen: dict[str, SocialComment] = {}
        total: int | None = None
        params = window(since, None)
        for repair in (False, True):
            pages = Paginator(self.graph, f"{object_id}/comments", query,
                              endpoint=COMMENTS_LABEL, params=params)
            for page in pages.pages():
                count = page.summary.get("total_count")
                if not repair and isinstance(count, int):
                    total = count
                for raw in page.data:
                    item = parse.comment(raw, owner)
                    if item.external_id not in seen:
                        seen[item.external_id] = item
                        yield item
            if since is not None or not is_short(len(seen), total):
                return
            params = resume_since(seen.values())

    def iter_replies(self, comment_id: str, post_id: str) -> Iterator[SocialComment]:
        """Replies to one comment (Graph nests one level: replies of replies land here)."""
        for reply in self.iter_comments(comment_id, post_id=post_id, stream=False):
            yield reply if reply.parent_id else _with_parent(reply, comment_id)

    def comments_of(self, object_ids: Sequence[str], *, since: datetime | None = None,
                    limit: int = 100, page_id: str | None = None) -> CommentsRead:
        """All comments of many posts at once: every page of every post through batches.

        ``deleted`` lists the objects Graph answered 100/33 for, once the Page
        (``page_id``, else the token's own ``/me``) is confirmed readable."""
        book = CommentBook(self.graph, comments_edge(limit).as_query())
        for oid in object_ids:
            book.open(oid)
        book.follow({oid: (f"{oid}/comments", window(since, None)) for oid in object_ids})
        if since is None:
            book.repair()  # only a whole listing compares with Graph's count
        deleted = confirmed_deletions(self.graph, page_id or OWN_NODE, book.deleted)
        return CommentsRead(by_object={oid: book.comments(oid) for oid in object_ids},
                            deleted=deleted)

    def post(self, post_id: str, page_id: str) -> SocialPost:
        """One post; ``ObjectDeletedError`` when it is gone (record the deletion)."""
        fields = ",".join((*POST_FIELDS, _COUNT_ONLY.render()))
        try:
            body = self.graph.get(post_id, {"fields": fields}, endpoint="GET /{post}")
        except ObjectDeletedError:
            confirm_page_access(self.graph, page_id)
            raise
        return parse.post(body, page_id)

    def comment(self, comment_id: str, post_id: str) -> SocialComment:
        """One comment; ``ObjectDeletedError`` when it is gone."""
        try:
            body = self.graph.get(comment_id, {"fields": ",".join(COMMENT_FIELDS)},
                                  endpoint="GET /{comment}")
        except ObjectDeletedError:
            confirm_page_access(self.graph, page_of(post_id))
            raise
        return parse.comment(body, post_id)

    def reactions(self, object_id: str, *,
                  types: Sequence[str] = REACTION_TYPES) -> ReactionSummary:
        """Total reactions and the count of each type, in one call (aliased edges)."""
        fields = ",".join(e.render() for e in _reaction_fields(types))
        body = self.graph.get(object_id, {"fields": fields}, endpoint="GET /{object}/reactions")
        return _summary(object_id, body, types)

    def reactions_of(self, object_ids: Sequence[str], *, types: Sequence[str] = REACTION_TYPES,
                     page_id: str | None = None
                     ) -> tuple[dict[str, ReactionSummary], frozenset[str]]:
        """Reaction summaries of many objects through batches; second item: deleted ids
        (reported once the Page, ``page_id`` or the token's ``/me``, is readable)."""
        fields = ",".join(e.render() for e in _reaction_fields(types))
        items = [BatchRequest("GET", self.graph.relative(oid, {"fields": fields}))
                 for oid in object_ids]
        summaries: dict[str, ReactionSummary] = {}
        deleted: set[str] = set()
        results = run_batch(self.graph, items, label="GET /{object}/reactions")
        for oid, result in zip(object_ids, results, strict=True):
            if isinstance(result.error, ObjectDeletedError):
                deleted.add(oid)
            else:
                summaries[oid] = _summary(oid, result.value(), types)
        return summaries, confirmed_deletions(self.graph, page_id or OWN_NODE, deleted)


def _summary(object_id: str, body: Any, types: Sequence[str]) -> ReactionSummary:
    if not isinstance(body, Mapping):
        raise BadResponseError("reactions answer is not an object", service=SERVICE)
    return ReactionSummary(
        network=Network.FACEBOOK, object_id=object_id, total=_count(body, "reactions_total"),
        by_type={t: _count(body, f"reactions_{t.lower()}") for t in types},
    )


def _with_parent(reply: SocialComment, parent_id: str) -> SocialComment:
    return replace(reply, parent_id=parent_id)
