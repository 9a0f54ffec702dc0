"""Requests the fuzzer does not send: odd query and path values, absurd integers,
unknown routes and methods a path does not declare, on every operation of the document.

Each must get a 4xx with the one error body, or for harmless strings a normal answer:
never a 5xx, never HTML. The operations come from the running app's document, so a new
endpoint is held to the same rules without editing this file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
import requests

from tests.api_contract.answers import (
    NASTY_STRINGS,
    Problems,
    expect_error,
    expect_sane,
    undeclared_methods,
)
from tests.api_contract.document import operations, schema_type
from tests.mobile.conftest import Api

RAW_QUERY_VALUES = ("%FF%FE", "%ED%A0%80", "%C3%28", "%00")  # not UTF-8, as sent on the wire
BAD_INTEGERS = ("1000000000000", "-1", "abc", "1.5", "1e3", "0x10", "NaN", "",
                "99999999999999999999999999999999")
UNKNOWN_PATHS = ("", "/", "/nope", "/auth/nope", "/auth/me/extra", "/%FF%FE",
                 "/..%2F..%2Fetc%2Fpasswd", "/v2/feed")


def test_strange_strings_in_query_and_path_parameters_never_give_a_5xx(
        document: dict[str, Any], send: Callable[..., requests.Response]) -> None:
    values = [quote(text, safe="") for text in NASTY_STRINGS]
    values += RAW_QUERY_VALUES
    problems: Problems = []
    for operation in operations(document):
        if operation.public:
            continue
        strings = [parameter["name"] for parameter in operation.query_parameters(document)
                   if schema_type(document, parameter) in ("string", None)]
        if not strings and operation.url_path() == operation.url_path("y"):
            continue  # neither a string query parameter nor a path parameter
        for value in values:
            query = "&".join(f"{name}={value}" for name in strings)
            path = operation.url_path(value) + (f"?{query}" if query else "")
            answer = send(operation.method, path, data=b"{}",
                          headers={"Content-Type": "application/json"})
            expect_sane(problems, f"{operation.method} {path[:80]}", answer)
    assert not problems, "\n".join(problems)


def test_absurd_integers_in_query_parameters_are_422(
        document: dict[str, Any], send: Callable[..., requests.Response]) -> None:
    checked: list[str] = []
    problems: Problems = []
    for operation in operations(document):
        for parameter in operation.query_parameters(document):
            if schema_type(document, parameter) != "integer":
                continue
            checked.append(f"{operation.label}?{parameter['name']}")
            for value in BAD_INTEGERS:
                path = f"{operation.url_path()}?{parameter['name']}={value}"
                answer = send(operation.method, path)
                expect_error(problems, f"{operation.method} {path[:80]}", answer, {422})
                if answer.status_code == 422:
                    fields = answer.json().get("errors", {}).get("query", {})
                    if parameter["name"] not in fields:
                        problems.append(f"{operation.method} {path[:80]}: the 422 does not "
                                        f"name the field: {answer.text[:200]}")
    if not checked:
        pytest.skip("no operation documents an integer query parameter yet")
    assert not problems, "\n".join(problems)


def test_an_unknown_route_is_404_json_with_or_without_a_token(
        api: Api, sally_headers: dict[str, str]) -> None:
    problems: Problems = []
    for headers in (sally_headers, {}):
        for path in UNKNOWN_PATHS:
            for method in ("GET", "POST", "DELETE"):
                answer = api(method, path, headers=headers)
                expect_error(problems, f"{method} /api/v1{path} token={bool(headers)}",
                             answer, {404})
    assert not problems, "\n".join(problems)


def test_a_method_a_path_does_not_declare_is_405_json(
        document: dict[str, Any], send: Callable[..., requests.Response]) -> None:
    problems: Problems = []
    for path, declared, method in undeclared_methods(document):
        answer = send(method, path, json={})
        expect_error(problems, f"{method} {path} (declares {sorted(declared)})", answer, {405})
    assert not problems, "\n".join(problems)


def test_a_405_names_the_methods_the_path_allows(
        document: dict[str, Any], send: Callable[..., requests.Response]) -> None:
    """RFC 9110: a 405 lists the allowed methods in ``Allow``, so a client can correct."""
    problems: Problems = []
    for path, declared, method in undeclared_methods(document):
        answer = send(method, path)
        allowed = {item.strip() for item in answer.headers.get("Allow", "").split(",")}
        if not declared <= allowed:
            problems.append(f"{method} {path}: Allow {answer.headers.get('Allow')!r}, "
                            f"declared {sorted(declared)}")
    assert not problems, "\n".join(problems)
