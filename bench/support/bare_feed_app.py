"""The floor for a feed page: a Flask app answering cached bytes of the page's very size.

Served by the same gunicorn command line as the real API (``bench.support.gunicorn``,
app spec ``bench.support.bare_feed_app:create('<file>')``), it shows what the server, Flask
and the loopback cost by themselves for an answer of that size: no token check, no Redis,
no page assembled. The bytes are read once at start from the files the benchmark wrote:
the page as the API answered it (``<file>``), and the same page compressed as the API
compressed it (``<file>.br`` / ``<file>.gz``, when present), chosen by the request's
``Accept-Encoding`` as the API chooses (brotli first), so the compressed rounds compare a
cached compressed answer with the API compressing each page.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, jsonify, request

FEED_PATH = "/api/v1/feed"
JSON = "application/json"


def create(page_file: str) -> Flask:
    """``gunicorn "bench.support.bare_feed_app:create('/tmp/.../page.json')"``."""
    page = Path(page_file)
    identity = page.read_bytes()
    encoded = {encoding: path.read_bytes() for encoding, path in
               (("br", page.with_suffix(".br")), ("gzip", page.with_suffix(".gz")))
               if path.exists()}
    app = Flask(__name__)

    @app.get(FEED_PATH)
    def feed_page() -> Response:
        accepted = request.accept_encodings
        for encoding, body in encoded.items():
            if accepted[encoding]:
                answer = Response(body, status=200, mimetype=JSON)
                answer.headers["Content-Encoding"] = encoding
                answer.headers["Vary"] = "Accept-Encoding"
                return answer
        return Response(identity, status=200, mimetype=JSON)

    @app.get("/health")
    def health() -> tuple[Response, int]:
        return jsonify(status="ok"), 200

    return app
