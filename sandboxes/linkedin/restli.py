"""A strict reader of Rest.li 2.0 query values, working on the *raw* (undecoded) text.

The sandbox must see the query exactly as the client sent it: a URN whose colons were
not encoded, or a record whose parentheses were encoded, is a client bug LinkedIn
rejects, and the tests rely on the sandbox rejecting it too. Flask's ``request.args``
decodes first and would hide both mistakes, so values are parsed from the raw query.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

RESERVED = "(),:"


class RestliSyntaxError(ValueError):
    """The value is not valid Rest.li 2.0 (the sandbox answers 400)."""


def raw_params(query: str) -> dict[str, str]:
    """``a=1&b=(k:v)`` -> ``{"a": "1", "b": "(k:v)"}``; values stay percent-encoded."""
    params: dict[str, str] = {}
    for part in query.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        params[unquote(key)] = value
    return params


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def peek(self, token: str) -> bool:
        return self.text.startswith(token, self.pos)

    def expect(self, token: str) -> None:
        if not self.peek(token):
            raise RestliSyntaxError(f"expected {token!r} at {self.pos} in {self.text!r}")
        self.pos += len(token)

    def value(self) -> Any:
        if self.peek("List("):
            self.pos += len("List(")
            items = [] if self.peek(")") else self.items()
            self.expect(")")
            return items
        if self.peek("("):
            self.pos += 1
            fields: dict[str, Any] = {}
            while not self.peek(")"):
                key = self.leaf()
                self.expect(":")
                fields[key] = self.value()
                if not self.peek(")"):
                    self.expect(",")
            self.expect(")")
            return fields
        return self.leaf()

    def items(self) -> list[Any]:
        items = [self.value()]
        while self.peek(","):
            self.pos += 1
            items.append(self.value())
        return items

    def leaf(self) -> str:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in RESERVED:
            self.pos += 1
        return unquote(self.text[start:self.pos])


def parse(raw: str) -> Any:
    """Parse one raw value: a record -> dict, ``List(...)`` -> list, else a decoded string."""
    reader = _Reader(raw)
    value = reader.value()
    if reader.pos != len(raw):
        raise RestliSyntaxError(
            f"unexpected {raw[reader.pos]!r} in {raw!r}: reserved characters inside a value "
            "must be percent-encoded")
    return value


def parse_urn(raw: str) -> str:
    """A top-level URN parameter: must be percent-encoded, must decode to ``urn:li:...``."""
    value = parse(raw)
    if not isinstance(value, str) or not value.startswith("urn:li:"):
        raise RestliSyntaxError(f"expected an encoded URN, got {raw!r}")
    return value


def unquote_segment(raw: str) -> str:
    """A URN path segment: must be fully percent-encoded."""
    if any(ch in raw for ch in RESERVED):
        raise RestliSyntaxError(f"path segment {raw!r} must be percent-encoded")
    return unquote(raw)
