"""Compressed answers for clients that send ``Accept-Encoding`` (Flask-Compress).

A feed page of 20 to 100 items is 8 to 40 KB of JSON that compresses three- to fourfold,
and reps read it over slow mobile networks. Brotli is preferred when the client accepts both
(smaller, about as fast at level 4), gzip otherwise. Answers under ``MIN_SIZE`` bytes are
sent as they are: below about one network packet compression saves no round trip and
costs CPU. Only JSON is compressed (the API's answers, the OpenAPI document).
"""

from __future__ import annotations

from flask import Flask
from flask_compress import Compress

EXTENSION = "socialcrm_compress"
MIN_SIZE = 1024  # bytes
ALGORITHMS = ("br", "gzip")


def init_compression(app: Flask) -> Compress:
    """Compress ``app``'s JSON answers (once per app; settings already given are kept)."""
    existing: Compress | None = app.extensions.get(EXTENSION)
    if existing is not None:
        return existing
    app.config.setdefault("COMPRESS_MIMETYPES", ["application/json"])
    app.config.setdefault("COMPRESS_ALGORITHM", list(ALGORITHMS))
    app.config.setdefault("COMPRESS_MIN_SIZE", MIN_SIZE)
    app.config.setdefault("COMPRESS_LEVEL", 6)  # gzip
    app.config.setdefault("COMPRESS_BR_LEVEL", 4)
    app.config.setdefault("COMPRESS_STREAMS", False)
    compress = Compress(app)
    app.extensions[EXTENSION] = compress
    return compress
