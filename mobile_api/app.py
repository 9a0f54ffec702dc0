"""The Flask app factory: one app per ``ApiConfig``, nothing bound at import time.

The webhook receivers and the health probes are plain Flask blueprints, registered here:
the receivers read raw bytes (the signature covers the exact bytes, so no schema may parse
the body first) and answer with fixed tiny JSON, so smorest's argument parsing and OpenAPI
responses add nothing there. The mobile API's resources are flask-smorest blueprints under
``/api/v1``, listed in ``mobile_api.blueprints`` and mounted by ``api_setup``.

Errors are rendered in one place as ``{code, status, message, errors}`` JSON
(``mobile_api.errors``), so a client mistake is never an HTML page or a 500.
"""

from __future__ import annotations

import logging

import redis
from flask import Flask, Response, jsonify

from connectors.suitecrm import PasswordClient
from mobile_api import health, webapp
from mobile_api.api_setup import init_api
from mobile_api.config import ApiConfig
from mobile_api.feed.compression import init_compression
from mobile_api.state import ApiState, install
from mobile_api.webhooks import facebook, linkedin, suitecrm
from workers.redis_connect import connect
from workers.rep_sessions import SessionStore
from workers.tokens import TokenCipher

log = logging.getLogger(__name__)


def create_app(config: ApiConfig) -> Flask:
    """A ready WSGI app for ``config``."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes + 1  # see read_body
    client = connect(config.redis_url)
    install(app, ApiState(config, client, _sessions(config, client)))
    for blueprint in (
        facebook.blueprint,
        linkedin.blueprint,
        suitecrm.blueprint,
        health.blueprint,
        webapp.blueprint,
    ):
        app.register_blueprint(blueprint)
    init_api(app)  # after the plain blueprints: its error handler serves them too
    init_compression(app)
    app.register_error_handler(redis.RedisError, _redis_down)
    return app


def _sessions(config: ApiConfig, client: redis.Redis) -> SessionStore | None:
    if not config.logs_reps_in:
        return None
    return SessionStore(
        client, TokenCipher(config.secret_key), suitecrm_url=config.suitecrm_url,
        password_client=PasswordClient(config.suitecrm_password_client_id,
                                       config.suitecrm_password_client_secret),
        access_seconds=config.access_token_seconds,
        refresh_seconds=config.refresh_token_seconds,
        client_options={"timeout": config.http_timeout})


def _redis_down(error: redis.RedisError) -> tuple[Response, int]:
    """Redis unreachable: 503 so the network retries later; the delivery is not lost."""
    log.error("redis unavailable while taking in a request: %s", error)
    return jsonify(code=503, status="Service Unavailable",
                   message="the service cannot store deliveries right now"), 503
