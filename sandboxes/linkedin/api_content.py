"""Sandbox routes for posts, comment threads, reactions and social metadata.

Every route refuses query parameters it does not implement (``web.accept``), so a
client sending a made-up parameter (``sortBy`` on the reactions finder, say) gets the
400 LinkedIn would give instead of a silently ignored option. A created comment is
answered the way ``state.comment_answer`` says: in full, or only by its id or URN in
``x-restli-id``, so clients are tested on every form LinkedIn may use.
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, request

from sandboxes.linkedin import web
from sandboxes.linkedin.paging import ApiError, page
from sandboxes.linkedin.restli import RestliSyntaxError, unquote_segment
from sandboxes.linkedin.restli import parse as parse_restli
from sandboxes.linkedin.state import SandboxState

blueprint = Blueprint("linkedin_content", __name__)


def _segment_urn(index: int) -> str:
    try:
        return unquote_segment(web.raw_segments()[index])
    except (IndexError, RestliSyntaxError) as exc:
        raise ApiError(400, f"Invalid resource key: {exc}", service_error_code=100) from None


POST_SORTS = frozenset({"LAST_MODIFIED", "CREATED"})
REACTION_SORTS = frozenset({"REVERSE_CHRONOLOGICAL", "CHRONOLOGICAL", "RELEVANCE"})


@blueprint.get("/rest/posts")
def find_posts() -> Response:
    current = web.state()
    web.finder("author", "author", "sortBy")
    author = web.urn_param("author")
    sort = web.param("sortBy", required=False) or "LAST_MODIFIED"
    if sort not in POST_SORTS:
        raise ApiError(400, f"Invalid sortBy {sort!r}; use one of {sorted(POST_SORTS)}",
                       service_error_code=100)
    with current.lock:
        posts = [p for p in current.visible(current.posts, "id") if p["author"] == author]
    field = "lastModifiedAt" if sort == "LAST_MODIFIED" else "createdAt"
    posts.sort(key=lambda p: p[field], reverse=True)
    return web.answer(page(current, posts, web.params(), raw_path=web.raw_path()))


@blueprint.get("/rest/posts/<path:_key>")
def get_post(_key: str) -> Response:
    current = web.state()
    web.accept(paged=False)
    urn = _segment_urn(2)
    post = current.post(urn)
    if post is None:
        raise web.not_found(urn)
    return web.answer(post)


def _thread(current: SandboxState, urn: str) -> tuple[str, str, list[dict[str, Any]]]:
    """(activity URN, thread key, comments) for a post/activity or comment URN."""
    if urn.startswith("urn:li:comment:"):
        comment = current.comment(urn)
        if comment is None:
            raise web.not_found(urn)
        return comment["object"], urn, current.comments.setdefault(urn, [])
    post = current.post(urn)
    if post is None:
        raise web.not_found(urn)
    number = post["id"].rsplit(":", 1)[-1]
    return f"urn:li:activity:{number}", post["id"], current.comments.setdefault(post["id"], [])


@blueprint.get("/rest/socialActions/<path:_key>/comments")
def list_comments(_key: str) -> Response:
    current = web.state()
    web.accept()
    urn = _segment_urn(2)
    with current.lock:
        _, key, thread = _thread(current, urn)
        visible = current.visible(thread, "commentUrn")
    return web.answer(page(current, visible, web.params(), raw_path=web.raw_path(),
                           id_key="commentUrn", layout_key=key))


@blueprint.get("/rest/socialActions/<path:_key>/comments/<comment_id>")
def get_comment(_key: str, comment_id: str) -> Response:
    """One comment by its bare id under the post or comment it was made on."""
    current = web.state()
    web.accept(paged=False)
    urn = _segment_urn(2)
    with current.lock:
        _, _, thread = _thread(current, urn)
        found = next((c for c in current.visible(thread, "commentUrn")
                      if c["id"] == comment_id), None)
    if found is None:
        raise web.not_found(f"comment {comment_id} on {urn}")
    return web.answer(found)


def _created(current: SandboxState, comment: dict[str, Any]) -> Response:
    number, urn = comment["id"], comment["commentUrn"]
    mode = current.comment_answer
    if mode == "full":
        return web.answer(comment, 201, {"x-restli-id": number, "x-linkedin-id": number})
    named = {"id": number, "urn": urn, "encoded-urn": quote(urn, safe="")}[mode]
    response = Response(b"", status=201)
    response.headers["X-RestLi-Protocol-Version"] = "2.0.0"
    response.headers["x-restli-id"] = named
    return response


@blueprint.post("/rest/socialActions/<path:_key>/comments")
def create_comment(_key: str) -> Response:
    current = web.state()
    web.accept(paged=False)
    target = _segment_urn(2)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "Body must be a JSON object", service_error_code=100)
    message = body.get("message")
    text = message.get("text") if isinstance(message, dict) else None
    if not isinstance(text, str) or not text.strip():
        raise ApiError(422, "message.text is required", service_error_code=100)
    if body.get("actor") != current.organization:
        raise ApiError(403, f"Not enough permissions to comment as {body.get('actor')}",
                       code="ACCESS_DENIED", service_error_code=100)
    with current.lock:
        activity, post_key, _ = _thread(current, target)
        parent = body.get("parentComment")
        if target.startswith("urn:li:comment:"):
            if parent != target:
                raise ApiError(400, "parentComment must be the comment in the path",
                               service_error_code=100)
        elif parent:
            _thread(current, parent)  # 404 when the parent is gone
        if body.get("object") not in (activity, target):
            raise ApiError(400, f"object must be {activity}", service_error_code=100)
        number = current.new_id()
        urn = f"urn:li:comment:({activity},{number})"
        now = current.now_ms()
        actor = body["actor"]
        comment = {
            "actor": actor, "id": str(number), "commentUrn": urn, "$URN": urn,
            "object": activity, "message": {"text": text, "attributes": []},
            "created": {"actor": actor, "time": now}, "lastModified": {"actor": actor,
                                                                       "time": now},
            "likesSummary": {"totalLikes": 0, "likedByCurrentUser": False},
            "commentsSummary": {"totalFirstLevelComments": 0, "aggregatedTotalComments": 0},
        }
        thread_key = post_key
        if parent:
            comment["parentComment"] = thread_key = parent
            parent_comment = current.comment(parent)
            if parent_comment is not None:
                summary = parent_comment["commentsSummary"]
                summary["totalFirstLevelComments"] += 1
                summary["aggregatedTotalComments"] += 1
        current.add_comment(thread_key, comment)
        return _created(current, comment)


def _metadata(current: SandboxState, urn: str) -> dict[str, Any] | None:
    if urn.startswith("urn:li:comment:"):
        comment = current.comment(urn)
        if comment is None:
            return None
        likes = comment["likesSummary"]["totalLikes"]
        replies = current.visible(current.comments.get(urn, []), "commentUrn")
        return {"entity": urn, "reactionSummaries": {"LIKE": {"reactionType": "LIKE",
                                                                "count": likes}} if likes else {},
                "commentSummary": {"count": len(replies), "topLevelCount": len(replies)},
                "commentsState": "OPEN"}
    post = current.post(urn)
    if post is None:
        return None
    counts = Counter(r["reactionType"] for r in current.reactions.get(post["id"], []))
    top = current.visible(current.comments.get(post["id"], []), "commentUrn")
    nested = sum(len(current.visible(current.comments.get(c["commentUrn"], []), "commentUrn"))
                 for c in top)
    return {"entity": urn,
            "reactionSummaries": {kind: {"reactionType": kind, "count": n}
                                  for kind, n in sorted(counts.items())},
            "commentSummary": {"count": len(top) + nested, "topLevelCount": len(top)},
            "commentsState": "OPEN"}


@blueprint.get("/rest/socialMetadata/<path:_key>")
def get_social_metadata(_key: str) -> Response:
    current = web.state()
    web.accept(paged=False)
    urn = _segment_urn(2)
    with current.lock:
        data = _metadata(current, urn)
    if data is None:
        raise web.not_found(urn)
    return web.answer(data)


@blueprint.get("/rest/socialMetadata")
def batch_social_metadata() -> Response:
    current = web.state()
    web.accept("ids", paged=False)
    ids = web.param("ids")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise ApiError(400, "ids must be List(<encoded URN>,...)", service_error_code=100)
    results, statuses, errors = {}, {}, {}
    with current.lock:
        for urn in ids:
            data = _metadata(current, urn)
            if data is None:
                statuses[urn] = 404
                errors[urn] = {"status": 404, "message": f"Not Found: {urn}"}
            else:
                statuses[urn] = 200
                results[urn] = data
    return web.answer({"results": results, "statuses": statuses, "errors": errors})


@blueprint.get("/rest/reactions/<path:_key>")
def find_reactions(_key: str) -> Response:
    current = web.state()
    try:
        key = parse_restli(web.raw_segments()[2])
    except RestliSyntaxError as exc:
        raise ApiError(400, f"Invalid reactions key: {exc}", service_error_code=100) from None
    if not isinstance(key, dict) or not isinstance(key.get("entity"), str):
        raise ApiError(400, "key must be (entity:<encoded URN>)", service_error_code=100)
    web.finder("entity", "sort")
    order = _reaction_sort()
    with current.lock:
        post = current.post(key["entity"])
        if post is None:
            raise web.not_found(key["entity"])
        reactions = list(current.reactions.get(post["id"], []))
    reactions.sort(key=lambda r: r["created"]["time"], reverse=order != "CHRONOLOGICAL")
    return web.answer(page(current, reactions, web.params(), raw_path=web.raw_path(),
                           layout_key=post["id"] + ":reactions"))


def _reaction_sort() -> str:
    """``sort=(value:REVERSE_CHRONOLOGICAL)`` (the default), ``CHRONOLOGICAL`` or
    ``RELEVANCE`` (served newest first here)."""
    sort = web.param("sort", required=False)
    if sort is None:
        return "REVERSE_CHRONOLOGICAL"
    value = sort.get("value") if isinstance(sort, dict) else None
    if value not in REACTION_SORTS:
        raise ApiError(400, "sort must be (value:REVERSE_CHRONOLOGICAL|CHRONOLOGICAL|"
                       "RELEVANCE)", service_error_code=100)
    return str(value)
