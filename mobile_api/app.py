"""The Flask app factory: one app per ``ApiConfig``, nothing bound at import time.

Blueprints are registered in one flat list, so the mobile API issue adds its own by
appending a line. The webhook receivers are plain Flask blueprints, not flask-smorest
ones: they read raw bytes (the signature covers the exact bytes, so no schema may parse
the body first) and answer with fixed tiny JSON, so smorest's argument parsing and
OpenAPI responses add nothing there. The mobile API's resources use flask-smorest.

Errors are rendered in one place as ``{code, status, message}`` JSON (the shape
flask-smorest uses), so a client mistake is never an HTML page or a 500.
"""

from __future__ import annotations

import logging

import redis
from flask import Flask, Response, current_app, jsonify
from werkzeug.exceptions import HTTPException

from mobile_api.config import ApiConfig
from mobile_api.webhooks import facebook, linkedin, suitecrm
from mobile_api.webhooks.intake import EXTENSION

log = logging.getLogger(__name__)


def create_app(config: ApiConfig) -> Flask:
    """A ready WSGI app for ``config``."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes + 1  # see read_body
    app.extensions[EXTENSION] = (config, redis.Redis.from_url(config.redis_url))
    for blueprint in (
        facebook.blueprint,
        linkedin.blueprint,
        suitecrm.blueprint,
    ):
        app.register_blueprint(blueprint)
    app.add_url_rule("/health", "health", _health)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(redis.RedisError, _redis_down)
    return app


def _health() -> tuple[Response, int]:
    """For load balancers and ``socialcrm run``: 200 once the app can reach its Redis."""
    _, client = current_app.extensions[EXTENSION]
    client.ping()  # a RedisError becomes the 503 below
    return jsonify(status="ok"), 200


def _http_error(error: HTTPException) -> tuple[Response, int]:
    code = error.code or 500
    return jsonify(code=code, status=error.name, message=error.description), code


def _redis_down(error: redis.RedisError) -> tuple[Response, int]:
    """Redis unreachable: 503 so the network retries later; the delivery is not lost."""
    log.error("redis unavailable while taking in a request: %s", error)
    return jsonify(code=503, status="Service Unavailable",
                   message="the service cannot store deliveries right now"), 503
