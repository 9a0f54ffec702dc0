"""A loopback HTTP proxy that counts the requests that really reach SuiteCRM.

Why a proxy and not the client's own ``CallCounter``: the figure is "SuiteCRM calls per
interaction, counted on the wire", and the same count must come out for the real
SuiteCRM (whose access log other programs share) and for the sandbox. Every request the
sync sends passes through here once, is forwarded unchanged (one upstream connection per
client connection, kept alive like the client's own) and is counted after SuiteCRM
answered; the time spent waiting for SuiteCRM is summed too, so a profile can say how
much of an ingest is SuiteCRM's.
"""

from __future__ import annotations

import http.client
import re
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

# Headers that describe one hop, not the message (RFC 9110, 7.6.1): never forwarded.
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate",
                        "proxy-authorization", "te", "trailer", "transfer-encoding",
                        "upgrade", "host", "content-length"})
_RECORD_ID = re.compile(r"/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                        re.IGNORECASE)


class WireCount:
    """Requests forwarded, by ``METHOD /path`` (record ids shown as ``{id}``), and the
    seconds spent waiting for the upstream's answers. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: Counter[str] = Counter()
        self._seconds = 0.0

    def add(self, method: str, path: str, seconds: float) -> None:
        shape = f"{method} {_RECORD_ID.sub('/{id}', path.split('?', 1)[0])}"
        with self._lock:
            self._requests[shape] += 1
            self._seconds += seconds

    def total(self) -> int:
        with self._lock:
            return sum(self._requests.values())

    def seconds(self) -> float:
        with self._lock:
            return self._seconds

    def by_request(self) -> dict[str, int]:
        with self._lock:
            return dict(self._requests)

    def reset(self) -> None:
        with self._lock:
            self._requests.clear()
            self._seconds = 0.0


class CountingProxy:
    """``with CountingProxy(upstream) as proxy``: point a client at ``proxy.url``."""

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"the counting proxy forwards to plain http only, not {upstream}")
        self.count = WireCount()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(
            parts.hostname, parts.port or 80, parts.path.rstrip("/"), self.count))
        self._server.daemon_threads = True
        self._prefix = parts.path.rstrip("/")
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name="counting-proxy", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{self._prefix}"

    def __enter__(self) -> CountingProxy:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _handler(host: str, port: int, prefix: str, count: WireCount
             ) -> type[BaseHTTPRequestHandler]:
    class Forward(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the client and SuiteCRM use it
        # Headers and body leave in separate writes: with Nagle's algorithm on, the body
        # would wait for the client's delayed ACK (40 ms per call on Linux).
        disable_nagle_algorithm = True
        upstream: http.client.HTTPConnection | None = None

        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {name: value for name, value in self.headers.items()
                       if name.lower() not in HOP_BY_HOP}
            path = self.path[len(prefix):] if prefix and self.path.startswith(prefix) \
                else self.path
            if self.upstream is None:
                self.upstream = http.client.HTTPConnection(host, port, timeout=60)
            started = time.perf_counter()
            try:
                self.upstream.request(self.command, prefix + path, body=body, headers=headers)
                answer = self.upstream.getresponse()
                payload = answer.read()
            except (OSError, http.client.HTTPException):
                self.upstream.close()
                self.upstream = None
                self.send_error(502, "upstream unreachable")
                return
            count.add(self.command, path, time.perf_counter() - started)
            self.send_response_only(answer.status, answer.reason)
            for name, value in answer.getheaders():
                if name.lower() not in HOP_BY_HOP:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _forward

        def finish(self) -> None:
            super().finish()
            if self.upstream is not None:
                self.upstream.close()

        def log_message(self, format: str, *args: object) -> None:
            return None  # the count is the log

    return Forward
