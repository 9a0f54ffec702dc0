"""Reading Graph's rate-limit usage headers.

Graph reports how close the app is to its limits on every answer, errors included:

* ``X-App-Usage: {"call_count": P, "total_cputime": P, "total_time": P}`` (app and user
  tokens), the same shape in the older ``X-Page-Usage``;
* ``X-Business-Use-Case-Usage: {"<object id>": [{"type": "pages", "call_count": P, ...,
  "estimated_time_to_regain_access": MINUTES}]}`` (Page and system-user tokens).

All percentages are 0-100; the one that matters is the highest. A malformed header is
ignored (it must never break a read) and logged as a warning.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

APP_HEADERS = ("X-App-Usage", "X-Page-Usage", "X-Ad-Account-Usage")
BUC_HEADER = "X-Business-Use-Case-Usage"
PERCENT_KEYS = ("call_count", "total_cputime", "total_time", "acc_id_util_pct")


@dataclass(frozen=True, slots=True)
class Usage:
    """The worst usage seen in one answer's headers."""

    percent: float = 0.0
    regain_minutes: float = 0.0

    @property
    def regain_seconds(self) -> float:
        return self.regain_minutes * 60.0


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), None)
    return value


def _json(value: str, name: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        log.warning("ignoring malformed %s header", name)
        return None


def _entries(headers: Mapping[str, str]) -> Iterator[Mapping[str, Any]]:
    for name in APP_HEADERS:
        value = _header(headers, name)
        if value:
            parsed = _json(value, name)
            if isinstance(parsed, Mapping):
                yield parsed
    value = _header(headers, BUC_HEADER)
    if value:
        parsed = _json(value, BUC_HEADER)
        if isinstance(parsed, Mapping):
            for items in parsed.values():
                if isinstance(items, list):
                    yield from (item for item in items if isinstance(item, Mapping))


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def read_usage(headers: Mapping[str, str]) -> Usage:
    """Highest percentage and longest regain estimate across every usage header."""
    percent = 0.0
    regain = 0.0
    for entry in _entries(headers):
        percent = max([percent, *(_number(entry.get(key)) for key in PERCENT_KEYS)])
        regain = max(regain, _number(entry.get("estimated_time_to_regain_access")))
    return Usage(percent=percent, regain_minutes=regain)


def regain_seconds(headers: Mapping[str, str]) -> float | None:
    """``estimated_time_to_regain_access`` in seconds, ``None`` when absent or zero."""
    seconds = read_usage(headers).regain_seconds
    return seconds if seconds > 0 else None
