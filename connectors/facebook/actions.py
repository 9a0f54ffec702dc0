"""Writing back: public replies, hide/unhide, private replies, deletes.

Replies and private replies are not idempotent: the transport never re-sends them once
Graph may have received them (a retried reply would be posted twice). When the answer
is lost or Graph fails after receiving one, they raise ``OutcomeUnknownError``: read the
thread and look for the reply before trying again. Only a connection refused or never
made (and a 429) is retried. Hiding, unhiding, subscribing and deleting set a state, so
repeating them is safe and the transport retries them like reads.

A target deleted meanwhile raises ``ObjectDeletedError`` so the caller can close the
item instead of failing forever; for a delete that is success, once the Page is
confirmed readable (a retried delete whose first attempt landed gets exactly that).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from connectors.errors import BadResponseError, ObjectDeletedError
from connectors.facebook.access import confirm_page_access
from connectors.facebook.errors import SERVICE

if TYPE_CHECKING:
    from connectors.facebook.graph import GraphApi


def _id(body: Any, what: str) -> str:
    if not isinstance(body, Mapping) or not body.get("id"):
        raise BadResponseError(f"{what} answered no id", service=SERVICE)
    return str(body["id"])


def _success(body: Any, what: str) -> bool:
    if not isinstance(body, Mapping) or "success" not in body:
        raise BadResponseError(f"{what} answered no success flag", service=SERVICE)
    return bool(body["success"])


class ActionsMixin:
    graph: GraphApi

    def reply(self, object_id: str, message: str, *, attachment_url: str | None = None) -> str:
        """Comment on a post, or reply to a comment, as the Page; returns the new id."""
        data = {"message": message}
        if attachment_url:
            data["attachment_url"] = attachment_url
        body = self.graph.post(f"{object_id}/comments", data,
                               endpoint="POST /{object}/comments")
        return _id(body, "reply")

    def hide_comment(self, comment_id: str, hidden: bool = True) -> bool:
        """Hide (or unhide) a comment: hidden comments stay visible to their author."""
        body = self.graph.post(comment_id, {"is_hidden": "true" if hidden else "false"},
                               endpoint="POST /{comment} is_hidden", idempotent=True)
        return _success(body, "hide comment")

    def unhide_comment(self, comment_id: str) -> bool:
        return self.hide_comment(comment_id, hidden=False)

    def private_reply(self, comment_id: str, message: str) -> str:
        """Answer a comment in Messenger (once per comment); returns the message id."""
        body = self.graph.post(f"{comment_id}/private_replies", {"message": message},
                               endpoint="POST /{comment}/private_replies")
        return _id(body, "private reply")

    def delete_comment(self, comment_id: str) -> bool:
        """Delete a comment; one that is already gone counts as deleted."""
        try:
            body = self.graph.delete(comment_id, endpoint="DELETE /{comment}")
        except ObjectDeletedError:
            confirm_page_access(self.graph)  # else 100/33 means "no access", not "gone"
            return True
        return _success(body, "delete comment")

    def subscribe_page(self, page_id: str,
                       fields: tuple[str, ...] = ("feed", "messages", "leadgen")) -> bool:
        """Subscribe the app to the Page's webhooks for ``fields``."""
        body = self.graph.post(f"{page_id}/subscribed_apps",
                               {"subscribed_fields": ",".join(fields)},
                               endpoint="POST /{page}/subscribed_apps", idempotent=True)
        return _success(body, "subscribe page")
