"""Opaque page cursors: where the next page starts, and which question it belongs to.

A cursor is URL-safe base64 of compact JSON. It is not signed: it only ever steers the
rep's own reads, made with the rep's own SuiteCRM token, so a forged one can show a rep
nothing SuiteCRM would not show them anyway. It is checked, though: a cursor that does
not decode, or that belongs to another question (``fingerprint``), is a 422 on the
``cursor`` parameter, never a 500.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from typing import Any

import marshmallow as ma

from mobile_api.errors import ApiError

MAX_CURSOR_CHARS = 512


def fingerprint(*parts: object) -> str:
    """A short digest of the question a cursor continues (kind, q, mine ...)."""
    text = json.dumps(list(parts), separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def encode(position: Mapping[str, Any]) -> str:
    raw = json.dumps(dict(position), separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def decode(text: str) -> dict[str, Any]:
    padded = text + "=" * (-len(text) % 4)
    try:
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8"))
    except (ValueError, UnicodeError, binascii.Error):
        raise ma.ValidationError("not a cursor from this API: start again without one") \
            from None
    if not isinstance(data, dict):
        raise ma.ValidationError("not a cursor from this API: start again without one")
    return data


class CursorField(ma.fields.String):
    """A ``cursor`` query parameter, decoded to its position (a dict) on load."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = kwargs.setdefault("metadata", {})
        metadata.setdefault("description",
                            "The `next_cursor` of the previous page; omit for the first page")
        metadata.update(minLength=1, maxLength=MAX_CURSOR_CHARS)
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any,
                     **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not 1 <= len(text) <= MAX_CURSOR_CHARS:
            raise ma.ValidationError(f"Length must be between 1 and {MAX_CURSOR_CHARS}.")
        return decode(text)


def wrong_cursor() -> ApiError:
    """The 422 for a cursor that decodes but does not continue this question."""
    return ApiError(422, "some fields are invalid: see errors", errors={"query": {
        "cursor": ["this cursor continues another list (another kind, q or mine): "
                   "start again without one"]}})


def whole_number(data: Mapping[str, Any], name: str, minimum: int) -> int:
    """A number the cursor must hold, or the cursor is refused."""
    number = data.get(name)
    if isinstance(number, bool) or not isinstance(number, int) or number < minimum:
        raise wrong_cursor()
    return number
