"""The versioned mobile API: flask-smorest under ``/api/v1``, its OpenAPI document and docs.

The OpenAPI 3 document (``/api/v1/openapi.json``) is the contract: every resource declares
its arguments and answers (errors included) with marshmallow schemas, so the document
describes every answer the API gives and a generated client works against it. Docs for
people: ``/api/v1/docs`` (Swagger UI) and ``/api/v1/redoc``, with their scripts from a CDN
the reader's browser loads; the document itself needs nothing from outside.
"""

from __future__ import annotations

from flask import Flask

from mobile_api.auth import guard
from mobile_api.blueprints import API_BLUEPRINTS
from mobile_api.errors import SocialCRMApi

PREFIX = "/api/v1"
VERSION = "1.0.0"


def init_api(app: Flask) -> SocialCRMApi:
    """Mount every blueprint under ``/api/v1`` with the token check in front."""
    app.config.update({
        "API_TITLE": "SocialCRM mobile API",
        "API_VERSION": VERSION,
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": PREFIX,
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/",
        "OPENAPI_REDOC_PATH": "redoc",
        "OPENAPI_REDOC_URL":
            "https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js",
        "API_SPEC_OPTIONS": {
            "info": {"description": (
                "For sales reps' phones and tablets: log in with SuiteCRM credentials, "
                "read the activity feed, record what you did in one tap. Every route "
                "needs `Authorization: Bearer <access_token>` from `POST /api/v1/auth/"
                "token` unless it says otherwise.")},
            "components": {"securitySchemes": {"bearer": {
                "type": "http", "scheme": "bearer",
                "description": "An access token from POST /api/v1/auth/token"}}},
            "security": [{"bearer": []}],
        },
    })
    api = SocialCRMApi(app)
    for blueprint in API_BLUEPRINTS:
        api.register_blueprint(blueprint, url_prefix=PREFIX + (blueprint.url_prefix or ""))
    guard.protect(app, PREFIX)
    return api
