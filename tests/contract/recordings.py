"""Access to the real SuiteCRM recordings kept beside the contract tests."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import requests

FOLDER = Path(__file__).parent / "recordings"


@cache
def recording(prefix: str) -> dict[str, Any]:
    """The recording whose file name starts with ``prefix`` (e.g. ``"032"``)."""
    matches = sorted(FOLDER.glob(f"{prefix}*.json"))
    if len(matches) != 1:
        raise LookupError(f"{len(matches)} recordings match {prefix!r}")
    return json.loads(matches[0].read_text(encoding="utf-8"))


def as_response(prefix: str) -> requests.Response:
    """The recorded answer as a ``requests.Response`` (what the client parses)."""
    recorded = recording(prefix)["response"]
    response = requests.Response()
    response.status_code = recorded["status"]
    response.headers.update(recorded["headers"])
    body = recorded["body"]
    raw = json.dumps(body) if recorded.get("body_kind") == "json" else (body or "")
    response._content = raw.encode("utf-8")
    response.encoding = "utf-8"
    return response
