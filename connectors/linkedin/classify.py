"""LinkedIn answers -> typed errors, in one place.

Callers branch on the class, never on LinkedIn's numbers:

* 426 / ``NONEXISTENT_VERSION`` -> ``ApiVersionRetiredError`` naming the setting and the
  rejected version (a retired monthly version otherwise stops every sync at once);
* 401 -> ``AuthenticationError`` with ``reason`` ``expired`` (65602), ``revoked``
  (65601) or ``invalid``; 403 ``ACCESS_DENIED`` / "not enough permissions" -> reason
  ``missing_permission``: a lost scope silently hides data, so it alerts like a dead
  token instead of being skipped;
* 404 on an object (a post, a comment) -> ``ObjectDeletedError``: the caller records a
  deletion instead of keeping a stale copy;
* 429 -> ``RateLimitedError`` with the hold the throttle governor set for the endpoint
  (``ThrottleRule`` alone when no governor is attached);
* 400 naming ``count`` as too large -> ``TooMuchDataError`` (the paginator asks again
  with a smaller page); other 400/422 -> ``ValidationError``;
* 5xx -> ``UnavailableError``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
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
from connectors.linkedin.errorbody import ErrorBody
from connectors.linkedin.throttle import Clock, ThrottleRule, utc_now
from connectors.transport import Classifier, parse_retry_after

SERVICE = "linkedin"
EXPIRED_TOKEN = 65602
REVOKED_TOKEN = 65601
DEFAULT_TOO_MUCH_DATA = re.compile(r"\bcount\b.*(max|exceed|less than|at most|<=|too large)",
                                   re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ErrorMapper:
    """Configuration of the mapping; ``classifier()`` gives the transport's callback."""

    version: str
    version_setting: str = "LINKEDIN_VERSION"
    throttle: ThrottleRule = field(default_factory=ThrottleRule)
    clock: Clock = utc_now
    too_much_data: re.Pattern[str] = DEFAULT_TOO_MUCH_DATA
    holds: Callable[[str], float | None] | None = None  # the governor's ``remaining``

    def classifier(self, object_urn: str | None = None, *,
                   endpoint: str | None = None) -> Classifier:
        """``object_urn`` marks calls about one object, where 404 means it was deleted;
        ``endpoint`` (as the transport names it) is where a 429's hold is looked up."""

        def classify(response: requests.Response) -> ConnectorError | None:
            if response.status_code < 400:
                return None
            return self.error_for(response, object_urn, endpoint)

        return classify

    def error_for(self, response: requests.Response, object_urn: str | None,
                  endpoint: str | None = None) -> ConnectorError:
        case = _Case(self, response, ErrorBody.of(response), object_urn, endpoint)
        handler = _HANDLERS.get(response.status_code)
        if handler is not None:
            return handler(case)
        if response.status_code >= 500:
            return UnavailableError(
                f"LinkedIn is unavailable: {case.said}",
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
                **case.common,
            )
        return BadResponseError(f"unexpected LinkedIn answer: {case.said}", **case.common)


@dataclass(frozen=True, slots=True)
class _Case:
    """One failed answer with what the handlers need to describe it."""

    mapper: ErrorMapper
    response: requests.Response
    body: ErrorBody
    object_urn: str | None
    endpoint: str | None = None

    @property
    def said(self) -> str:
        return self.body.message or self.body.code or f"HTTP {self.response.status_code}"

    @property
    def common(self) -> dict[str, Any]:
        return {"service": SERVICE, "status": self.response.status_code, "detail": self.said}


def _version(case: _Case) -> ConnectorError:
    mapper = case.mapper
    return ApiVersionRetiredError(
        f"LinkedIn rejected API version {mapper.version!r} ({case.said}); "
        f"set {mapper.version_setting} to a current YYYYMM version",
        setting=mapper.version_setting,
        **case.common,
    )


def _bad_request(case: _Case) -> ConnectorError:
    body, mapper = case.body, case.mapper
    if body.code == "NONEXISTENT_VERSION":
        return _version(case)
    if body.mentions("version") and body.mentions("missing", "invalid", "format"):
        return ValidationError(
            f"LinkedIn refused the version header {mapper.version!r}: {case.said}; "
            f"check {mapper.version_setting}",
            **case.common,
        )
    if mapper.too_much_data.search(body.message):
        return TooMuchDataError(f"LinkedIn asked for a smaller page: {case.said}",
                                **case.common)
    return ValidationError(f"LinkedIn rejected the request: {case.said}", **case.common)


def _unauthorized(case: _Case) -> ConnectorError:
    body = case.body
    if body.service_error_code == EXPIRED_TOKEN or body.mentions("EXPIRED"):
        reason = "expired"
    elif body.service_error_code == REVOKED_TOKEN or body.mentions("REVOKED"):
        reason = "revoked"
    else:
        reason = "invalid"
    return AuthenticationError(
        f"LinkedIn access token {reason}: {case.said}; a new token is needed",
        reason=reason,
        **case.common,
    )


def _forbidden(case: _Case) -> ConnectorError:
    if case.body.code == "ACCESS_DENIED" or case.body.mentions("permission", "scope"):
        return AuthenticationError(
            f"LinkedIn token lacks a permission: {case.said}; "
            "re-authorise with the missing scope or role",
            reason="missing_permission",
            **case.common,
        )
    return PermissionDeniedError(f"LinkedIn refused: {case.said}", **case.common)


def _not_found(case: _Case) -> ConnectorError:
    if case.object_urn:
        return ObjectDeletedError(f"{case.object_urn} no longer exists on LinkedIn",
                                  **case.common)
    return NotFoundError(f"LinkedIn: not found: {case.said}", **case.common)


def _conflict(case: _Case) -> ConnectorError:
    return ConflictError(f"LinkedIn: conflict: {case.said}", **case.common)


def _throttled(case: _Case) -> ConnectorError:
    mapper = case.mapper
    held = mapper.holds(case.endpoint) if mapper.holds and case.endpoint else None
    wait = held if held is not None else mapper.throttle.wait(case.response, mapper.clock())
    return RateLimitedError(
        f"LinkedIn throttled the call (serviceErrorCode {case.body.service_error_code}); "
        f"retry after {wait:.0f}s",
        retry_after=wait,
        **case.common,
    )


_HANDLERS: dict[int, Callable[[_Case], ConnectorError]] = {
    400: _bad_request,
    401: _unauthorized,
    403: _forbidden,
    404: _not_found,
    409: _conflict,
    410: _not_found,
    422: _bad_request,
    426: _version,
    429: _throttled,
}
