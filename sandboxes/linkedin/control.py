"""``/__sandbox__/``: steer the LinkedIn sandbox over HTTP (tests, demos, other processes).

Modes: ``throttle``, ``outage``, ``paging``, ``delete``, ``tokens``, ``comment-answer``;
observation: ``requests`` (the request log), ``state``; and ``inbox``, a reference webhook
receiver that answers LinkedIn's ``challengeCode`` and records each POST with whether
its ``X-LI-Signature`` matched the raw body (checked with the sandbox's own ``signing``).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from sandboxes.linkedin import web
from sandboxes.linkedin.paging import ApiError
from sandboxes.linkedin.signing import (
    SIGNATURE_HEADER,
    challenge_answer,
    signature_matches,
)
from sandboxes.linkedin.state import (
    ALL_SCOPES,
    COMMENT_ANSWERS,
    DAILY_THROTTLE_MESSAGE,
    THROTTLE_MESSAGE,
    Outage,
    Paging,
    SandboxState,
    Throttle,
    Token,
)

blueprint = Blueprint("linkedin_control", __name__, url_prefix="/__sandbox__")


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise ApiError(400, "control body must be a JSON object")
    return body


def set_throttle(current: SandboxState, *, calls: int = 1, after: int = 0, daily: bool = False,
                 retry_after: str | None = None, path_prefix: str = "/rest/") -> None:
    with current.lock:
        current.throttle = Throttle(calls=calls, after=after,
                                    message=DAILY_THROTTLE_MESSAGE if daily else THROTTLE_MESSAGE,
                                    retry_after=retry_after, path_prefix=path_prefix)


def set_outage(current: SandboxState, *, calls: int = 1, after: int = 0,
               status: int = 503, applied: bool = False) -> None:
    if not 500 <= status <= 599:
        raise ValueError("an outage answers a 5xx status")
    with current.lock:
        current.outage = Outage(calls=calls, after=after, status=status, applied=applied)


def set_comment_answer(current: SandboxState, mode: str) -> None:
    if mode not in COMMENT_ANSWERS:
        raise ValueError(f"comment answer must be one of {sorted(COMMENT_ANSWERS)}")
    with current.lock:
        current.comment_answer = mode


def set_paging(current: SandboxState, **options: Any) -> None:
    with current.lock:
        current.paging = Paging(**options)


def set_token(current: SandboxState, token: str, *, state: str = "valid",
              scopes: list[str] | None = None) -> None:
    if state not in {"valid", "expired", "revoked"}:
        raise ValueError("token state must be valid, expired or revoked")
    with current.lock:
        current.tokens[token] = Token(state=state, scopes=frozenset(scopes or ALL_SCOPES))


def delete(current: SandboxState, urn: str) -> None:
    with current.lock:
        current.deleted.add(urn)


@blueprint.get("/state")
def show_state() -> Response:
    current = web.state()
    with current.lock:
        return web.answer({
            "organization": current.organization,
            "organization_name": current.organization_name,
            "versions": dict(zip(("min", "max"), current.versions(), strict=True)),
            "tokens": {token: info.state for token, info in current.tokens.items()},
            "posts": [p["id"] for p in current.visible(current.posts, "id")],
            "comments": sum(len(t) for t in current.comments.values()),
            "lead_forms": [f["id"] for f in current.lead_forms],
            "lead_responses": len(current.lead_responses),
            "deleted": sorted(current.deleted),
            "paging": vars(current.paging),
            "throttle": vars(current.throttle),
            "outage": vars(current.outage),
            "comment_answer": current.comment_answer,
        })


@blueprint.post("/throttle")
def throttle() -> Response:
    try:
        set_throttle(web.state(), **_body())
    except TypeError as exc:
        raise ApiError(400, str(exc)) from None
    return web.answer({"ok": True})


@blueprint.post("/outage")
def outage() -> Response:
    try:
        set_outage(web.state(), **_body())
    except (TypeError, ValueError) as exc:
        raise ApiError(400, str(exc)) from None
    return web.answer({"ok": True})


@blueprint.post("/paging")
def paging() -> Response:
    try:
        set_paging(web.state(), **_body())
    except TypeError as exc:
        raise ApiError(400, str(exc)) from None
    return web.answer({"ok": True})


@blueprint.post("/comment-answer")
def comment_answer() -> Response:
    try:
        set_comment_answer(web.state(), str(_body().get("mode")))
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None
    return web.answer({"ok": True})


@blueprint.post("/delete")
def delete_object() -> Response:
    urn = _body().get("urn")
    if not isinstance(urn, str):
        raise ApiError(400, "give the URN to delete as {\"urn\": ...}")
    delete(web.state(), urn)
    return web.answer({"ok": True, "deleted": urn})


@blueprint.post("/tokens")
def tokens() -> Response:
    body = _body()
    try:
        set_token(web.state(), str(body["token"]), state=body.get("state", "valid"),
                  scopes=body.get("scopes"))
    except (KeyError, ValueError) as exc:
        raise ApiError(400, f"bad token request: {exc}") from None
    return web.answer({"ok": True})


@blueprint.get("/requests")
def request_log() -> Response:
    current = web.state()
    with current.lock:
        return web.answer({"requests": list(current.requests)})


@blueprint.delete("/requests")
def clear_request_log() -> Response:
    current = web.state()
    with current.lock:
        current.requests.clear()
    return web.answer({"ok": True})


@blueprint.get("/inbox")
def inbox_challenge_or_list() -> Response:
    current = web.state()
    code = request.args.get("challengeCode")
    if code:
        return web.answer(challenge_answer(code, current.client_secret))
    with current.lock:
        return web.answer({"received": list(current.inbox)})


@blueprint.post("/inbox")
def inbox_receive() -> Response:
    current = web.state()
    raw = request.get_data(cache=False)
    valid = signature_matches(raw, request.headers.get(SIGNATURE_HEADER), current.client_secret)
    with current.lock:
        current.inbox.append({"valid_signature": valid, "body": raw.decode("utf-8", "replace"),
                              "signature": request.headers.get(SIGNATURE_HEADER)})
    return web.answer({"ok": valid}, 200 if valid else 401)
