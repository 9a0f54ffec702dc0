"""The Graph sandbox's side of a sync fault: every request logged, a throttling storm.

Why a layer over ``FacebookSandbox``'s WSGI app rather than its own knobs: its usage only
climbs with charged calls and its throttle faults are counted in calls and name whole
minutes, while a storm is a shape in time: usage climbing, then a window in which every
call is refused with code 32 or 80001 naming when access is back, then quiet. And the
proof must be the sandbox's account, not the client's: when each request arrived, what it
was answered, what usage it was shown. ``GraphTap`` wraps ``sandbox.app.wsgi_app`` (the
hook Flask documents for middleware) before the sandbox starts serving; a ``Storm`` may
answer a request itself, and ``on_request`` callbacks see each request before it is
served (a scenario expires the token at the n-th one).

Usage and the named wait are written as Graph writes them (``X-App-Usage`` and, for a
Page token, ``X-Business-Use-Case-Usage`` with ``estimated_time_to_regain_access``),
except that the wait is in fractional minutes so a test's window can be seconds long.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus

from connectors.facebook.usage import read_usage
from sandboxes.facebook import FacebookSandbox
from sandboxes.facebook.answers import THROTTLE_MESSAGES
from sandboxes.facebook.app import endpoint_label, graph_json

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

THROTTLE_CODES = (32, 80001)  # Page request limit; too many calls to this Page account
_SINCE = re.compile(r"[?&]since=(\d+)")


def token_tag(token: str) -> str:
    """A token as the log shows it: enough to tell two apart."""
    return hashlib.sha256(token.encode()).hexdigest()[:8] if token else "-"


@dataclass(frozen=True, slots=True)
class GraphCall:
    """One HTTP request the sandbox served, as it saw it (monotonic seconds)."""

    index: int
    arrived: float
    answered: float
    method: str
    label: str  # "GET /{id}/feed", "POST /batch"...
    target: str  # the first path segment: a Page, post or lead id ("" for a batch)
    token: str  # token_tag of the request's token
    status: int
    code: int | None  # the Graph error code of an error answer
    usage: float  # the highest usage percent the answer's headers reported
    wait: float  # seconds the answer named until access is back (0: none)
    since: tuple[int, ...] = ()  # Graph ``since`` values asked (batch items' included)

    @property
    def throttled(self) -> bool:
        return self.code in THROTTLE_CODES


@dataclass
class Storm:
    """Usage climbing ``step`` points per request from ``start`` once ``begin()`` is
    called; the request that would reach ``peak`` opens a ``window`` of seconds in which
    every request is refused (32 and 80001 in turn) naming the time left; after it,
    usage stays at ``after``."""

    start: float = 60.0
    step: float = 7.0
    peak: float = 95.0
    window: float = 5.0
    after: float = 20.0
    calm: float = 10.0  # usage before the storm
    clock: Callable[[], float] = time.monotonic
    _began: bool = False
    _climbed: int = 0
    window_opened: float | None = None
    window_closes: float | None = None
    _refused: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def begin(self) -> None:
        with self._lock:
            self._began = True

    def decide(self) -> tuple[float, float | None]:
        """For one arriving request: (usage to report, seconds of window left; None when
        it is served)."""
        with self._lock:
            now = self.clock()
            if not self._began:
                return self.calm, None
            if self.window_closes is not None:
                if now < self.window_closes:
                    return 100.0, self.window_closes - now
                return self.after, None
            usage = self.start + self.step * self._climbed
            if usage >= self.peak:
                self.window_opened, self.window_closes = now, now + self.window
                return 100.0, self.window
            self._climbed += 1
            return usage, None

    def next_code(self) -> int:
        with self._lock:
            code = THROTTLE_CODES[self._refused % len(THROTTLE_CODES)]
            self._refused += 1
            return code


class GraphTap:
    """The request log (and optional storm) around one Facebook sandbox."""

    def __init__(self, sandbox: FacebookSandbox, *, storm: Storm | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.sandbox = sandbox
        self.storm = storm
        self.clock = clock
        self.on_request: list[Callable[[int], None]] = []
        self._calls: list[GraphCall] = []
        self._count = 0
        self._lock = threading.Lock()
        self._inner: WSGIApplication = sandbox.app.wsgi_app
        sandbox.app.wsgi_app = self  # type: ignore[method-assign]

    def calls(self) -> list[GraphCall]:
        with self._lock:
            return sorted(self._calls, key=lambda c: c.arrived)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse
                 ) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO", ""))
        if path.startswith("/__sandbox__"):
            return self._inner(environ, start_response)
        arrived = self.clock()
        with self._lock:
            self._count += 1
            index = self._count
        for callback in list(self.on_request):
            callback(index)
        token = _token(environ)
        since = _since_asked(environ)
        usage, left = self.storm.decide() if self.storm is not None else (None, None)
        if usage is not None:
            config = self.sandbox.state.config
            config.app_usage = config.page_usage = usage
        if left is not None and self.storm is not None:
            status, headers, body = self._refusal(self.storm.next_code(), left)
        else:
            status, headers, body = self._serve(environ)
        method = str(environ.get("REQUEST_METHOD", "GET"))
        segments = [s for s in path.split("/") if s][1:]  # the version first
        label = "POST /batch" if method == "POST" and not segments else endpoint_label(
            method, segments)
        seen = read_usage(dict(headers))
        call = GraphCall(index=index, arrived=arrived, answered=self.clock(), method=method,
                         label=label, target=segments[0] if segments else "",
                         token=token_tag(token), status=status, code=_error_code(body),
                         usage=seen.percent, wait=seen.regain_seconds, since=since)
        with self._lock:
            self._calls.append(call)
        start_response(f"{status} {'OK' if status < 400 else 'Error'}", headers)
        return [body]

    def _serve(self, environ: WSGIEnvironment) -> tuple[int, list[tuple[str, str]], bytes]:
        captured: dict[str, Any] = {}

        def keep(status: str, headers: list[tuple[str, str]], exc_info: Any = None
                 ) -> Callable[[bytes], object]:
            captured["status"], captured["headers"] = int(status.split()[0]), headers
            return lambda _data: None

        chunks = self._inner(environ, keep)
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        return captured["status"], list(captured["headers"]), body

    def _refusal(self, code: int, left: float) -> tuple[int, list[tuple[str, str]], bytes]:
        """Graph's throttle answer, naming the ``left`` seconds of the window."""
        usage = {"call_count": 100, "total_cputime": 100, "total_time": 100}
        buc = {self.sandbox.page_id: [{"type": "pages", **usage,
                                       "estimated_time_to_regain_access": left / 60.0}]}
        body = graph_json({"error": {
            "message": THROTTLE_MESSAGES[code], "type": "OAuthException", "code": code,
            "is_transient": True, "fbtrace_id": "Astorm" + str(self._count)}})
        headers = [("Content-Type", "application/json; charset=UTF-8"),
                   ("X-App-Usage", json.dumps(usage)),
                   ("X-Business-Use-Case-Usage", json.dumps(buc))]
        return 400, headers, body.encode()


def _token(environ: WSGIEnvironment) -> str:
    scheme, _, value = str(environ.get("HTTP_AUTHORIZATION", "")).partition(" ")
    return value.strip() if scheme.lower() in ("bearer", "oauth") else ""


def _since_asked(environ: WSGIEnvironment) -> tuple[int, ...]:
    """Every ``since`` in the query and in the body (a batch's items' URLs); the body is
    read and put back for the sandbox."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    text = "?" + str(environ.get("QUERY_STRING", "")) + "&" + unquote_plus(
        body.decode("utf-8", "replace"))
    return tuple(int(value) for value in _SINCE.findall(text))


def _error_code(body: bytes) -> int | None:
    if not body.startswith(b'{"error"'):
        return None
    try:
        code = json.loads(body)["error"].get("code")
    except (ValueError, KeyError, AttributeError):
        return None
    return int(code) if isinstance(code, int) else None
