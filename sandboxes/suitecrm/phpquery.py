"""PHP's query-string handling: ``parse_str`` in, ``urldecode(http_build_query())`` out.

SuiteCRM reads ``filter[last_name][eq]=x`` as nested arrays and builds its pagination
links by re-encoding the parsed array, then URL-*decoding* the result. So the links keep
the client's parameters in their original order (a nested array keeps the position of
its first key), with brackets, commas, spaces and ``%`` left raw, and a new
``page[number]`` appended inside the ``page`` array right after ``page[size]``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

_SEGMENT = re.compile(r"\[([^\]]*)\]")


def parse_query(raw: str) -> dict[str, Any]:
    """Parse a raw query string into nested dicts, keeping first-seen key order."""
    params: dict[str, Any] = {}
    for key, value in parse_qsl(raw, keep_blank_values=True):
        base, segments = _split_key(key)
        if not base:
            continue
        _assign(params, [base, *segments], value)
    return params


def _split_key(key: str) -> tuple[str, list[str]]:
    bracket = key.find("[")
    if bracket <= 0:
        return key.replace(".", "_").replace(" ", "_"), []
    base = key[:bracket].replace(".", "_").replace(" ", "_")
    segments: list[str] = []
    position = bracket
    while position < len(key) and key[position] == "[":
        match = _SEGMENT.match(key, position)
        if not match:
            break
        segments.append(match.group(1))
        position = match.end()
    if not segments:
        return key.replace(".", "_").replace(" ", "_"), []
    return base, segments


def _assign(target: dict[str, Any], path: list[str], value: str) -> None:
    node = target
    for index, segment in enumerate(path):
        key = segment if segment != "" else _next_index(node)
        if index == len(path) - 1:
            node[key] = value
            return
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child


def _next_index(node: dict[str, Any]) -> str:
    numbers = [int(k) for k in node if k.lstrip("-").isdigit()]
    return str(max(numbers) + 1 if numbers else 0)


def build_query(params: dict[str, Any]) -> str:
    """``urldecode(http_build_query($params))``: nested keys in brackets, values raw."""
    parts: list[str] = []
    _flatten(params, None, parts)
    return "&".join(parts)


def _flatten(node: dict[str, Any], prefix: str | None, parts: list[str]) -> None:
    for key, value in node.items():
        name = key if prefix is None else f"{prefix}[{key}]"
        if isinstance(value, dict):
            _flatten(value, name, parts)
        elif value is not None:
            parts.append(f"{name}={value}")
