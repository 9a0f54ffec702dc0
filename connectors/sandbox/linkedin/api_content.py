"""Sandbox routes for posts, comment threads, reactions and social metadata."""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask import Blueprint, Response, request

from connectors.sandbox.linkedin import web
from connectors.sandbox.linkedin.paging import ApiError, page
from connectors.sandbox.linkedin.restli import RestliSyntaxError, unquote_segment
from connectors.sandbox.linkedin.restli import parse as parse_restli
from connectors.sandbox.linkedin.state import SandboxState

blueprint = Blueprint("linkedin_content", __name__)


def _segment_urn(index: int) -> str:
    try:
        return unquote_segment(web.raw_segments()[index])
    except (IndexError, RestliSyntaxError) as exc:
        raise ApiError(400, f"Invalid resource key: {exc}", service_error_code=100) from None


@blueprint.get("/rest/posts")
def find_posts() -> Response:
    current = web.state()
    web.finder("author")
    author = web.urn_param("author")
    sort = web.param("sortBy", required=False) or "LAST_MODIFIED"
    with current.lock:
        posts = [p for p in current.visible(current.posts, "id") if p["author"] == author]
    field = "lastModifiedAt" if sort == "LAST_MODIFIED" else "createdAt"
    posts.sort(key=lambda p: p[field], reverse=True)
    return web.answer(page(current, posts, web.params(), raw_path=web.raw_path()))


@blueprint.get("/rest/posts/<path:_key>")
def get_post(_key: str) -> Response:
    current = web.state()
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
    urn = _segment_urn(2)
    with current.lock:
        _, key, thread = _thread(current, urn)
        visible = current.visible(thread, "commentUrn")
    return web.answer(page(current, visible, web.params(), raw_path=web.raw_path(),
                           id_key="commentUrn", layout_key=key))


@blueprint.post("/rest/socialActions/<path:_key>/comments")
def create_comment(_key: str) -> Response:
    current = web.state()
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
        activity, _, thread = _thread(current, target)
        parent = body.get("parentComment")
        if target.startswith("urn:li:comment:"):
            if parent != target:
                raise ApiError(400, "parentComment must be the comment in the path",
                               service_error_code=100)
        elif parent:
            _, _, thread = _thread(current, parent)
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
        if parent:
            comment["parentComment"] = parent
            parent_comment = current.comment(parent)
            if parent_comment is not None:
                summary = parent_comment["commentsSummary"]
                summary["totalFirstLevelComments"] += 1
                summary["aggregatedTotalComments"] += 1
        thread.append(comment)
    return web.answer(comment, 201, {"x-restli-id": str(number), "x-linkedin-id": str(number)})


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
    urn = _segment_urn(2)
    with current.lock:
        data = _metadata(current, urn)
    if data is None:
        raise web.not_found(urn)
    return web.answer(data)


@blueprint.get("/rest/socialMetadata")
def batch_social_metadata() -> Response:
    current = web.state()
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
    web.finder("entity")
    with current.lock:
        post = current.post(key["entity"])
        if post is None:
            raise web.not_found(key["entity"])
        reactions = list(current.reactions.get(post["id"], []))
    return web.answer(page(current, reactions, web.params(), raw_path=web.raw_path(),
                           layout_key=post["id"] + ":reactions"))
