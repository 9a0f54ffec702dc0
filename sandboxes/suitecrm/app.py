"""Flask app factory: routes from ``views_api`` and ``views_control``, one place that
turns errors into SuiteCRM-shaped responses, and the response formatting rules.

JSON:API answers and parameter errors are pretty-printed like PHP's
``JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES``; OAuth errors and
Slim's 404/405 are compact. Every ``/Api`` answer carries SuiteCRM's CORS headers.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from .core import SandboxCore
from .errors import JSON, ApiError, OAuthError

log = logging.getLogger(__name__)

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "POST, GET, OPTIONS, PUT, DELETE",
    "Access-Control-Allow-Headers": (
        "Content-Type, Access-Control-Allow-Headers, Authorization, X-Requested-With"
    ),
}
METHOD_ORDER = ("GET", "POST", "PATCH", "PUT", "DELETE")


def pretty(body: Any, status: int, content_type: str) -> Response:
    text = json.dumps(body, indent=4, ensure_ascii=False)
    return Response(text, status=status, content_type=content_type)


def compact(body: Any, status: int, content_type: str = JSON) -> Response:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return Response(text, status=status, content_type=content_type)


def current_core() -> SandboxCore:
    """The core this app serves: ``create_app`` keeps it in the config, where Flask
    types every value as ``Any``, so the check here gives the views a typed core."""
    found = current_app.config["SANDBOX_CORE"]
    if not isinstance(found, SandboxCore):
        raise RuntimeError("SANDBOX_CORE is not set: build the app with create_app(core)")
    return found


def create_app(core: SandboxCore) -> Flask:
    from .views_api import api_blueprint
    from .views_control import control_blueprint

    app = Flask(__name__)
    app.config["SANDBOX_CORE"] = core
    app.register_blueprint(api_blueprint)
    app.register_blueprint(control_blueprint)

    @app.errorhandler(ApiError)
    def _api_error(error: ApiError) -> Response:
        response = pretty(error.body(), error.status, error.content_type)
        if error.trailer:
            response.set_data(response.get_data() + error.trailer.encode("utf-8"))
        return response

    @app.errorhandler(OAuthError)
    def _oauth_error(error: OAuthError) -> Response:
        return compact(error.body(), error.status)

    @app.errorhandler(NotFound)
    def _not_found(_: NotFound) -> Response:
        return compact({"message": "Not found"}, 404)

    @app.errorhandler(MethodNotAllowed)
    def _not_allowed(error: MethodNotAllowed) -> Response:
        allowed = [m for m in METHOD_ORDER if m in (error.valid_methods or [])]
        response = compact(
            {"message": f"Method not allowed. Must be one of: {', '.join(allowed)}"}, 405
        )
        response.headers["Allow"] = ", ".join(allowed)
        return response

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        return compact({"message": error.name}, error.code or 500)

    @app.errorhandler(Exception)
    def _crash(error: Exception) -> Response:
        log.error(
            "sandbox request failed: %s %s (%s)",
            request.method,
            request.path,
            type(error).__name__,
            exc_info=error,
        )
        return compact({"message": "Slim Application Error"}, 500)

    @app.after_request
    def _cors(response: Response) -> Response:
        if request.path.startswith("/Api"):
            for name, value in CORS_HEADERS.items():
                response.headers.setdefault(name, value)
        return response

    return app
