"""Compressed answers for clients that send ``Accept-Encoding`` (Flask-Compress).

A feed page of 20 to 100 items is 8 to 40 KB of JSON that compresses three- to fourfold,
and reps read it over slow mobile networks. Brotli is preferred when the client accepts both
(smaller, about as fast at level 4), gzip otherwise. Answers under ``MIN_SIZE`` bytes are
sent as they are: below about one network packet compression saves no round trip and
costs CPU. Only JSON is compressed (the API's answers, the OpenAPI document).
"""

from __future__ import annotations

import gzip

import brotli  # type: ignore[import-untyped]  # ships no type information
from flask import Flask, Request
from flask_compress import Compress

EXTENSION = "socialcrm_compress"
MIN_SIZE = 1024  # bytes
ALGORITHMS = ("br", "gzip")
GZIP_LEVEL, BR_LEVEL = 6, 4


def chosen_encoding(request: Request, size: int) -> str | None:
    """The encoding Flask-Compress would answer ``request`` with for a JSON body of
    ``size`` bytes (its ``Accept-Encoding``, brotli on a tie), or None: as it is. For
    answers kept compressed (``mobile_api.feed.pages``), which it then passes through."""
    if size < MIN_SIZE:
        return None
    found: str | None = request.accept_encodings.best_match(ALGORITHMS)
    return found


def encode(body: bytes, encoding: str) -> bytes:
    """``body`` compressed as Flask-Compress compresses it here (gzip without a time
    stamp, so the same body always gives the same bytes)."""
    if encoding == "br":
        return bytes(brotli.compress(body, quality=BR_LEVEL))
    if encoding == "gzip":
        return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
    raise ValueError(f"not an encoding of this API: {encoding!r}")


def init_compression(app: Flask) -> Compress:
    """Compress ``app``'s JSON answers (once per app; settings already given are kept)."""
    existing: Compress | None = app.extensions.get(EXTENSION)
    if existing is not None:
        return existing
    app.config.setdefault("COMPRESS_MIMETYPES", ["application/json"])
    app.config.setdefault("COMPRESS_ALGORITHM", list(ALGORITHMS))
    app.config.setdefault("COMPRESS_MIN_SIZE", MIN_SIZE)
    app.config.setdefault("COMPRESS_LEVEL", GZIP_LEVEL)
    app.config.setdefault("COMPRESS_BR_LEVEL", BR_LEVEL)
    app.config.setdefault("COMPRESS_STREAMS", False)
    compress = Compress(app)
    app.extensions[EXTENSION] = compress
    return compress
