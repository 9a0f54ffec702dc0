"""Parsing Graph's ``fields`` syntax: ``a,b,comments.limit(5).filter(stream).as(c){id,from}``.

The sandbox must understand field expansion exactly as clients write it, nested to any
depth, with modifiers (``limit``, ``filter``, ``order``, ``summary``, ``type``,
``since``, ``until``) and aliases (``as``). A malformed expression is a Graph error
(code 100), as on the real API.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class FieldSyntaxError(ValueError):
    """The ``fields`` expression cannot be parsed."""


@dataclass(frozen=True, slots=True)
class FieldReq:
    name: str
    modifiers: dict[str, str] = field(default_factory=dict)
    subfields: tuple[FieldReq, ...] | None = None

    @property
    def key(self) -> str:
        """The key the value appears under in the answer (alias, else name)."""
        return self.modifiers.get("as") or self.name

    def render(self) -> str:
        text = self.name + "".join(f".{k}({v})" for k, v in self.modifiers.items())
        if self.subfields is not None:
            text += "{" + render(self.subfields) + "}"
        return text


def render(fields: tuple[FieldReq, ...]) -> str:
    return ",".join(f.render() for f in fields)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def name(self) -> str:
        start = self.pos
        while self.peek() and (self.peek().isalnum() or self.peek() in "_-"):
            self.pos += 1
        if start == self.pos:
            raise FieldSyntaxError(f"expected a field name at position {start}")
        return self.text[start:self.pos]

    def argument(self) -> str:
        start, depth = self.pos, 0
        while self.peek():
            char = self.peek()
            if char == "(":
                depth += 1
            elif char == ")":
                if depth == 0:
                    return self.text[start:self.pos]
                depth -= 1
            self.pos += 1
        raise FieldSyntaxError("unclosed parenthesis")

    def field(self) -> FieldReq:
        name = self.name()
        modifiers: dict[str, str] = {}
        while self.peek() == ".":
            self.pos += 1
            modifier = self.name()
            if self.peek() != "(":
                raise FieldSyntaxError(f"modifier {modifier} needs (...)")
            self.pos += 1
            modifiers[modifier] = self.argument().strip()
            self.pos += 1
        subfields = None
        if self.peek() == "{":
            self.pos += 1
            subfields = self.fields(closing="}")
            self.pos += 1
        return FieldReq(name=name, modifiers=modifiers, subfields=subfields)

    def fields(self, closing: str = "") -> tuple[FieldReq, ...]:
        items: list[FieldReq] = []
        while True:
            while self.peek() == " ":
                self.pos += 1
            if closing and self.peek() == closing:
                return tuple(items)
            items.append(self.field())
            while self.peek() == " ":
                self.pos += 1
            if self.peek() == ",":
                self.pos += 1
                continue
            if self.peek() == closing:
                return tuple(items)
            raise FieldSyntaxError(f"unexpected {self.peek()!r} at position {self.pos}")


def parse_fields(text: str | None) -> tuple[FieldReq, ...] | None:
    """The parsed expression; ``None`` when no ``fields`` was given (defaults apply)."""
    if text is None or not text.strip():
        return None
    return _Parser(text.strip()).fields()
