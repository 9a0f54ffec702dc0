"""What LinkedIn checks before a route runs: headers, version, token, throttle, scopes.

Order: protocol and version headers (400, retired or unknown version 426), bearer token
(401 with 65600/65601/65602), throttling (429, ``serviceErrorCode`` 101, ``Retry-After``
only when configured), an outage when one is set (5xx; an "applied" outage lets the
request through and loses only its answer), then the token's scopes (403
``ACCESS_DENIED``). Every API
request is written to the request log with what it carried, for the tests to assert on.
"""

from __future__ import annotations

import re

from flask import Flask, Response, request

from sandboxes.linkedin.paging import ApiError
from sandboxes.linkedin.state import (
    READ_ADMIN,
    READ_LEADS,
    READ_SOCIAL,
    WRITE_SOCIAL,
    SandboxState,
    Token,
)
from sandboxes.linkedin.web import answer, state

API_PREFIXES = ("/rest/", "/v2/")
LOST_ANSWER = "linkedin_sandbox.lost_answer"
_VERSION = re.compile(r"^\d{6}(\.\d{2})?$")


def _log(current: SandboxState) -> None:
    auth = request.headers.get("Authorization", "")
    scheme, _, token = auth.partition(" ")
    entry = {
        "method": request.method,
        "path": request.path,
        "raw_uri": request.environ.get("RAW_URI") or request.full_path,
        "query": request.environ.get("QUERY_STRING", ""),
        "linkedin_version": request.headers.get("LinkedIn-Version"),
        "restli_protocol": request.headers.get("X-Restli-Protocol-Version"),
        "auth_scheme": scheme,
        "token_known": token in current.tokens,
        "status": None,
    }
    with current.lock:
        current.requests.append(entry)
    request.environ["linkedin_sandbox.log"] = entry


def _check_headers(current: SandboxState) -> None:
    if request.headers.get("X-Restli-Protocol-Version") != "2.0.0":
        raise ApiError(400, "X-Restli-Protocol-Version: 2.0.0 is required for this API",
                       code="ILLEGAL_ARGUMENT", service_error_code=100)
    version = request.headers.get("LinkedIn-Version")
    if not version:
        raise ApiError(400, "A version must be present. Please specify a version by adding "
                       "the LinkedIn-Version header.", code="VERSION_MISSING")
    if not _VERSION.match(version):
        raise ApiError(400, f"Invalid version format {version!r}; expected YYYYMM",
                       code="INVALID_VERSION")
    oldest, newest = current.versions()
    if not oldest <= version[:6] <= newest:
        raise ApiError(426, f"Requested version {version} is not active",
                       code="NONEXISTENT_VERSION")


def _check_token(current: SandboxState) -> Token:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    info = current.tokens.get(token) if scheme == "Bearer" else None
    if info is None:
        raise ApiError(401, "Invalid access token", code="INVALID_ACCESS_TOKEN",
                       service_error_code=65600)
    if info.state == "expired":
        raise ApiError(401, "The token used in the request has expired",
                       code="EXPIRED_ACCESS_TOKEN", service_error_code=65602)
    if info.state == "revoked":
        raise ApiError(401, "The token used in the request has been revoked by the user",
                       code="REVOKED_ACCESS_TOKEN", service_error_code=65601)
    return info


def _check_scope(info: Token) -> None:
    needed = _scope_for(request.method, request.path)
    if needed not in info.scopes:
        raise ApiError(403, f"Not enough permissions to access: {request.method} "
                       f"{request.path} (needs {needed})", code="ACCESS_DENIED",
                       service_error_code=100)


def _check_throttle(current: SandboxState) -> None:
    with current.lock:
        rule = current.throttle
        if rule.calls <= 0 or not request.path.startswith(rule.path_prefix):
            return
        if rule.after > 0:
            rule.after -= 1
            return
        rule.calls -= 1
        headers = {"Retry-After": rule.retry_after} if rule.retry_after else {}
        raise ApiError(429, rule.message, service_error_code=101, headers=headers)


def _outage_error(status: int) -> ApiError:
    return ApiError(status, "Internal Server Error" if status == 500 else "Service Unavailable")


def _check_outage(current: SandboxState) -> None:
    with current.lock:
        outage = current.outage
        if outage.calls <= 0:
            return
        if outage.after > 0:
            outage.after -= 1
            return
        outage.calls -= 1
        if outage.applied:  # carry the request out; its answer is replaced afterwards
            request.environ[LOST_ANSWER] = outage.status
            return
        raise _outage_error(outage.status)


def _scope_for(method: str, path: str) -> str:
    if method == "POST" and path.startswith("/rest/socialActions/"):
        return WRITE_SOCIAL
    if path.startswith("/rest/leadForm"):
        return READ_LEADS
    if path.startswith("/rest/organizationalEntityFollowerStatistics"):
        return READ_ADMIN
    return READ_SOCIAL


def install(app: Flask) -> None:
    @app.before_request
    def guard() -> Response | None:
        if not request.path.startswith(API_PREFIXES):
            return None
        current = state()
        _log(current)
        _check_headers(current)
        token = _check_token(current)
        _check_throttle(current)
        _check_outage(current)
        _check_scope(token)
        return None

    @app.after_request
    def record_status(response: Response) -> Response:
        lost = request.environ.pop(LOST_ANSWER, None)
        if lost is not None:
            error = _outage_error(lost)
            response = answer(error.body, error.status)
        entry = request.environ.get("linkedin_sandbox.log")
        if entry is not None:
            entry["status"] = response.status_code
        return response

    @app.errorhandler(ApiError)
    def api_error(error: ApiError) -> Response:
        return answer(error.body, error.status, error.headers)

    @app.errorhandler(404)
    def unknown_route(error: Exception) -> Response:
        return answer({"status": 404, "code": "RESOURCE_NOT_FOUND",
                       "message": f"No resource at {request.path}"}, 404)

    @app.errorhandler(405)
    def wrong_method(error: Exception) -> Response:
        return answer({"status": 405, "message": f"{request.method} not allowed here"}, 405)
