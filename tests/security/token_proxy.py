"""A recording reverse proxy: every token a service hands out, and every bearer token
presented to it, seen on the wire.

Why: the tokens SuiteCRM issues at run time (the service account's, each rep's access and
refresh tokens, rotated on every refresh) live only inside the processes that asked for
them. To prove none of them reaches a log line or Redis in clear, the test must know
them all: the processes talk to SuiteCRM through this proxy, which forwards each request
unchanged and keeps each ``access_token``/``refresh_token`` of a JSON answer and each
``Authorization: Bearer`` of a request.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host",
              "content-encoding", "accept-encoding"}


class TokenRecorder:
    def __init__(self, target: str) -> None:
        self.target = target.rstrip("/")
        self.tokens: set[str] = set()
        self._lock = threading.Lock()

    def saw(self, *tokens: object) -> None:
        with self._lock:
            self.tokens.update(str(t) for t in tokens if isinstance(t, str) and len(t) > 8)

    def seen(self) -> set[str]:
        with self._lock:
            return set(self.tokens)


def _handler(recorder: TokenRecorder) -> type[BaseHTTPRequestHandler]:
    class Forward(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            bearer = self.headers.get("Authorization", "")
            if bearer.lower().startswith("bearer "):
                recorder.saw(bearer[7:].strip())
            answer = requests.request(self.command, recorder.target + self.path, data=body,
                                      headers=headers, allow_redirects=False, timeout=120)
            try:
                parsed = json.loads(answer.content)
            except ValueError:
                parsed = None
            if isinstance(parsed, dict):
                recorder.saw(parsed.get("access_token"), parsed.get("refresh_token"))
            self.send_response(answer.status_code)
            for name, value in answer.headers.items():
                if name.lower() not in HOP_BY_HOP:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.content)))
            self.end_headers()
            self.wfile.write(answer.content)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _forward

    return Forward


@contextmanager
def recording_proxy(target: str) -> Iterator[tuple[str, TokenRecorder]]:
    """``(url, recorder)`` of a proxy to ``target`` on a free loopback port."""
    recorder = TokenRecorder(target)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(recorder))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True, name="token-proxy")
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", recorder
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
