"""The two error shapes SuiteCRM's V8 API answers with, as exceptions the views raise.

SuiteCRM renders a data error as ``{"errors": {"status", "title", "detail"}}`` with 400,
and the media type depends on *where* the PHP code failed: the parameter middleware
(option validation, unknown module, unknown related record) answers
``application/json``; the controller and service layer (record not found, access
denied, duplicate id) answer ``application/vnd.api+json``. ``ApiError`` carries that
choice so every raise site states which layer it imitates.

The OAuth2 server (league/oauth2-server) has its own shape,
``{"error", "error_description", ["hint"], "message"}``; ``OAuthError`` renders it.
"""

from __future__ import annotations

JSON = "application/json"
JSON_API = "application/vnd.api+json"

ACCESS_DENIED = "[SuiteCRM] [AccessDeniedException] "
NOT_ALLOWED = "[SuiteCRM] [Not Allowed] The API user does not have access to this module."


class ApiError(Exception):
    """A V8 data error: 400 (unless told otherwise) with SuiteCRM's ``errors`` object."""

    def __init__(self, detail: str, *, params: bool, status: int = 400, trailer: str = "") -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status
        self.content_type = JSON if params else JSON_API
        self.trailer = trailer  # raw text PHP printed after the JSON (see database_failure)

    def body(self) -> dict[str, object]:
        return {"errors": {"status": self.status, "title": None, "detail": self.detail}}


def params_error(detail: str) -> ApiError:
    """An error raised by the parameter middleware (``application/json``)."""
    return ApiError(detail, params=True)


def service_error(detail: str) -> ApiError:
    """An error raised by a controller or service (``application/vnd.api+json``)."""
    return ApiError(detail, params=False)


DATABASE_FAILURE = "Database failure. Please refer to suitecrm.log for details."


def database_failure() -> ApiError:
    """SQL on a column that does not exist (a filter on a non-db field, a sort on a link):
    the JSON error, then the same words printed raw by the DB layer, so the body as a
    whole is not JSON."""
    return ApiError(DATABASE_FAILURE, params=False, trailer=DATABASE_FAILURE)


def invalid_option(name: str, value: object) -> ApiError:
    """Symfony OptionsResolver's message for a value that fails validation."""
    return params_error(f'The option "{name}" with value {php_repr(value)} is invalid.')


def missing_option(name: str) -> ApiError:
    return params_error(f'The required option "{name}" is missing.')


def undefined_options(names: list[str], defined: list[str]) -> ApiError:
    """Symfony's message for options nobody declared (sorted, like PHP's ``sort``)."""
    known = ", ".join(f'"{n}"' for n in sorted(defined))
    if len(names) == 1:
        return params_error(
            f'The option "{names[0]}" does not exist. Defined options are: {known}.'
        )
    listed = ", ".join(f'"{n}"' for n in sorted(names))
    return params_error(f"The options {listed} do not exist. Defined options are: {known}.")


def wrong_type(name: str, value: object, expected: str) -> ApiError:
    return params_error(
        f'The option "{name}" with value {php_repr(value)} is expected to be of type '
        f'"{expected}", but is of type "{php_type(value)}".'
    )


def php_repr(value: object) -> str:
    """How Symfony formats a value inside its messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # PHP's (string) 42.0 is "42"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict | list):
        return "array"
    return f'"{value}"'


def php_type(value: object) -> str:
    """PHP's ``gettype``, which the bundled OptionsResolver names types with."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "double"
    if isinstance(value, dict | list):
        return "array"
    if value is None:
        return "NULL"
    return "string"


class OAuthError(Exception):
    """An error from the token endpoint or the bearer-token check."""

    def __init__(self, status: int, error: str, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.hint = hint

    def body(self) -> dict[str, str]:
        body = {"error": self.error, "error_description": self.message}
        if self.hint is not None:
            body["hint"] = self.hint
        body["message"] = self.message
        return body


def invalid_client() -> OAuthError:
    return OAuthError(401, "invalid_client", "Client authentication failed")


def unknown_error(message: str) -> OAuthError:
    """What SuiteCRM answers (500) when a repository throws: unknown client or user."""
    return OAuthError(500, "unknown_error", message)


def invalid_request(parameter: str) -> OAuthError:
    return OAuthError(
        400,
        "invalid_request",
        "The request is missing a required parameter, includes an invalid parameter value, "
        "includes a parameter more than once, or is otherwise malformed.",
        hint=f"Check the `{parameter}` parameter",
    )


def unsupported_grant() -> OAuthError:
    return OAuthError(
        400,
        "unsupported_grant_type",
        "The authorization grant type is not supported by the authorization server.",
        hint="Check that all required parameters have been provided",
    )


def invalid_refresh_token(hint: str) -> OAuthError:
    return OAuthError(401, "invalid_request", "The refresh token is invalid.", hint=hint)


def access_denied(hint: str) -> OAuthError:
    return OAuthError(
        401,
        "access_denied",
        "The resource owner or authorization server denied the request.",
        hint=hint,
    )
