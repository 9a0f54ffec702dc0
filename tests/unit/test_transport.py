"""The shared transport against a real loopback HTTP server: what is retried and what not."""

from __future__ import annotations

import logging

import pytest
import requests

from connectors.errors import (
    ConnectorError,
    OutcomeUnknownError,
    RateLimitedError,
    UnavailableError,
    ValidationError,
)
from connectors.transport import CallCounter, RetryPolicy, Transport, parse_retry_after
from tests.scripted_server import Reply, ScriptedServer
from workers.redis_server import free_port


def classify(response: requests.Response) -> ConnectorError | None:
    if response.status_code == 429:
        return RateLimitedError("slow down", retry_after=parse_retry_after(
            response.headers.get("Retry-After")))
    if response.status_code >= 500:
        return UnavailableError("down", retry_after=parse_retry_after(
            response.headers.get("Retry-After")))
    if response.status_code >= 400:
        return ValidationError("bad")
    return None


def transport(url: str, slept: list[float], **kwargs) -> Transport:
    policy = kwargs.pop("retry", RetryPolicy(max_attempts=4, base_delay=1.0, jitter=lambda: 0.5))
    return Transport("test", url, retry=policy, sleep=slept.append, timeout=2, **kwargs)


def test_idempotent_call_retries_5xx_with_exponential_backoff():
    slept: list[float] = []
    with ScriptedServer(Reply(503), Reply(502), Reply(200, {"n": 1})) as server:
        answer = transport(server.url, slept).send("GET", "/x", endpoint="GET /x",
                                                   classify=classify, idempotent=True)
    assert answer.json() == {"n": 1}
    assert slept == [0.5, 1.0]  # base * 2**(n-1) * jitter(0.5)
    assert len(server.seen) == 3


def test_non_idempotent_call_is_not_retried_on_5xx_and_its_outcome_is_unknown():
    slept: list[float] = []
    with (ScriptedServer(Reply(503), Reply(200)) as server,
          pytest.raises(OutcomeUnknownError) as err):
        transport(server.url, slept).send("POST", "/x", endpoint="POST /x",
                                          classify=classify, idempotent=False)
    assert len(server.seen) == 1 and slept == [] and err.value.attempts == 1


def test_retry_after_is_obeyed_and_429_retried_even_for_posts():
    slept: list[float] = []
    with ScriptedServer(Reply(429, headers={"Retry-After": "3"}), Reply(201)) as server:
        answer = transport(server.url, slept).send("POST", "/x", endpoint="POST /x",
                                                   classify=classify, idempotent=False)
    assert answer.status_code == 201
    assert slept == [3.0]


def test_a_long_retry_after_is_surfaced_instead_of_blocking():
    slept: list[float] = []
    with (ScriptedServer(Reply(429, headers={"Retry-After": "3600"})) as server,
          pytest.raises(RateLimitedError) as err):
        transport(server.url, slept).send("GET", "/x", endpoint="GET /x",
                                          classify=classify, idempotent=True)
    assert err.value.retry_after == pytest.approx(3600)
    assert slept == []


def test_client_errors_are_never_retried():
    slept: list[float] = []
    with ScriptedServer(Reply(400)) as server, pytest.raises(ValidationError):
        transport(server.url, slept).send("GET", "/x", endpoint="GET /x",
                                          classify=classify, idempotent=True)
    assert len(server.seen) == 1


def test_attempts_are_capped():
    slept: list[float] = []
    with ScriptedServer(Reply(503)) as server, pytest.raises(UnavailableError) as err:
        transport(server.url, slept).send("GET", "/x", endpoint="GET /x",
                                          classify=classify, idempotent=True)
    assert len(server.seen) == 4 and err.value.attempts == 4 and len(slept) == 3


def test_read_timeout_retried_only_when_idempotent():
    slept: list[float] = []
    with ScriptedServer(Reply(delay=0.6), Reply(200)) as server:
        t = transport(server.url, slept)
        t.timeout = 0.2
        assert t.send("GET", "/x", endpoint="GET /x", classify=classify,
                      idempotent=True).status_code == 200
    with ScriptedServer(Reply(delay=0.6), Reply(200)) as server:
        t = transport(server.url, slept)
        t.timeout = 0.2
        with pytest.raises(OutcomeUnknownError):
            t.send("POST", "/x", endpoint="POST /x", classify=classify, idempotent=False)
        assert len(server.seen) == 1


def test_refused_connection_is_retried_even_for_posts_then_reported():
    slept: list[float] = []
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(UnavailableError) as err:
        transport(url, slept).send("POST", "/x", endpoint="POST /x", classify=classify,
                                   idempotent=False)
    assert err.value.attempts == 4


def test_dropped_connection_is_retried_for_idempotent_calls():
    slept: list[float] = []
    with ScriptedServer(Reply(drop=True), Reply(200)) as server:
        answer = transport(server.url, slept).send("GET", "/x", endpoint="GET /x",
                                                   classify=classify, idempotent=True)
    assert answer.status_code == 200 and len(server.seen) == 2


def test_calls_are_counted_per_endpoint_and_logs_carry_no_query(caplog):
    caplog.set_level(logging.DEBUG, logger="connectors")
    slept: list[float] = []
    counter = CallCounter()
    with ScriptedServer(Reply(503), Reply(200)) as server:
        t = transport(server.url, slept, counter=counter)
        t.send("GET", "/x", endpoint="GET /x", classify=classify, idempotent=True,
               params={"access_token": "SECRET-TOKEN"})
        t.send("GET", "/y", endpoint="GET /y", classify=classify, idempotent=True)
    assert counter.snapshot() == {("test", "GET /x"): 2, ("test", "GET /y"): 1}
    assert counter.total("test") == 3
    assert "SECRET-TOKEN" not in caplog.text


def test_governor_sees_every_response_including_errors():
    seen: list[int] = []

    class Recorder:
        def before_request(self, endpoint: str) -> None:
            seen.append(0)

        def after_response(self, endpoint: str, response: requests.Response) -> None:
            seen.append(response.status_code)

    slept: list[float] = []
    with ScriptedServer(Reply(503), Reply(200)) as server:
        transport(server.url, slept, governor=Recorder()).send(
            "GET", "/x", endpoint="GET /x", classify=classify, idempotent=True)
    assert seen == [0, 503, 0, 200]


def test_retry_after_http_date_and_garbage():
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_full_jitter_stays_under_the_ceiling():
    policy = RetryPolicy(max_attempts=10, base_delay=1.0, max_delay=4.0, jitter=lambda: 1.0)
    assert [policy.delay(n, None) for n in range(1, 6)] == [1.0, 2.0, 4.0, 4.0, 4.0]
    assert policy.delay(10, None) is None
