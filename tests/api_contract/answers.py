"""What the bad-input tests expect of an answer, and the bodies and names they send.

Shared by ``test_bad_bodies`` and ``test_bad_requests``: both walk the operations of the
running app's document and collect every problem before failing, so one run shows all
the endpoints that misbehave, not just the first.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import requests

from tests.api_contract.contract_checks import assert_error_body
from tests.api_contract.document import (
    HTTP_METHODS,
    Operation,
    declared_methods,
    operations,
    resolve,
    routed_elsewhere,
)

Problems = list[str]

NASTY_STRINGS = (
    "' OR '1'='1' --",
    "1; DROP TABLE users; --",
    '{"$ne": null}',
    '{"__proto__": {"admin": true}}',
    "[1, 2, {\"a\": ",
    "../../../../etc/passwd",
    "%s%s%s%n",
    "\u0000",
    "😀" * 50,
    "Привет, 中文, עברית",
    "x" * 5000,
)


def chunked_body(limit: int) -> Iterator[bytes]:
    """A JSON login body of more than ``limit`` bytes, sent without a Content-Length."""
    yield b'{"username": "'
    for _ in range(limit // 65536 + 2):
        yield b"x" * 65536
    yield b'", "password": "y"}'


def json_operations(document: dict[str, Any]) -> list[Operation]:
    found = [operation for operation in operations(document) if operation.takes_json]
    assert found, "the document declares no JSON body at all: is it the right document?"
    return found


def undeclared_methods(document: dict[str, Any]) -> Iterator[tuple[str, set[str], str]]:
    """(path without /api/v1, methods it declares, one it does not) for every path."""
    for path, declared in declared_methods(document).items():
        concrete = Operation("GET", path, {}).url_path()
        for method in (name.upper() for name in HTTP_METHODS):
            if method not in declared and not routed_elsewhere(document, concrete, method):
                yield concrete, declared, method


def body_with_strings(document: dict[str, Any], operation: Operation,
                      text: str) -> dict[str, Any]:
    """The operation's JSON body with ``text`` in every string field, the rest minimal."""
    content = operation.spec["requestBody"]["content"]["application/json"]
    schema = resolve(document, content.get("schema", {}))
    body: dict[str, Any] = {}
    for name, field in schema.get("properties", {}).items():
        field = resolve(document, field)
        kind = field.get("type")
        if "enum" in field:
            body[name] = field["enum"][0]
        elif kind == "string" or kind is None:
            body[name] = text
        elif kind in ("integer", "number"):
            body[name] = 1
        elif kind == "boolean":
            body[name] = True
        elif kind == "array":
            body[name] = [text]
        elif kind == "object":
            body[name] = {text: text}
    return body


def expect_error(problems: Problems, label: str, answer: requests.Response,
                 statuses: set[int] | range) -> None:
    if answer.status_code not in statuses:
        problems.append(f"{label}: {answer.status_code}, expected {_describe(statuses)}: "
                        f"{answer.text[:200]}")
        return
    try:
        assert_error_body(answer.status_code, answer.headers.get("Content-Type", ""),
                          answer.content)
    except AssertionError as exc:
        problems.append(f"{label}: {exc}")


def expect_sane(problems: Problems, label: str, answer: requests.Response) -> None:
    """Never a 5xx; an error has the error body; a success is JSON or has no body."""
    if answer.status_code >= 500:
        problems.append(f"{label}: {answer.status_code}: {answer.text[:200]}")
    elif answer.status_code >= 400:
        expect_error(problems, label, answer, range(400, 500))
    elif answer.content and not answer.headers.get("Content-Type", "").startswith(
            "application/json"):
        problems.append(f"{label}: {answer.status_code} as "
                        f"{answer.headers.get('Content-Type')!r}")


def _describe(statuses: set[int] | range) -> str:
    if isinstance(statuses, range):
        return f"{statuses.start}-{statuses.stop - 1}"
    return " or ".join(str(status) for status in sorted(statuses))
