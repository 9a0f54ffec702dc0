"""Serving collections the way LinkedIn does, including its irregular days.

``start``/``count`` requests get ``{"elements", "paging": {"start", "count", "total",
"links"}}``; ``pageSize``/``pageToken`` requests get ``{"elements", "metadata":
{"nextPageToken"}}``. In irregular mode each item may be preceded by hidden slots (as
when LinkedIn filters out what the viewer may not see): windows then hold fewer items
than asked, sometimes none, and ``next`` still points past them. Which slots are hidden
depends only on the item's id, so pages stay stable while a client pages through.
"""

from __future__ import annotations

import random
import zlib
from typing import Any
from urllib.parse import quote

from sandboxes.linkedin.state import SandboxState


class ApiError(Exception):
    """An error answer in LinkedIn's shape."""

    def __init__(self, status: int, message: str, *, code: str | None = None,
                 service_error_code: int | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"status": status, "message": message}
        if code:
            self.body["code"] = code
        if service_error_code is not None:
            self.body["serviceErrorCode"] = service_error_code
        self.headers = headers or {}


def _int(params: dict[str, str], name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    if not raw.isdigit():
        raise ApiError(400, f"Invalid value for param '{name}': {raw!r}",
                       service_error_code=100)
    return int(raw)


def _slots(state: SandboxState, items: list[dict[str, Any]], id_key: str,
           layout_key: str) -> list[dict[str, Any] | None]:
    if not state.paging.irregular:
        return list(items)
    slots: list[dict[str, Any] | None] = []
    for item in items:
        seed = zlib.crc32(f"{state.rng_seed}:{layout_key}:{item.get(id_key)}".encode())
        rng = random.Random(seed)
        hidden = 0
        while rng.random() < state.paging.hidden_ratio:
            hidden += 1
        if rng.random() < 0.04:
            hidden += 30  # a long filtered run: whole pages come back empty
        slots.extend([None] * hidden)
        slots.append(item)
    return slots


def _total(state: SandboxState, true_total: int, start: int) -> int | None:
    mode = state.paging.total
    if mode == "random":
        mode = random.Random(zlib.crc32(f"{state.rng_seed}:total:{start}".encode())).choice(
            ["omit", "low", "high", "exact"])
    return {"exact": true_total, "omit": None, "low": true_total // 2,
            "high": true_total * 2 + 10}[mode]


def page(state: SandboxState, items: list[dict[str, Any]], params: dict[str, str], *,
         raw_path: str, id_key: str = "id", layout_key: str = "") -> dict[str, Any]:
    """One page of ``items`` for the raw query ``params`` (strings as sent)."""
    token_style = "pageSize" in params
    if token_style:
        count = _int(params, "pageSize", 10)
        token = params.get("pageToken")
        start = _decode_token(token) if token else 0
    else:
        count = _int(params, "count", 10)
        start = _int(params, "start", 0)
    if count < 1:
        raise ApiError(400, "Invalid value for param 'count': must be positive",
                       service_error_code=100)
    limit = state.paging.max_count
    if limit is not None and count > limit:
        name = "pageSize" if token_style else "count"
        raise ApiError(400, f"Request parameter '{name}' must be at most {limit}",
                       service_error_code=100)
    served = min(count, state.paging.page_cap or count)
    slots = _slots(state, items, id_key, layout_key or raw_path)
    elements = [slot for slot in slots[start:start + served] if slot is not None]
    more = start + served < len(slots)
    if token_style:
        metadata = {"nextPageToken": _encode_token(start + served)} if more else {}
        return {"elements": elements, "metadata": metadata}
    links = []
    if more:
        links.append(_link("next", raw_path, params, start + served, count))
    if start > 0:
        links.append(_link("prev", raw_path, params, max(0, start - count), count))
    paging: dict[str, Any] = {"start": start, "count": served, "links": links}
    total = _total(state, len(items), start)
    if total is not None:
        paging["total"] = total
    return {"elements": elements, "paging": paging}


def _link(rel: str, raw_path: str, params: dict[str, str], start: int, count: int
          ) -> dict[str, str]:
    query = {**params, "start": str(start), "count": str(count)}
    text = "&".join(f"{quote(k, safe='')}={v}" for k, v in query.items())
    return {"rel": rel, "type": "application/json", "href": f"{raw_path}?{text}"}


def _encode_token(offset: int) -> str:
    return f"pt{offset:x}x{zlib.crc32(str(offset).encode()) % 9973:04d}"


def _decode_token(token: str) -> int:
    try:
        head = token[2:].split("x", 1)[0]
        offset = int(head, 16)
    except ValueError:
        offset = -1
    if not token.startswith("pt") or offset < 0 or _encode_token(offset) != token:
        raise ApiError(400, f"Invalid pageToken {token!r}", service_error_code=100)
    return offset
