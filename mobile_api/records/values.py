"""SuiteCRM's string values as the API's JSON values, without losing a character.

SuiteCRM V8 answers every attribute as a string and an empty value as ``""``. The API
answers ``null`` for empty, numbers and booleans as JSON numbers and booleans, and text,
dates and money exactly as SuiteCRM holds them (the connector has already undone V8's
HTML encoding): a datetime keeps SuiteCRM's ISO 8601 form, so ``date_modified`` goes back
as ``base_version`` byte for byte, and an amount keeps every digit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import regex

from connectors.suitecrm import Record
from mobile_api.records.kinds import FieldSpec

_GRAPHEME = regex.compile(r"\X")


def value(spec: FieldSpec, raw: Any) -> Any:
    """One attribute as the API answers it (``None`` when SuiteCRM holds nothing)."""
    if raw is None or raw == "":
        return None
    if spec.type == "bool":
        return str(raw).strip().lower() in {"1", "true", "on", "yes"}
    if spec.type == "int":
        return _number(raw, int)
    if spec.type == "float":
        return _number(raw, float)
    return str(raw)


def _number(raw: Any, kind: type[int] | type[float]) -> int | float | None:
    try:
        number = float(str(raw).strip())
    except ValueError:
        return None  # SuiteCRM holds something that is not a number: say nothing
    if not math.isfinite(number):
        return None  # JSON has no NaN or infinity
    return int(number) if kind is int else number


def attributes(record: Record, specs: Iterable[FieldSpec]) -> dict[str, Any]:
    """``id`` plus each field of ``specs`` (absent attributes answer ``null``)."""
    out: dict[str, Any] = {"id": record.id}
    for spec in specs:
        out[spec.name] = value(spec, record.get(spec.name))
    return out


def cut(text: str | None, limit: int) -> tuple[str | None, bool]:
    """At most ``limit`` characters as people count them (grapheme clusters: an emoji
    with its skin tone, a flag, a letter with its accents are never split); and whether
    anything was cut."""
    if text is None or len(text) <= limit:
        return text, False
    graphemes = _GRAPHEME.findall(text)
    if len(graphemes) <= limit:
        return text, False
    return "".join(graphemes[:limit]), True
