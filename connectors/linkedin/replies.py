"""Replying as the organization, without ever posting the same reply twice blindly.

A reply is a POST: the transport never repeats it after it may have been carried out
(no answer, or a 5xx) and raises ``OutcomeUnknownError`` instead. The caller then
calls ``find_reply`` (a read of the thread) and posts again only when it finds
nothing.

Which URN the new comment has. LinkedIn answers a created comment either with the
comment in the body (``commentUrn``) or with an empty 201 that names it only in
``x-restli-id``, as a bare id or as the full comment URN (sometimes percent-encoded).
The URN must be the one a later comment sweep reads, or the same comment reaches the
CRM twice under two names. A comment URN is built on the *activity* of the post
(``urn:li:comment:(urn:li:activity:N,id)``), which the post's share or ugcPost URN does
not tell, so:

* a full URN in the header (or body) is taken as it is;
* a bare id on a reply to a comment is joined to the activity inside the parent's URN;
* a bare id on a comment on a post is looked up (``GET socialActions/{post}/comments/
  {id}``, one read) rather than guessed from the post URN.

``post_id`` of the returned record is always the post URN the caller names (for a
reply to a comment it must be passed, as the comment URN names only the activity), the
same the posts listing, the comment sweep and the webhooks use.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import unquote

import requests

from connectors.errors import ConnectorError, OutcomeUnknownError
from connectors.linkedin import parse
from connectors.linkedin.content import (
    COMMENTS_ENDPOINT,
    ContentMixin,
    is_comment,
    thread_post,
)
from connectors.linkedin.urns import comment_parts, encode, organization_urn
from connectors.social import SocialComment


class ReplyMixin(ContentMixin):
    def reply(self, target_urn: str, text: str, *, organization: str | int,
              post_urn: str | None = None) -> SocialComment:
        """Comment as the organization on a post, or reply to a comment (``post_urn``
        required then). Created on the target itself (``socialActions/{target}/
        comments``) with ``object`` = the post or the comment's activity and, for a
        reply, ``parentComment`` = the comment, as LinkedIn documents nested comments.

        ``OutcomeUnknownError`` when the reply may exist although no answer said so:
        call ``find_reply`` before trying again.
        """
        if not text.strip():
            raise ValueError("a reply needs text")
        post = thread_post(target_urn, post_urn)
        actor = organization_urn(organization)
        body: dict[str, Any] = {"actor": actor, "message": {"text": text}}
        parent = target_urn if is_comment(target_urn) else None
        if parent:
            body |= {"object": comment_parts(parent)[0], "parentComment": parent}
        else:
            body["object"] = target_urn
        path = f"/rest/socialActions/{encode(target_urn)}/comments"
        response = self.api.post(path, body, COMMENTS_ENDPOINT, target_urn)
        data = dict(self.api.decode(response))
        if "commentUrn" not in data and "$URN" not in data:
            data = self._created(response, data, target_urn, parent) | {
                "actor": actor, "message": body["message"], "parentComment": parent}
        data.setdefault("created", {"time": int(self.api.config.clock().timestamp() * 1000)})
        return parse.comment(data, post_urn=post, parent_urn=parent)

    def find_reply(self, target_urn: str, text: str, *, organization: str | int,
                   post_urn: str | None = None, since: datetime | None = None
                   ) -> SocialComment | None:
        """The organization's newest comment on ``target_urn`` with exactly ``text``
        (created at or after ``since`` when given), or ``None``: the check to make after
        ``OutcomeUnknownError`` before replying again."""
        actor = organization_urn(organization)
        found = None
        for comment in self.comments(target_urn, post_urn=post_urn):
            if (comment.author and comment.author.external_id == actor
                    and comment.body == text
                    and (since is None or comment.created_at >= since)
                    and (found is None or comment.created_at >= found.created_at)):
                found = comment
        return found

    def _created(self, response: requests.Response, data: Mapping[str, Any],
                 target_urn: str, parent: str | None) -> dict[str, Any]:
        """The created comment when the answer named it only by id or URN."""
        named = unquote(str(response.headers.get("x-restli-id") or data.get("id") or ""))
        named = named.strip()
        if not named:
            raise OutcomeUnknownError(
                f"LinkedIn created a comment on {target_urn} but named no id; look for it "
                "with find_reply before replying again", service="linkedin",
                status=response.status_code)
        if is_comment(named):
            comment_parts(named)  # a malformed URN raises here, not in the CRM later
            return {"commentUrn": named}
        if parent:
            return {"commentUrn": f"urn:li:comment:({comment_parts(parent)[0]},{named})"}
        try:
            element = self.api.get(f"/rest/socialActions/{encode(target_urn)}/comments/"
                                f"{encode(named)}", {}, COMMENTS_ENDPOINT + "/{id}")
            return {**element, "commentUrn": parse.comment_urn(element)}
        except ConnectorError as exc:
            raise OutcomeUnknownError(
                f"LinkedIn created comment {named} on {target_urn} but reading its URN "
                f"failed ({type(exc).__name__}); the reply exists: find it with "
                "find_reply, do not post it again", service="linkedin",
                status=response.status_code) from exc
