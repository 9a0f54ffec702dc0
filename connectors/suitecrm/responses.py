"""Map SuiteCRM V8 answers to typed errors, in one place.

What the real API does (see the recordings the contract tests replay):

* data errors are ``{"errors": {"status": 400, "title": null, "detail": "..."}}``: an
  object, not the JSON:API array (an array is accepted too, should that ever change);
* an unknown or deleted id is **400** ``"{Module} module with id X is not found"``,
  not 404; creating with an id that exists is 400 ``"Bean ... is already exist"``;
* SQL on something that is not a column (a filter on a relate field, a sort on a link)
  answers 400 with the JSON error *followed by* "Database failure. Please refer to
  suitecrm.log for details." as raw text: the JSON at the start is read alone;
* a query that fails because the database went away mid-request (MariaDB stopping) is
  answered **400** too, with the connection's error as detail (``"No such file or
  directory"``, the socket gone) and the same "Database failure" words after the JSON:
  an outage, retried like a 5xx, never a refusal of the request;
* auth errors use the OAuth shape ``{"error", "error_description", "hint", "message"}``
  with 401; the token endpoint answers a wrong user password with **500 and the
  password inside the message**, and an unknown client id with 500 as well. Both are
  authentication failures; their text is never copied into an error or a log.
"""

from __future__ import annotations

import json
import re
from typing import Any

import requests

from connectors.errors import (
    AuthenticationError,
    BadResponseError,
    ConflictError,
    ConnectorError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    UnavailableError,
    ValidationError,
)
from connectors.transport import parse_retry_after

SERVICE = "suitecrm"
_NOT_FOUND = re.compile(r"module with id .* is not found$")
_EXISTS = re.compile(r"^Bean .* with id .* is already exist")
_DATABASE_FAILURE = "Database failure. Please refer to suitecrm.log"
# What MySQL and MariaDB clients say when the server is gone or cannot take the query now.
_DATABASE_GONE = re.compile(
    r"No such file or directory|Connection refused|Connection reset|server has gone away|"
    r"Lost connection to|Server shutdown in progress|Too many connections|Can't connect to|"
    r"Deadlock found|Lock wait timeout exceeded", re.IGNORECASE)


def json_body(response: requests.Response) -> Any:
    """The JSON body, or ``BadResponseError`` when it is not JSON."""
    try:
        return response.json()
    except (ValueError, json.JSONDecodeError):
        raise BadResponseError(
            f"answer is not JSON (HTTP {response.status_code}, "
            f"{response.headers.get('Content-Type', 'no content type')})",
            service=SERVICE,
            status=response.status_code,
        ) from None


def _safe_json(response: requests.Response) -> dict[str, Any]:
    """The error body as an object. A database failure answers the JSON error followed
    by the same words printed raw, so the JSON at the start is read on its own."""
    try:
        body = response.json()
    except ValueError:
        try:
            body, _ = json.JSONDecoder().raw_decode(response.text.lstrip())
        except ValueError:
            return {}
    return body if isinstance(body, dict) else {}


def error_detail(body: dict[str, Any]) -> str:
    errors = body.get("errors")
    if isinstance(errors, list):
        errors = errors[0] if errors else {}
    if isinstance(errors, dict):
        return str(errors.get("detail") or errors.get("title") or "")
    return str(body.get("message") or "")


def _transient(response: requests.Response) -> ConnectorError | None:
    status = response.status_code
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    if status == 429:
        return RateLimitedError("SuiteCRM is throttling requests", service=SERVICE,
                                status=status, retry_after=retry_after)
    if status >= 500:
        return UnavailableError("SuiteCRM is unavailable", service=SERVICE, status=status,
                                retry_after=retry_after)
    return None


def classify_api(response: requests.Response) -> ConnectorError | None:
    """Errors of ``/Api/V8/...`` calls."""
    status = response.status_code
    if status < 400:
        return None
    body = _safe_json(response)
    if status == 401:
        hint = str(body.get("hint") or "")
        reason = "invalid"
        if "could not be verified" in hint:
            reason = "expired"
        elif "revoked" in hint:
            reason = "revoked"
        return AuthenticationError(f"access token rejected ({hint or 'no hint'})",
                                   service=SERVICE, status=status, reason=reason)
    transient = _transient(response)
    if transient is not None:
        return transient
    if status == 404:
        return NotFoundError(str(body.get("message") or "no such route"), service=SERVICE,
                             status=status)
    detail = error_detail(body)
    if _DATABASE_GONE.search(detail) and _DATABASE_FAILURE in response.text:
        return UnavailableError(f"SuiteCRM lost its database ({detail})", service=SERVICE,
                                status=status)
    if _NOT_FOUND.search(detail):
        return NotFoundError(detail, service=SERVICE, status=status, detail=detail)
    if _EXISTS.search(detail):
        return ConflictError(detail, service=SERVICE, status=status, detail=detail)
    if "[AccessDeniedException]" in detail or "[Not Allowed]" in detail:
        return PermissionDeniedError(detail, service=SERVICE, status=status, detail=detail)
    message = detail or str(body.get("message") or f"rejected with HTTP {status}")
    return ValidationError(message, service=SERVICE, status=status, detail=message)


def classify_token(response: requests.Response) -> ConnectorError | None:
    """Errors of ``/Api/access_token``. Never copies the body's text: it may hold a password."""
    status = response.status_code
    if status < 400:
        return None
    body = _safe_json(response)
    code = str(body.get("error") or "")
    if code in {"invalid_grant", "invalid_request"} and status == 401:
        return AuthenticationError("SuiteCRM refused the grant: the refresh token is invalid, "
                                   "revoked or expired; log in again", service=SERVICE,
                                   status=status, reason="expired")
    if status == 401 or code == "invalid_client":
        return AuthenticationError(
            "SuiteCRM rejected the OAuth2 client (invalid_client): check the client id and "
            "secret, and that this client is configured for this grant type",
            service=SERVICE, status=status)
    if code == "unknown_error":
        return AuthenticationError(
            "SuiteCRM refused the credentials "
            "(user name or password not accepted, or unknown client id)",
            service=SERVICE, status=status)
    if code in {"invalid_grant", "invalid_request"}:
        return AuthenticationError("SuiteCRM refused the token request as incomplete",
                                   service=SERVICE, status=status)
    if code == "unsupported_grant_type":
        return AuthenticationError("SuiteCRM does not support this OAuth2 grant type",
                                   service=SERVICE, status=status)
    transient = _transient(response)
    if transient is not None:
        return transient
    return AuthenticationError(f"token request failed ({code or f'HTTP {status}'})",
                               service=SERVICE, status=status)
