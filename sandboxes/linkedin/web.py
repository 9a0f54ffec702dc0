"""Small helpers every sandbox route uses: the state, raw request parts, JSON answers."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app, request

from sandboxes.linkedin.paging import ApiError
from sandboxes.linkedin.restli import RestliSyntaxError, raw_params
from sandboxes.linkedin.restli import parse as parse_restli
from sandboxes.linkedin.state import SandboxState

EXTENSION = "linkedin_sandbox"


def state() -> SandboxState:
    found = current_app.extensions[EXTENSION]
    if not isinstance(found, SandboxState):  # Flask types extensions as Any
        raise RuntimeError(f"app.extensions[{EXTENSION!r}] is not a SandboxState")
    return found


def raw_path() -> str:
    """The path exactly as the client sent it (percent-encoding intact)."""
    uri = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.path
    return uri.split("?", 1)[0]


def raw_segments() -> list[str]:
    return raw_path().strip("/").split("/")


def params() -> dict[str, str]:
    """Query parameters with their values still percent-encoded, as sent."""
    return raw_params(request.environ.get("QUERY_STRING", ""))


def param(name: str, *, required: bool = True) -> Any:
    """A Rest.li-parsed parameter (record -> dict, List -> list, else decoded text)."""
    raw = params().get(name)
    if raw is None:
        if required:
            raise ApiError(400, f"Missing required param '{name}'", service_error_code=100)
        return None
    try:
        return parse_restli(raw)
    except RestliSyntaxError as exc:
        raise ApiError(400, f"Invalid param '{name}': {exc}", service_error_code=100) from None


def urn_param(name: str) -> str:
    value = param(name)
    if not isinstance(value, str) or not value.startswith("urn:li:"):
        raise ApiError(400, f"Invalid param '{name}': expected a URN", service_error_code=100)
    return value


PAGING_PARAMS = frozenset({"start", "count", "pageSize", "pageToken"})


def accept(*names: str, paged: bool = True) -> None:
    """Refuse every query parameter the route does not implement. LinkedIn answers
    unexpected query parameters with 400 "Invalid query parameters passed to request";
    a sandbox that ignored them would let a client believe it sorted or filtered by an
    option LinkedIn never heard of (the names are added here to ease debugging)."""
    known = set(names) | (PAGING_PARAMS if paged else set())
    unknown = sorted(set(params()) - known)
    if unknown:
        raise ApiError(400, f"Invalid query parameters passed to request: {', '.join(unknown)}"
                       f" (this resource takes {', '.join(sorted(known)) or 'none'})",
                       service_error_code=0)


def finder(expected: str, *names: str) -> None:
    """The ``q`` finder must be ``expected``; ``names``: its other parameters."""
    accept("q", *names)
    if param("q") != expected:
        raise ApiError(400, f"Unsupported finder; use q={expected}", service_error_code=100)


def answer(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """JSON in UTF-8 with non-ASCII characters unescaped, as LinkedIn sends it."""
    response = Response(json.dumps(body, ensure_ascii=False), status=status,
                        content_type="application/json; charset=utf-8")
    response.headers["X-RestLi-Protocol-Version"] = "2.0.0"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def not_found(what: str) -> ApiError:
    return ApiError(404, f"Not Found: {what}", code="NOT_FOUND", service_error_code=100)
