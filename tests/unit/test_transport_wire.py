"""What the transport puts on the wire, and how it tells "never sent" from "maybe sent".

Every failure here is real: a loopback port nobody listens on, a name that cannot
resolve (``.invalid`` is reserved for that, RFC 6761), a listening socket whose accept
queue is full (connecting times out), and a server that reads the request and then
answers too late (sent, no answer).
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator

import pytest
import requests

from connectors.connect_errors import never_sent
from connectors.errors import OutcomeUnknownError, UnavailableError
from connectors.transport import RetryPolicy, Transport
from tests.scripted_server import Reply, ScriptedServer
from tests.unit.test_transport import classify
from workers.redis_server import free_port

POLICY = RetryPolicy(max_attempts=3, base_delay=1.0, jitter=lambda: 0.0)


def _post(url: str, slept: list[float], *, timeout: float = 2.0) -> None:
    Transport("test", url, retry=POLICY, sleep=slept.append, timeout=timeout).send(
        "POST", "/replies", endpoint="POST /replies", classify=classify, idempotent=False)


@pytest.fixture()
def full_backlog() -> Iterator[str]:
    """A loopback port that listens but never accepts, its queue already full: a new
    connection is neither accepted nor refused, so connecting times out."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):  # connects in the background
            filler.connect(("127.0.0.1", port))
        fillers.append(filler)
    time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        for filler in fillers:
            filler.close()
        server.close()


def test_user_agent_reaches_the_server() -> None:
    with ScriptedServer(Reply(200)) as server:
        Transport("test", server.url, user_agent="SocialCRM/9.9 (test)").send(
            "GET", "/x", endpoint="GET /x", classify=classify, idempotent=True)
        Transport("test", server.url).send(
            "GET", "/x", endpoint="GET /x", classify=classify, idempotent=True)
    agents = [seen.headers.get("User-Agent") for seen in server.seen]
    assert agents == ["SocialCRM/9.9 (test)", "SocialCRM"]


def test_user_agent_wins_over_an_injected_session_default() -> None:
    session = requests.Session()  # carries python-requests/x.y as its own default
    with ScriptedServer(Reply(200)) as server:
        Transport("test", server.url, session=session, user_agent="SocialCRM-sync").send(
            "GET", "/x", endpoint="GET /x", classify=classify, idempotent=True)
    assert server.seen[0].headers["User-Agent"] == "SocialCRM-sync"
    assert session.headers["User-Agent"].startswith("python-requests")  # not mutated


def test_a_refused_post_was_never_sent_so_it_is_retried() -> None:
    slept: list[float] = []
    with pytest.raises(UnavailableError) as err:
        _post(f"http://127.0.0.1:{free_port()}", slept)
    assert not isinstance(err.value, OutcomeUnknownError)
    assert err.value.attempts == 3 and len(slept) == 2


def test_a_post_to_a_name_that_does_not_resolve_was_never_sent() -> None:
    slept: list[float] = []
    with pytest.raises(UnavailableError) as err:
        _post("http://socialcrm-transport-test.invalid", slept)
    assert not isinstance(err.value, OutcomeUnknownError)
    assert err.value.attempts == 3


def test_a_post_whose_connection_timed_out_was_never_sent(full_backlog: str) -> None:
    slept: list[float] = []
    with pytest.raises(UnavailableError) as err:
        _post(full_backlog, slept, timeout=0.2)
    assert not isinstance(err.value, OutcomeUnknownError)
    assert err.value.attempts == 3


def test_a_post_that_timed_out_after_sending_has_an_unknown_outcome() -> None:
    slept: list[float] = []
    with ScriptedServer(Reply(delay=0.6)) as server, pytest.raises(OutcomeUnknownError):
        _post(server.url, slept, timeout=0.2)
    assert len(server.seen) == 1 and slept == []  # it arrived: never sent twice


def _failure(url: str, timeout: float = 2.0) -> requests.RequestException:
    try:
        requests.post(url, timeout=timeout)
    except requests.RequestException as exc:
        return exc
    raise AssertionError("the request succeeded")


def test_never_sent_reads_exception_types_not_message_words(full_backlog: str) -> None:
    assert never_sent(_failure(f"http://127.0.0.1:{free_port()}/refused"))
    assert never_sent(_failure("http://socialcrm-transport-test.invalid/"))
    assert never_sent(_failure(full_backlog, timeout=0.2))
    with ScriptedServer(Reply(delay=0.6), Reply(drop=True)) as server:
        assert not never_sent(_failure(f"{server.url}/refused", timeout=0.2))  # read timeout
        assert not never_sent(_failure(f"{server.url}/refused"))  # dropped after sending
