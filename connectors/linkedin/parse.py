"""LinkedIn JSON -> shared typed records (posts, comments, reactions, follower counts).

Parsers are strict about what identifies a record (an id, a time) and tolerant about
the rest: a missing optional field becomes ``None``; a missing id raises
``BadResponseError`` so a half-read record never passes as a whole one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from connectors.errors import BadResponseError
from connectors.linkedin.records import FollowerGain, FollowerStatistics
from connectors.social import (
    Network,
    ReactionSummary,
    SocialComment,
    SocialIdentity,
    SocialPost,
    utc_from_epoch_millis,
)

LI = Network.LINKEDIN
PUBLISHED_STATES = frozenset({"PUBLISHED", "PUBLISHED_EDITED"})


def required(data: Mapping[str, Any], *path: str) -> Any:
    """``data[path[0]][path[1]]...`` or ``BadResponseError`` naming the missing field."""
    value: Any = data
    for key in path:
        if not isinstance(value, Mapping) or value.get(key) in (None, ""):
            raise BadResponseError(f"LinkedIn record lacks {'.'.join(path)}",
                                   service="linkedin")
        value = value[key]
    return value


def optional(data: Mapping[str, Any], *path: str) -> Any:
    value: Any = data
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def identity(urn: str | None) -> SocialIdentity | None:
    return SocialIdentity(network=LI, external_id=urn) if urn else None


def post(element: Mapping[str, Any]) -> SocialPost:
    urn = str(required(element, "id"))
    created = element.get("createdAt") or element.get("publishedAt")
    if created is None:
        raise BadResponseError(f"LinkedIn post {urn} has no createdAt", service="linkedin")
    modified = element.get("lastModifiedAt")
    author = str(required(element, "author"))
    return SocialPost(
        network=LI,
        external_id=urn,
        owner_id=author,
        author=identity(author),
        body=str(element.get("commentary") or ""),
        created_at=utc_from_epoch_millis(created),
        updated_at=utc_from_epoch_millis(modified) if modified is not None else None,
        permalink=f"https://www.linkedin.com/feed/update/{urn}/",
        is_published=element.get("lifecycleState", "PUBLISHED") in PUBLISHED_STATES,
        raw=element,
    )


def comment_urn(element: Mapping[str, Any]) -> str:
    urn = element.get("commentUrn") or element.get("$URN")
    if not urn:
        raise BadResponseError("LinkedIn comment lacks commentUrn", service="linkedin")
    return str(urn)


def comment(element: Mapping[str, Any], *, post_urn: str,
            parent_urn: str | None = None) -> SocialComment:
    """``parent_urn``: the comment whose replies were listed (when LinkedIn omits it)."""
    urn = comment_urn(element)
    replies = optional(element, "commentsSummary", "aggregatedTotalComments")
    if replies is None:
        replies = optional(element, "commentsSummary", "totalFirstLevelComments")
    likes = optional(element, "likesSummary", "totalLikes")
    return SocialComment(
        network=LI,
        external_id=urn,
        post_id=post_urn,
        parent_id=element.get("parentComment") or parent_urn,
        author=identity(element.get("actor")),
        body=str(optional(element, "message", "text") or ""),
        created_at=utc_from_epoch_millis(required(element, "created", "time")),
        like_count=int(likes) if likes is not None else None,
        reply_count=int(replies) if replies is not None else None,
        raw=element,
    )


def social_metadata(element: Mapping[str, Any], object_urn: str) -> ReactionSummary:
    """``/rest/socialMetadata/{urn}``: ``reactionSummaries`` keyed by reaction type."""
    summaries = element.get("reactionSummaries") or {}
    by_type = {
        str(kind): int((entry or {}).get("count") or 0)
        for kind, entry in summaries.items()
        if isinstance(entry, Mapping)
    }
    return ReactionSummary(network=LI, object_id=str(element.get("entity") or object_urn),
                           total=sum(by_type.values()), by_type=by_type)


def counted_reactions(object_urn: str, elements: Iterable[Mapping[str, Any]]) -> ReactionSummary:
    """Aggregate individual reactions (``/rest/reactions/(entity:...)``) by type."""
    counts = Counter(str(required(e, "reactionType")) for e in elements)
    return ReactionSummary(network=LI, object_id=object_urn, total=sum(counts.values()),
                           by_type=dict(counts))


def _facet_counts(entries: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for entry in entries:
        label = next((str(v) for k, v in entry.items() if k != "followerCounts"), "ALL")
        numbers = entry.get("followerCounts") or {}
        total = int(numbers.get("organicFollowerCount") or 0)
        total += int(numbers.get("paidFollowerCount") or 0)
        counts[label] = counts.get(label, 0) + total
    return counts


def follower_statistics(element: Mapping[str, Any]) -> FollowerStatistics:
    """Lifetime statistics. ``total`` is the largest facet sum: every facet partitions the
    followers LinkedIn could classify, and the best-covered facet is the closest count."""
    by_facet: dict[str, dict[str, int]] = {}
    for key, value in element.items():
        if key.startswith("followerCountsBy") and isinstance(value, list):
            facet = key.removeprefix("followerCountsBy")
            by_facet[facet[:1].lower() + facet[1:]] = _facet_counts(value)
    total = max((sum(c.values()) for c in by_facet.values()), default=0)
    return FollowerStatistics(organization=str(required(element, "organizationalEntity")),
                              total=total, by_facet=by_facet, raw=element)


def follower_gain(element: Mapping[str, Any], organization: str) -> FollowerGain:
    gains = element.get("followerGains") or {}
    return FollowerGain(
        organization=str(element.get("organizationalEntity") or organization),
        start=utc_from_epoch_millis(required(element, "timeRange", "start")),
        end=utc_from_epoch_millis(required(element, "timeRange", "end")),
        organic=int(gains.get("organicFollowerGain") or 0),
        paid=int(gains.get("paidFollowerGain") or 0),
    )
