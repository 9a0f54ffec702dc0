"""One error body for every error the API gives: ``{code, status, message, errors}``.

flask-smorest renders HTTP errors as JSON already; this adds what a client needs to show
something useful every time: a ``message`` on every error (a bare 404 or 405 included),
field-level ``errors`` for validation (``{"json": {"field": ["..."]}}``, keyed by where
the field was: ``json``, ``query``, ``headers``), and a generic message for a 500, whose
details go to the log, never to the client.
"""

from __future__ import annotations

import logging
from typing import Any

import marshmallow as ma
from flask_smorest import Api
from werkzeug.exceptions import HTTPException, MethodNotAllowed

log = logging.getLogger(__name__)


class ErrorSchema(ma.Schema):
    """The body of every error answer."""

    code = ma.fields.Integer(required=True, metadata={"description": "HTTP status code"})
    status = ma.fields.String(required=True, metadata={"description": "HTTP status name"})
    message = ma.fields.String(required=True,
                               metadata={"description": "What went wrong, for people"})
    errors = ma.fields.Dict(metadata={
        "description": "Field errors by location (json, query, headers), then field name"})


class ApiError(HTTPException):
    """Raise with a status, a message and optional field errors."""

    def __init__(self, status: int, message: str,
                 errors: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(description=message)
        self.code = status
        self.data: dict[str, Any] = {"message": message}
        if errors:
            self.data["errors"] = errors
        if headers:
            self.data["headers"] = headers


class SocialCRMApi(Api):  # type: ignore[misc]
    """flask-smorest's ``Api`` with the error body above."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException) -> tuple[dict[str, Any], int,
                                                                   dict[str, str]]:
        payload, code, headers = super().handle_http_exception(error)
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            headers = {**headers, "Allow": ", ".join(sorted(error.valid_methods))}
        if "message" not in payload:
            payload["message"] = _message(error)
        if code >= 500 and not isinstance(error, ApiError):
            payload["message"] = "the server failed to answer; try again later"
        return payload, code, headers


def _message(error: HTTPException) -> str:
    if error.code == 422:
        return "some fields are invalid: see errors"
    return str(error.description or error.name)
