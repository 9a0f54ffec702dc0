"""Telling a deleted object from one this token may no longer see.

Graph answers code 100, subcode 33 ("does not exist, cannot be loaded due to missing
permissions, or does not support this operation") both for an object that was deleted
and for one the token lost access to. Recorded naively, a Page token that loses its
access (an admin's role removed, the Page restricted) turns every post and comment of
the Page into a "deletion" downstream. So before any 100/33 is reported as a deletion,
one cheap read of the Page itself (``GET /{page}?fields=id``) settles it: readable, the
objects are really gone; not readable, it is an ``AuthenticationError`` with
``reason="missing_permission"`` and nothing is recorded as deleted.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from connectors.errors import AuthenticationError, NotFoundError
from connectors.facebook.errors import SERVICE

if TYPE_CHECKING:
    from connectors.facebook.graph import GraphApi

# ``/me`` with a Page token is the Page: the fallback when only object ids are known.
OWN_NODE = "me"


def page_of(post_id: str) -> str:
    """The Page id in a post id (``{page}_{post}``); ``me`` when it is not one."""
    head, sep, _ = post_id.partition("_")
    return head if sep and head.isdigit() else OWN_NODE


def confirm_page_access(graph: GraphApi, page_id: str = OWN_NODE) -> None:
    """Return quietly when ``page_id`` is readable; raise ``AuthenticationError`` if not."""
    try:
        graph.get(page_id, {"fields": "id"}, endpoint="GET /{page}")
    except NotFoundError as exc:
        raise AuthenticationError(
            f"Page {page_id} is not readable with this token: objects Graph called deleted "
            "may only be hidden from it (access to the Page lost?)",
            reason="missing_permission", service=SERVICE, status=exc.status,
            detail=exc.detail,
        ) from exc


def confirmed_deletions(graph: GraphApi, page_id: str, deleted: Collection[str]
                        ) -> frozenset[str]:
    """``deleted`` once the Page is confirmed readable (no call when it is empty)."""
    if deleted:
        confirm_page_access(graph, page_id)
    return frozenset(deleted)
