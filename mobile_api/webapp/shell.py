"""The app's static files, read once per process, with their version and compressed forms.

Reps load the app over slow mobile networks, so every file is compressed once (brotli and
gzip, whichever the browser prefers) instead of on every request, and tagged with a strong
ETag per encoding so a revalidation costs one round trip and no body. The version is the
hash of every file: the service worker is served with it and the list of shell files
written in, so a deploy that changes any file installs a new worker that re-caches the
shell, and an unchanged deploy changes nothing on the phones.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import mimetypes
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import brotli  # type: ignore[import-untyped]  # ships no type information

STATIC_DIR = Path(__file__).resolve().parent / "static"
SERVICE_WORKER = "sw.js"
INDEX = "index.html"
# Compressing a file this small saves less than a network packet.
MIN_COMPRESS_BYTES = 512
TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".webmanifest": "application/manifest+json",
    ".json": "application/json",
}
COMPRESSIBLE = {".js", ".css", ".html", ".svg", ".webmanifest", ".json"}


@dataclass(frozen=True, slots=True)
class Asset:
    """One file as served: its bytes in each encoding, its type and tag."""

    name: str
    content_type: str
    encodings: dict[str, bytes]  # "identity", "br", "gzip"
    digest: str

    def body(self, encoding: str) -> bytes:
        return self.encodings[encoding]

    def etag(self, encoding: str) -> str:
        return self.digest if encoding == "identity" else f"{self.digest}-{encoding}"

    def best_encoding(self, accepted: set[str]) -> str:
        for encoding in ("br", "gzip"):
            if encoding in accepted and encoding in self.encodings:
                return encoding
        return "identity"


@dataclass(frozen=True, slots=True)
class Shell:
    """Every file of the app by its path under ``/app/``, and the app's version."""

    assets: dict[str, Asset]
    version: str

    def get(self, name: str) -> Asset | None:
        return self.assets.get(name)


def _asset(name: str, data: bytes) -> Asset:
    suffix = Path(name).suffix
    content_type = TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    encodings = {"identity": data}
    if suffix in COMPRESSIBLE and len(data) >= MIN_COMPRESS_BYTES:
        encodings["br"] = brotli.compress(data, quality=11)
        encodings["gzip"] = gzip.compress(data, compresslevel=9, mtime=0)
    return Asset(name, content_type, encodings, hashlib.sha256(data).hexdigest()[:20])


def read_shell(root: Path = STATIC_DIR) -> Shell:
    """Read ``root`` and render the service worker with the version and the shell list."""
    files = {path.relative_to(root).as_posix(): path.read_bytes()
             for path in sorted(root.rglob("*")) if path.is_file()}
    hashed = hashlib.sha256()
    for name, data in files.items():
        hashed.update(name.encode() + b"\0" + data + b"\0")
    version = hashed.hexdigest()[:16]
    # The shell the worker caches: the page itself as "./" (its URL), the rest by name.
    cached = ["./", *(name for name in files if name not in (SERVICE_WORKER, INDEX))]
    files[SERVICE_WORKER] = (files[SERVICE_WORKER]
                             .replace(b'"__VERSION__"', json.dumps(version).encode())
                             .replace(b'["__SHELL__"]', json.dumps(cached).encode()))
    return Shell({name: _asset(name, data) for name, data in files.items()}, version)


@cache
def shipped_shell() -> Shell:
    """The shell of this installation, read on first use (files do not change at run time)."""
    return read_shell()
