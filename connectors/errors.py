"""Typed errors for every outside API, named by what the caller should do.

One base (``ConnectorError``) for the whole ``connectors`` package. Callers branch on the
class, never on status codes or message text:

* ``RetryLaterError`` and its subclasses: transient; try again after ``retry_after``
  seconds (or the caller's own backoff when it is ``None``). The transport already
  retried idempotent calls before raising one of these.
* ``OutcomeUnknownError``: a non-idempotent write may have landed; check before
  repeating it (never blindly retried, so nothing is applied twice).
* ``AuthenticationError``: credentials or token are bad, expired or revoked; re-login,
  or alert a human. Never retried blindly.
* ``PermissionDeniedError``: authenticated but not allowed; skip and report.
* ``NotFoundError``: the object does not exist (or no longer does).
* ``ValidationError``: the request was wrong; fix the input. ``detail`` holds the
  service's own message.
* ``ConflictError``: the object already exists (for example a create with a client id
  that is taken).
* ``BadResponseError``: the service answered something we cannot parse.
* ``ApiVersionRetiredError``: the configured API version is gone; change ``setting``.
* ``ObjectDeletedError`` (a ``NotFoundError``): record the deletion.
* ``TooMuchDataError``: ask again for less (smaller page, fewer fields).
* ``WebhookRejectedError``: refuse the delivery with ``status``; change nothing.

Messages never contain credentials: a service that echoes a password in an error body
(SuiteCRM does) is summarised, not quoted.
"""

from __future__ import annotations

from typing import TypedDict, Unpack


class ErrorFields(TypedDict, total=False):
    """What every ``ConnectorError`` carries besides its message (subclasses pass it on)."""

    service: str
    status: int | None
    detail: str | None
    attempts: int


class ConnectorError(Exception):
    """Base of every error raised by a connector client."""

    def __init__(
        self,
        message: str,
        *,
        service: str = "",
        status: int | None = None,
        detail: str | None = None,
        attempts: int = 1,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.service = service
        self.status = status
        self.detail = detail
        self.attempts = attempts

    def __str__(self) -> str:
        prefix = f"{self.service}: " if self.service else ""
        status = f" (HTTP {self.status})" if self.status is not None else ""
        return f"{prefix}{self.message}{status}"


class RetryLaterError(ConnectorError):
    """Transient failure; safe to try again later."""

    def __init__(self, message: str, *, retry_after: float | None = None,
                 **fields: Unpack[ErrorFields]) -> None:
        super().__init__(message, **fields)
        self.retry_after = retry_after


class UnavailableError(RetryLaterError):
    """The service is down, overloaded, timed out or refused the connection."""


class RateLimitedError(RetryLaterError):
    """The service throttled us; wait ``retry_after`` seconds before the next call."""


class OutcomeUnknownError(ConnectorError):
    """A write that is not safe to repeat may or may not have been applied (the answer
    was lost, or the service failed after receiving it). Not a ``RetryLaterError`` on
    purpose: re-read the target and look for the write before trying it again."""


class AuthenticationError(ConnectorError):
    """Credentials or token rejected, expired or revoked: re-authenticate or alert.

    ``reason`` tells an operator what happened: ``invalid`` (bad credentials),
    ``expired``, ``revoked`` or ``missing_permission`` (a scope or role was removed: the
    sync would silently miss data, so it is an auth failure, not a skip).
    """

    def __init__(self, message: str, *, reason: str = "invalid",
                 **fields: Unpack[ErrorFields]) -> None:
        super().__init__(message, **fields)
        self.reason = reason


class ApiVersionRetiredError(ConnectorError):
    """The API version we call has been retired; ``setting`` names what to change."""

    def __init__(self, message: str, *, setting: str, **fields: Unpack[ErrorFields]) -> None:
        super().__init__(message, **fields)
        self.setting = setting


class PermissionDeniedError(ConnectorError):
    """Authenticated, but this user or app may not do that."""


class NotFoundError(ConnectorError):
    """The object (or route) does not exist."""


class ObjectDeletedError(NotFoundError):
    """The object existed and was deleted: callers record a deletion, not a failure."""


class TooMuchDataError(ConnectorError):
    """The service asked for less data per call: retry with fewer fields or a smaller page."""


class ValidationError(ConnectorError):
    """The service rejected the request as invalid; ``detail`` says why."""


class ConflictError(ConnectorError):
    """The object already exists."""


class BadResponseError(ConnectorError):
    """The answer could not be understood (not JSON, or not the documented shape)."""


class WebhookRejectedError(ConnectorError):
    """An incoming webhook request we must refuse (bad signature, wrong verify token);
    ``status`` is the HTTP answer to give. Nothing of the request may be processed."""
