"""Organization posts, their comment threads and reactions (replying is in ``replies``).

Reactions summary: ``reaction_summaries`` reads ``/rest/socialMetadata`` (counts per
reaction type, already aggregated by LinkedIn, up to ``batch_size`` posts per call with
a ``List(...)`` batch get). ``counted_reactions`` pages through
``/rest/reactions/(entity:...)?q=entity&sort=(value:REVERSE_CHRONOLOGICAL)`` and counts
them itself: one call per ``page_size`` reactions, kept for when the individual
reactors are wanted or socialMetadata is not granted.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import unquote

from connectors.errors import BadResponseError
from connectors.linkedin import parse
from connectors.linkedin.api import LinkedInApi
from connectors.linkedin.pagination import Listing
from connectors.linkedin.records import ObjectDeletion
from connectors.linkedin.sweep import CommentSweep
from connectors.linkedin.urns import (
    encode,
    is_urn,
    organization_urn,
    record,
    restli_list,
)
from connectors.social import ReactionSummary, SocialComment, SocialPost

COMMENT_PREFIX = "urn:li:comment:"
COMMENTS_ENDPOINT = "/rest/socialActions/{urn}/comments"
# LinkedIn's documented reactions sort (REVERSE_CHRONOLOGICAL is its default).
REACTIONS_SORT = record(value="REVERSE_CHRONOLOGICAL")


def is_comment(urn: str) -> bool:
    return urn.startswith(COMMENT_PREFIX)


def thread_post(target_urn: str, post_urn: str | None) -> str:
    """The post the records of a thread name: ``post_urn``, required under a comment."""
    if post_urn:
        return post_urn
    if is_comment(target_urn):
        raise ValueError(f"{target_urn} is a comment: pass post_urn (the post it belongs "
                         "to); its URN names only the activity")
    return target_urn


def _comment_key(comment: SocialComment) -> str:
    return comment.external_id


class ContentMixin:
    api: LinkedInApi

    def posts(self, organization: str | int, *, start: int = 0,
              sort_by: str = "LAST_MODIFIED") -> Listing[SocialPost]:
        """Every post the organization authored, most recently modified first.

        With ``LAST_MODIFIED`` a post edited *during* the sweep jumps to the front and
        is read by the next incremental sweep (it is newer than the watermark); pass
        ``sort_by="CREATED"`` for a full backfill that edits cannot reorder.
        """
        if sort_by not in {"LAST_MODIFIED", "CREATED"}:
            raise ValueError("sort_by must be LAST_MODIFIED or CREATED")
        author = organization_urn(organization)
        params = {"q": "author", "author": author, "sortBy": sort_by}
        return self.api.listing("posts", "/rest/posts", params, "/rest/posts", parse.post,
                             lambda p: p.external_id, start=start)

    def post(self, urn: str) -> SocialPost:
        """One post; ``ObjectDeletedError`` when it was deleted."""
        data = self.api.get(f"/rest/posts/{encode(urn)}", {}, "/rest/posts/{urn}", urn)
        return parse.post(data)

    def comments(self, object_urn: str, *, post_urn: str | None = None,
                 start: int = 0) -> Listing[SocialComment]:
        """Comments on a post, or replies to a comment (then ``post_urn`` is required:
        a comment URN names the post's activity, not the post, and every record must
        name the same post the posts listing and the webhooks name).
        ``ObjectDeletedError`` when ``object_urn`` was deleted."""
        post = thread_post(object_urn, post_urn)
        parent = object_urn if is_comment(object_urn) else None

        def parse_one(element: Mapping[str, Any]) -> SocialComment:
            return parse.comment(element, post_urn=post, parent_urn=parent)

        path = f"/rest/socialActions/{encode(object_urn)}/comments"
        return self.api.listing("comments", path, {}, COMMENTS_ENDPOINT, parse_one,
                             _comment_key, object_urn=object_urn, start=start)

    def comment_sweep(self, post_urns: Iterable[str]) -> CommentSweep:
        """Every comment *and reply* of these posts, resumable, deletions reported."""
        return CommentSweep(self.comments, post_urns)

    def reaction_summary(self, urn: str) -> ReactionSummary:
        data = self.api.get(f"/rest/socialMetadata/{encode(urn)}", {},
                         "/rest/socialMetadata/{urn}", urn)
        return parse.social_metadata(data, urn)

    def reaction_summaries(self, urns: Iterable[str]
                           ) -> Iterator[ReactionSummary | ObjectDeletion]:
        """Summaries for many posts/comments, ``batch_size`` per call (BATCH_GET)."""
        pending = list(dict.fromkeys(urns))
        for offset in range(0, len(pending), self.api.config.batch_size):
            chunk = pending[offset:offset + self.api.config.batch_size]
            data = self.api.get("/rest/socialMetadata", {"ids": restli_list(chunk)},
                             "/rest/socialMetadata")
            results = {unquote(k): v for k, v in (data.get("results") or {}).items()}
            errors = {unquote(k): v for k, v in (data.get("errors") or {}).items()}
            for urn in chunk:
                if urn in results:
                    yield parse.social_metadata(results[urn], urn)
                    continue
                status = (errors.get(urn) or {}).get("status", 404)
                if status not in (404, 410):
                    raise BadResponseError(f"LinkedIn could not read {urn}: {errors[urn]}",
                                           service="linkedin", status=int(status))
                kind = "comment" if urn.startswith("urn:li:comment:") else "post"
                yield ObjectDeletion(object_id=urn, kind=kind)

    def counted_reactions(self, urn: str) -> ReactionSummary:
        if not is_urn(urn):
            raise ValueError(f"not a LinkedIn URN: {urn!r}")
        path = f"/rest/reactions/{record(entity=urn)}"
        listing = self.api.listing("reactions", path, {"q": "entity", "sort": REACTIONS_SORT},
                                "/rest/reactions/(entity)", lambda e: e,
                                lambda e: str(parse.required(e, "id")), object_urn=urn)
        return parse.counted_reactions(urn, listing)
