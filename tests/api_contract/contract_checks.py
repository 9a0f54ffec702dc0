"""Checks of this API's own contract that schemathesis's built-in checks do not make.

Each takes ``(ctx, response, case)`` like a schemathesis check and raises
``AssertionError`` with what a reader needs to fix the endpoint. The explicit bad-input
tests reuse ``assert_error_body`` so both suites mean the same thing by "an error body".
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from schemathesis import Case, CheckContext, CheckFunction, Response

NO_BODY_STATUSES = frozenset({204, 304})


def assert_error_body(status_code: int, content_type: str, body: bytes) -> dict[str, Any]:
    """An error answer: JSON with ``code`` (= the HTTP status), ``status``, ``message``."""
    assert content_type.split(";")[0].strip() == "application/json", (
        f"a {status_code} answered {content_type!r}, not JSON: {body[:200]!r}")
    payload = json.loads(body)
    assert isinstance(payload, dict), f"a {status_code} answered {payload!r}"
    assert payload.get("code") == status_code, (
        f"the body's code {payload.get('code')!r} is not the HTTP status {status_code}")
    assert isinstance(payload.get("status"), str) and payload["status"], payload
    assert isinstance(payload.get("message"), str) and payload["message"].strip(), (
        f"a {status_code} without a message a client can show: {payload!r}")
    errors = payload.get("errors")
    assert errors is None or isinstance(errors, dict), f"errors must be an object: {payload!r}"
    return payload


def answers_json(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """Every answer with a body is JSON; 204 and 304 have none."""
    if response.status_code in NO_BODY_STATUSES:
        assert not response.content, (
            f"a {response.status_code} must have no body: {response.content[:200]!r}")
        return
    content_type = _header(response.headers, "content-type")
    assert content_type.split(";")[0].strip() == "application/json", (
        f"{case.operation.label} answered {response.status_code} as {content_type!r}")
    json.loads(response.content)


def errors_have_one_body(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """Every 4xx and 5xx carries the one error body, its ``code`` the HTTP status."""
    if response.status_code >= 400:
        assert_error_body(response.status_code, _header(response.headers, "content-type"),
                          response.content)


def success_is_documented_explicitly(ctx: CheckContext, response: Response,
                                     case: Case[Any]) -> None:
    """A 2xx or 3xx is listed by its own code; ``default`` describes errors only."""
    if response.status_code >= 400:
        return
    documented = set(case.operation.responses.status_codes)
    status = str(response.status_code)
    assert status in documented or f"{status[0]}XX" in documented, (
        f"{case.operation.label} answered {status}, documented only {sorted(documented)}: "
        "declare it with @blp.response or @blp.alt_response")


def _header(headers: Mapping[str, list[str]], name: str) -> str:
    values = headers.get(name) or headers.get(name.title()) or [""]
    return values[0]


CONTRACT_CHECKS: list[CheckFunction] = [
    answers_json, errors_have_one_body, success_is_documented_explicitly]
