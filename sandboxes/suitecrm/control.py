"""Fault switches and the request log, plus the WSGI layer that applies them.

Faults touch only ``/Api`` routes (the control routes under ``/__sandbox__`` stay
reachable): ``latency_ms`` delays every API answer; ``fail_next`` answers that many
requests with ``fail_status`` (503 by default) and an HTML body like a proxy in front
of SuiteCRM would, with ``Retry-After`` when ``retry_after`` is set; ``drop_next``
closes that many connections without answering and ``lose_answer_next`` carries out
that many requests and then closes the connection before the answer is written (the
case that tests "applied once" under retries; both done in the server's request
handler, see ``server``). The log keeps method, path (no query string), status and
time of the last requests; it never holds bodies, headers or tokens.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from http import HTTPStatus
from typing import Any

API_PREFIX = "/Api"
LOG_SIZE = 1000


@dataclass(slots=True)
class FaultState:
    """Current fault settings; counters count down as requests consume them."""

    latency_ms: int = 0
    fail_next: int = 0
    fail_status: int = 503
    retry_after: float | None = None
    drop_next: int = 0
    lose_answer_next: int = 0


class Faults:
    """Thread-safe fault switches; counters go down as requests consume them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state = FaultState()

    def configure(self, **settings: Any) -> dict[str, Any]:
        with self._lock:
            for name, value in settings.items():
                if name not in FaultState.__slots__:
                    raise ValueError(f"unknown fault setting: {name}")
                if name == "retry_after":
                    if value is not None and (
                        not isinstance(value, int | float) or isinstance(value, bool) or value < 0
                    ):
                        raise ValueError("retry_after must be a non-negative number or null")
                elif not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    raise ValueError(f"{name} must be a non-negative integer")
                if name == "fail_status" and not 100 <= value <= 599:
                    raise ValueError("fail_status must be an HTTP status code")
                setattr(self._state, name, value)
            return asdict(self._state)

    def clear(self) -> dict[str, Any]:
        with self._lock:
            self._state = FaultState()
            return asdict(self._state)

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return asdict(self._state)

    def take_drop(self) -> bool:
        return self._take("drop_next")

    def take_lost_answer(self) -> bool:
        return self._take("lose_answer_next")

    def _take(self, counter: str) -> bool:
        with self._lock:
            if getattr(self._state, counter) <= 0:
                return False
            setattr(self._state, counter, getattr(self._state, counter) - 1)
            return True

    def take_failure(self) -> tuple[int, float | None] | None:
        with self._lock:
            if self._state.fail_next <= 0:
                return None
            self._state.fail_next -= 1
            return self._state.fail_status, self._state.retry_after

    def latency(self) -> float:
        with self._lock:
            return self._state.latency_ms / 1000.0


class RequestLog:
    """The last ``LOG_SIZE`` API requests: method, path, status (None when dropped)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: deque[dict[str, Any]] = deque(maxlen=LOG_SIZE)

    def record(self, method: str, path: str, status: int | None) -> None:
        with self._lock:
            self._entries.append(
                {"method": method, "path": path, "status": status, "at": round(time.time(), 3)}
            )

    def entries(self, limit: int | None = None) -> list[dict[str, Any]]:
        with self._lock:
            items = list(self._entries)
        return items[-limit:] if limit else items

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class FaultMiddleware:
    """Wraps the Flask app: latency and forced failures on ``/Api``, plus logging."""

    def __init__(
        self,
        app: WsgiApp,
        faults: Faults,
        log: RequestLog,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.app = app
        self.faults = faults
        self.log = log
        self.sleep = sleep

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(API_PREFIX):
            return self.app(environ, start_response)
        method = environ.get("REQUEST_METHOD", "")
        delay = self.faults.latency()
        if delay:
            self.sleep(delay)
        failure = self.faults.take_failure()
        if failure is not None:
            status, retry_after = failure
            self.log.record(method, path, status)
            start_response(*_failure_response(status, retry_after))
            return [_failure_body(status)]

        def logging_start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            self.log.record(method, path, int(status.split(" ", 1)[0]))
            return start_response(status, headers, exc_info)

        return self.app(environ, logging_start_response)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _failure_body(status: int) -> bytes:
    title = f"{status} {_reason(status)}"
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>".encode()


def _failure_response(status: int, retry_after: float | None) -> tuple[str, list[tuple[str, str]]]:
    """Status line and headers of a forced failure, like a proxy in front of SuiteCRM."""
    headers = [
        ("Content-Type", "text/html; charset=iso-8859-1"),
        ("Content-Length", str(len(_failure_body(status)))),
    ]
    if retry_after is not None:
        headers.append(("Retry-After", f"{retry_after:g}"))
    return f"{status} {_reason(status)}", headers
