"""``/app/``: the reps' web app shell, outside ``/api/v1`` (no token to load it).

Caching, by what a file is:

* the page, the manifest and the service worker are revalidated on every load
  (``no-cache`` with an ETag: 304 and no body while unchanged), so a deploy reaches
  phones at once; the worker carries the app's version, so a changed file makes the
  browser install a new worker, which re-caches the shell;
* scripts and styles are not fingerprinted (no build step), so they are revalidated too;
  the service worker serves them from its cache, so a repeat load needs no network;
* icons change only with a new design: cached for a week.

Every answer carries a strict Content-Security-Policy: the app runs only its own scripts
and talks only to its own origin, so an injected text in a customer's comment cannot run.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, request
from werkzeug.wrappers import Response as BaseResponse

from mobile_api.webapp.shell import INDEX, SERVICE_WORKER, Asset, shipped_shell

SCOPE = "/app/"
REVALIDATE = "no-cache"
ICONS_CACHE = "public, max-age=604800"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")

blueprint = Blueprint("webapp", __name__)


@blueprint.get("/app")
def without_slash() -> BaseResponse:
    """The app's relative links need the trailing slash."""
    return redirect(SCOPE, code=308)


@blueprint.get(SCOPE)
def page() -> Response:
    return _serve(INDEX)


@blueprint.get(SCOPE + "<path:name>")
def asset(name: str) -> Response:
    return _serve(name)


def _serve(name: str) -> Response:
    found = shipped_shell().get(name)
    if found is None:
        abort(404)
    encoding = found.best_encoding(_accepted_encodings())
    etag = found.etag(encoding)
    response = Response(status=200, content_type=found.content_type)
    response.set_etag(etag)
    response.headers["Cache-Control"] = _cache_control(found)
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["Referrer-Policy"] = "no-referrer"
    if name == SERVICE_WORKER:
        response.headers["Service-Worker-Allowed"] = SCOPE
    if request.if_none_match.contains(etag):
        response.status_code = 304
        return response
    if encoding != "identity":
        response.headers["Content-Encoding"] = encoding
    response.set_data(found.body(encoding))
    return response


def _cache_control(found: Asset) -> str:
    return ICONS_CACHE if found.name.startswith("icons/") else REVALIDATE


def _accepted_encodings() -> set[str]:
    """The encodings the browser accepts (a ``q=0`` refuses one)."""
    return {value for value, quality in request.accept_encodings if quality > 0}
