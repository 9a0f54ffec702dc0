"""Graph API error bodies and HTTP statuses mapped to the shared typed errors.

Graph answers ``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}``
and the *code* says what the caller should do; the HTTP status alone does not (throttling
arrives as 400 or 403, a "reduce the amount of data" as 500). Callers branch on the class:

* throttling (4, 17, 32, 341, 613, 80000-80008) -> ``RateLimitedError`` whose
  ``retry_after`` comes from ``estimated_time_to_regain_access`` (minutes, in the usage
  header), else a conservative default, never a blind short retry;
* 1 / 2 and ``is_transient`` -> ``UnavailableError``, except code 1 "Please reduce the
  amount of data" -> ``TooMuchDataError`` (ask again with a smaller page);
* 190 -> ``AuthenticationError`` with ``reason`` expired / revoked / invalid by subcode;
  10 and 200-299 -> ``AuthenticationError(reason="missing_permission")`` so a lost scope
  alerts someone instead of silently syncing nothing, except 10 with subcode 2018278
  (or the older 2018065): a Messenger message outside the 24-hour window, a
  ``MessagingWindowClosedError`` (the token is fine; this conversation is closed to it);
* 2635 -> ``ApiVersionRetiredError`` naming ``FACEBOOK_GRAPH_VERSION``;
* 100 with subcode 33 -> ``ObjectDeletedError`` (callers record a deletion).

The same function maps a whole response and each item of a batch answer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import requests

from connectors.errors import (
    ApiVersionRetiredError,
    AuthenticationError,
    BadResponseError,
    ConflictError,
    ConnectorError,
    NotFoundError,
    ObjectDeletedError,
    PermissionDeniedError,
    RateLimitedError,
    TooMuchDataError,
    UnavailableError,
    ValidationError,
)
from connectors.facebook.usage import regain_seconds

SERVICE = "facebook"
VERSION_SETTING = "FACEBOOK_GRAPH_VERSION"
THROTTLE_CODES = frozenset({4, 17, 32, 341, 613, *range(80000, 80009), 80014})
TRANSIENT_CODES = frozenset({1, 2})
AUTH_CODES = frozenset({10, 102, 104, 190, 2500})
EXPIRED_SUBCODES = frozenset({463})
REVOKED_SUBCODES = frozenset({458, 459, 460, 464, 467, 492})
REDUCE_DATA_MARKER = "reduce the amount of data"
# Code 10 with these subcodes: "This message is sent outside of allowed window" (Send API).
OUTSIDE_WINDOW_SUBCODES = frozenset({2018278, 2018065})
DEFAULT_THROTTLE_WAIT = 300.0


class MessagingWindowClosedError(PermissionDeniedError):
    """Messenger refuses the Page's message: the customer's last message is more than 24
    hours old. Nothing was sent; only the customer writing again reopens the window."""


def _auth_reason(code: int, subcode: int | None, message: str) -> str:
    if code == 10 or 200 <= code <= 299:
        return "missing_permission"
    if subcode in EXPIRED_SUBCODES or (subcode is None and "expired" in message.lower()):
        return "expired"
    if subcode in REVOKED_SUBCODES:
        return "revoked"
    return "invalid"


def _describe(error: Mapping[str, Any]) -> str:
    trace = error.get("fbtrace_id")
    text = str(error.get("message") or "no message")
    return f"{text} (fbtrace_id {trace})" if trace else text


def graph_error(
    status: int,
    body: Any,
    headers: Mapping[str, str],
    *,
    endpoint: str,
    throttle_wait: float = DEFAULT_THROTTLE_WAIT,
) -> ConnectorError | None:
    """The typed error for one Graph answer, or ``None`` when it is a success."""
    error = body.get("error") if isinstance(body, Mapping) else None
    if not isinstance(error, Mapping):
        if 200 <= status < 300:
            return None
        return _status_only_error(status, headers, endpoint, throttle_wait)
    try:
        code = int(error.get("code") or 0)
    except (TypeError, ValueError):
        code = 0
    raw_sub = error.get("error_subcode")
    subcode = int(raw_sub) if isinstance(raw_sub, int | str) and str(raw_sub).isdigit() else None
    message = str(error.get("message") or "")
    detail = _describe(error)
    common: dict[str, Any] = {"service": SERVICE, "status": status, "detail": detail}
    label = f"{endpoint}: Graph error {code}" + (f"/{subcode}" if subcode else "")

    if code in THROTTLE_CODES:
        wait = regain_seconds(headers)
        return RateLimitedError(
            f"{label}: rate limited, retry after {wait or throttle_wait:.0f} s",
            retry_after=wait if wait else throttle_wait, **common,
        )
    if code == 1 and REDUCE_DATA_MARKER in message.lower():
        return TooMuchDataError(f"{label}: Graph asks for less data per call", **common)
    if code in TRANSIENT_CODES or error.get("is_transient") is True:
        return UnavailableError(f"{label}: temporary Graph failure", **common)
    if code == 2635:
        return ApiVersionRetiredError(
            f"{label}: this Graph API version is retired; set {VERSION_SETTING} to a "
            "current version (for example v25.0)",
            setting=VERSION_SETTING, **common,
        )
    if code == 10 and subcode in OUTSIDE_WINDOW_SUBCODES:
        return MessagingWindowClosedError(
            f"{label}: outside Messenger's 24-hour messaging window", **common)
    if code in AUTH_CODES or 200 <= code <= 299:
        reason = _auth_reason(code, subcode, message)
        return AuthenticationError(f"{label}: access token {reason}", reason=reason, **common)
    if code == 100 and "appsecret_proof" in message:
        return AuthenticationError(f"{label}: appsecret_proof rejected", reason="invalid",
                                   **common)
    if code == 100 and subcode == 33:
        return ObjectDeletedError(f"{label}: object deleted or not visible", **common)
    if code == 803:
        return NotFoundError(f"{label}: no such object", **common)
    if code == 368:
        return PermissionDeniedError(f"{label}: temporarily blocked by Facebook", **common)
    if code in (506, 10900):
        return ConflictError(f"{label}: already done (duplicate post or reply)", **common)
    if status >= 500:
        return UnavailableError(f"{label}: Graph server error", **common)
    return ValidationError(f"{label}: request rejected", **common)


def _status_only_error(
    status: int, headers: Mapping[str, str], endpoint: str, throttle_wait: float
) -> ConnectorError:
    common: dict[str, Any] = {"service": SERVICE, "status": status}
    if status == 429:
        wait = regain_seconds(headers)
        return RateLimitedError(f"{endpoint}: rate limited", retry_after=wait or throttle_wait,
                                **common)
    if status >= 500:
        return UnavailableError(f"{endpoint}: Graph server error", **common)
    if status in (401, 403):
        return AuthenticationError(f"{endpoint}: not authorised", **common)
    if status == 404:
        return NotFoundError(f"{endpoint}: not found", **common)
    return BadResponseError(f"{endpoint}: HTTP {status} without a Graph error body", **common)


def decode_json(response: requests.Response, endpoint: str) -> Any:
    """The JSON body, or ``BadResponseError`` when Graph answered something else."""
    try:
        return response.json()
    except (ValueError, json.JSONDecodeError):
        raise BadResponseError(
            f"{endpoint}: answer is not JSON", service=SERVICE, status=response.status_code
        ) from None


class GraphClassifier:
    """Transport classifier: read the body once and map it (``None`` on success)."""

    def __init__(self, endpoint: str, throttle_wait: float = DEFAULT_THROTTLE_WAIT) -> None:
        self.endpoint = endpoint
        self.throttle_wait = throttle_wait

    def __call__(self, response: requests.Response) -> ConnectorError | None:
        if 200 <= response.status_code < 300:
            return None  # success bodies are decoded once, by the caller
        try:
            body = response.json()
        except ValueError:
            body = None
        return graph_error(response.status_code, body, response.headers,
                           endpoint=self.endpoint, throttle_wait=self.throttle_wait)
