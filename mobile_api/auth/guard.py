"""Every ``/api/v1`` route requires a rep's bearer token, unless it visibly opts out.

Why app-wide instead of a decorator per route: a route someone forgets to decorate would
be open to anyone; here a route is closed unless it carries ``@public`` (login, refresh,
the OpenAPI document), which a reviewer sees. Inside a request, :func:`current_rep` is
the caller and :func:`rep_crm` a SuiteCRM client acting as that rep, with the rep's own
SuiteCRM token: SuiteCRM's roles decide what the rep reads and writes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, g, request

from connectors.suitecrm import SuiteCRMClient
from mobile_api.errors import ApiError
from mobile_api.state import api_state
from workers.rep_sessions import Rep, RepReads, RepSignedOut

F = TypeVar("F", bound=Callable[..., Any])
PUBLIC = "_socialcrm_public"
READS = "_socialcrm_reads_with_token"
OPEN_BLUEPRINTS = frozenset({"api-docs"})  # the OpenAPI document and its viewers
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="socialcrm"'}


def public(view: F) -> F:
    """Mark a route as reachable without a token (say why next to it)."""
    setattr(view, PUBLIC, True)
    return view


def reads_with_token(reads: RepReads) -> Callable[[F], F]:
    """Mark a route whose reads of the rep's own keys may go to Redis in the token
    check's round trip (:meth:`SessionStore.authenticate_with`); the route finds their
    answers in :func:`answers_with_token` (None: read them itself)."""
    def mark(view: F) -> F:
        setattr(view, READS, reads)
        return view
    return mark


def answers_with_token() -> list[Any] | None:
    """The answers of the route's :func:`reads_with_token`, when they were read."""
    answers: list[Any] | None = g.get("socialcrm_answers_with_token")
    return answers


def protect(app: Flask, prefix: str) -> None:
    """Check the bearer token before every request under ``prefix``."""

    @app.before_request
    def _require_token() -> None:
        if not request.path.startswith(prefix) or request.endpoint is None:
            return  # not the API, or no such route: 404 as usual
        if request.blueprint in OPEN_BLUEPRINTS or _marked(app, PUBLIC):
            return
        g.socialcrm_rep = authenticate(_marked(app, READS) or None)


def _marked(app: Flask, mark: str) -> Any:
    """The route's ``mark`` (on its view function, or on the method of its view class)."""
    view = app.view_functions.get(str(request.endpoint))
    found = getattr(view, mark, None)
    if found:
        return found
    view_class = getattr(view, "view_class", None)
    method = getattr(view_class, request.method.lower(), None) if view_class else None
    return getattr(method, mark, None)


def authenticate(reads: RepReads | None = None) -> Rep:
    """The rep behind the request's bearer token, or a 401 (with ``reads`` of the rep's
    keys in the same round trip when they can be: :func:`answers_with_token`)."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "log in first: send Authorization: Bearer <access_token>",
                       headers=CHALLENGE)
    sessions = api_state().sessions
    rep, g.socialcrm_answers_with_token = sessions.authenticate_with(token.strip(), reads) \
        if sessions is not None else (None, None)
    if rep is None:
        raise ApiError(401, "the access token is unknown, expired or revoked: refresh it or "
                            "log in again", headers=CHALLENGE)
    return rep


def current_rep() -> Rep:
    """The authenticated rep of this request."""
    rep: Rep | None = g.get("socialcrm_rep")
    if rep is None:  # a public route asking for a rep: treat as unauthenticated
        rep = authenticate()
        g.socialcrm_rep = rep
    return rep


def rep_crm() -> SuiteCRMClient:
    """A SuiteCRM client acting as this request's rep (one per request)."""
    client: SuiteCRMClient | None = g.get("socialcrm_rep_crm")
    if client is not None:
        return client
    sessions = api_state().sessions
    if sessions is None:
        raise ApiError(503, "this API is not connected to a SuiteCRM")
    try:
        client = sessions.crm_for_session(current_rep().session_id)
    except RepSignedOut as exc:
        raise ApiError(401, str(exc), headers=CHALLENGE) from None
    g.socialcrm_rep_crm = client
    return client
