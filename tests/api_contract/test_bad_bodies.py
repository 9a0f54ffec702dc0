"""Request bodies the fuzzer does not send, on every operation that takes JSON.

Bodies over the size limit (with a Content-Length and chunked), bodies that are not the
documented JSON or not UTF-8, and strings that look like SQL or JSON or break encoders.
Each must get a 4xx with the one error body (``code`` = the HTTP status, ``status``,
``message``), or for harmless strings a normal answer: never a 5xx, never HTML. The
operations come from the running app's document, so a new endpoint is held to the same
rules without editing this file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import requests

from mobile_api.config import ApiConfig
from tests.api_contract.answers import (
    NASTY_STRINGS,
    Problems,
    body_with_strings,
    chunked_body,
    expect_error,
    expect_sane,
    json_operations,
)
from tests.mobile.conftest import Api

NOT_JSON_BODIES: tuple[tuple[str | None, bytes], ...] = (
    ("text/plain", b'{"username": "sally", "password": "sally-Passw0rd"}'),
    ("application/x-www-form-urlencoded", b"username=sally&password=sally-Passw0rd"),
    ("multipart/form-data; boundary=zzz", b"--zzz--\r\n"),
    ("application/xml", b"<login><username>sally</username></login>"),
    (None, b'{"username": "sally"'),
    ("application/json", b'{"username": "sally", "password": '),
    ("application/json", b""),
    ("application/json", b"null"),
    ("application/json", b"[]"),
    ("application/json", b'"a string"'),
    ("application/json", b"NaN"),
    ("application/json", b'{"username": "sally", "password": "x", "password": 1}'),
    ("application/json; charset=latin-1", b'{"username": "s\xe4lly", "password": "x"}'),
)
NOT_UTF8_BODIES = (
    b'{"username": "\xff\xfe\xfd", "password": "x"}',
    b'{"username": "sally", "password": "\xc3\x28"}',  # a truncated sequence
    b'{"username": "\xed\xa0\x80", "password": "x"}',  # an encoded surrogate
)


def test_a_body_over_the_limit_is_413_json(document: dict[str, Any], api_config: ApiConfig,
                                           send: Callable[..., requests.Response]) -> None:
    oversized = json.dumps({"username": "x" * (api_config.max_body_bytes + 1024),
                            "password": "y"}).encode()
    problems: Problems = []
    for operation in json_operations(document):
        answer = send(operation.method, operation.url_path(), data=oversized,
                      headers={"Content-Type": "application/json"})
        expect_error(problems, operation.label, answer, {413})
    assert not problems, "\n".join(problems)


def test_a_chunked_body_over_the_limit_is_a_4xx_json(
        api_config: ApiConfig, send: Callable[..., requests.Response]) -> None:
    """No Content-Length to refuse up front: the limit holds while the body streams in."""
    problems: Problems = []
    answer = send("POST", "/auth/token", data=chunked_body(api_config.max_body_bytes),
                  headers={"Content-Type": "application/json"})
    assert "Content-Length" not in answer.request.headers
    expect_error(problems, "POST /auth/token (chunked)", answer, range(400, 500))
    assert not problems, "\n".join(problems)


def test_a_chunked_body_over_the_limit_is_413_json(
        document: dict[str, Any], api_config: ApiConfig,
        send: Callable[..., requests.Response]) -> None:
    problems: Problems = []
    for operation in json_operations(document):
        answer = send(operation.method, operation.url_path(),
                      data=chunked_body(api_config.max_body_bytes),
                      headers={"Content-Type": "application/json"})
        expect_error(problems, f"{operation.label} (chunked)", answer, {413})
    assert not problems, "\n".join(problems)


def test_a_body_that_is_not_the_documented_json_is_a_4xx_json(
        document: dict[str, Any], send: Callable[..., requests.Response]) -> None:
    problems: Problems = []
    for operation in json_operations(document):
        for content_type, body in NOT_JSON_BODIES:
            headers = {"Content-Type": content_type} if content_type else {}
            answer = send(operation.method, operation.url_path(), data=body, headers=headers)
            expect_error(problems, f"{operation.label} {content_type} {body[:40]!r}", answer,
                         range(400, 500))
    assert not problems, "\n".join(problems)


def test_a_json_body_that_is_not_utf8_is_400_or_422(
        document: dict[str, Any], send: Callable[..., requests.Response]) -> None:
    problems: Problems = []
    for operation in json_operations(document):
        for body in NOT_UTF8_BODIES:
            answer = send(operation.method, operation.url_path(), data=body,
                          headers={"Content-Type": "application/json"})
            expect_error(problems, f"{operation.label} {body[:40]!r}", answer, {400, 422})
    assert not problems, "\n".join(problems)


def test_strange_strings_in_json_fields_are_refused_or_served_never_a_5xx(
        document: dict[str, Any], send: Callable[..., requests.Response]) -> None:
    problems: Problems = []
    for operation in json_operations(document):
        if operation.public:
            continue  # login with odd names: see the one below, whose throttle it would trip
        for text in NASTY_STRINGS:
            body = body_with_strings(document, operation, text)
            answer = send(operation.method, operation.url_path(), data=json.dumps(body),
                          headers={"Content-Type": "application/json"})
            expect_sane(problems, f"{operation.label} with {text[:30]!r}", answer)
    assert not problems, "\n".join(problems)


def test_a_lone_surrogate_in_a_json_string_is_refused(
        document: dict[str, Any], send: Callable[..., requests.Response]) -> None:
    """``"\\ud800"`` is valid JSON but no Unicode text: it cannot be stored or sent on."""
    problems: Problems = []
    for operation in json_operations(document):
        body = json.dumps(body_with_strings(document, operation, "\ud800"))
        if "\\ud800" not in body:
            continue  # a body without text fields (a flag, say): nothing to hold a surrogate
        answer = send(operation.method, operation.url_path(), data=body,
                      headers={"Content-Type": "application/json"})
        # an admin-only operation may refuse a rep before it reads the body
        allowed = {400, 422} | ({403} if "403" in operation.spec.get("responses", {}) else set())
        expect_error(problems, operation.label, answer, allowed)
    assert not problems, "\n".join(problems)


def test_strange_user_names_and_refresh_tokens_are_refused_never_a_5xx(api: Api) -> None:
    """Each name is tried once, fewer than the per-address limit: none is throttled."""
    problems: Problems = []
    for text in NASTY_STRINGS:
        for path, body in (("/auth/token", {"username": text, "password": text}),
                           ("/auth/refresh", {"refresh_token": text})):
            answer = api("POST", path, data=json.dumps(body),
                         headers={"Content-Type": "application/json"})
            expect_error(problems, f"POST {path} with {text[:30]!r}", answer, {401, 422})
    assert not problems, "\n".join(problems)
