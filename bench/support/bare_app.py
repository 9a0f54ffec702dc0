"""The floor for webhook acknowledgement: a Flask app that reads the body and answers 200.

Served by the same gunicorn command line as the real API (``bench.support.gunicorn``), it
shows what the server, Flask and the loopback cost by themselves, so the receiver's own
cost (signature check, parse, store and enqueue in Redis) is the difference.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, request


def create() -> Flask:
    """``gunicorn 'bench.support.bare_app:create()'``."""
    app = Flask(__name__)

    @app.post("/webhooks/facebook")
    def deliver() -> tuple[Response, int]:
        request.get_data(cache=False)  # the receiver reads the body too
        return jsonify(status="accepted"), 200

    @app.get("/health")
    def health() -> tuple[Response, int]:
        return jsonify(status="ok"), 200

    return app
