"""Test helpers: a fake monotonic clock and a webhook receiver served on loopback.

The receiver is what the mobile API's webhook endpoint will do, reduced to the
connector calls: handshake, signature over the raw body, parsing.
"""

from __future__ import annotations

import threading

from flask import Flask, request
from werkzeug.serving import make_server

from connectors.facebook import WebhookRejectedError, parse_events, verify_challenge
from connectors.facebook.webhooks import signature_header, verify_signature
from connectors.social import WebhookEvent


class FakeClock:
    """Monotonic time that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class Receiver:
    """A minimal webhook endpoint, as the mobile API will have, served on loopback."""

    def __init__(self, secret: str, verify_token: str) -> None:
        self.events: list[WebhookEvent] = []
        app = Flask(__name__)

        @app.get("/webhooks/facebook")
        def handshake() -> tuple[str, int]:
            try:
                return verify_challenge(request.args, verify_token), 200
            except WebhookRejectedError as exc:
                return exc.message, exc.status or 403

        @app.post("/webhooks/facebook")
        def deliver() -> tuple[str, int]:
            try:
                verify_signature(request.get_data(), signature_header(request.headers), secret)
            except WebhookRejectedError as exc:
                return exc.message, exc.status or 401
            self.events.extend(parse_events(request.get_data()))
            return "ok", 200

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/webhooks/facebook"
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
