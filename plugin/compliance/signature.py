"""The signature a reply must end with, from a template such as "— {agent_first_name}".

The rule: after trailing whitespace, the reply must end with the template, where

* ``{agent_first_name}`` is the agent's first name and ``{agent_name}`` their full name,
  as the caller passes them (``signature_values``); a placeholder with no value given
  accepts any name (one word of letters, hyphens or apostrophes; the full name up to four
  such words);
* any dash (hyphen, en dash, em dash, ...: ``DASHES``) stands for any other, since
  keyboards type them differently;
* whitespace in the template matches any whitespace or none ("—Anna" is "— Anna");
* letters compare case-insensitively.

Everything else in the template is literal, so a fixed signature ("Acme Support") is a
template without placeholders.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from functools import lru_cache

import regex

# Placeholder -> how the rep is told to fill it in when the caller gave no value.
PLACEHOLDERS = {"agent_first_name": "your first name", "agent_name": "your full name"}
TAIL = 1000  # characters at the end of a reply that may hold the signature
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015"
_NAME_WORD = r"[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*"
_ANY_VALUE = {"agent_first_name": _NAME_WORD,
              "agent_name": rf"{_NAME_WORD}(?:[\s.\u00b7]+{_NAME_WORD}){{0,3}}"}


def placeholders_of(template: str) -> list[str]:
    """The placeholder names of a template; ValueError if it is not a valid template."""
    names = []
    for _, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        if spec or conversion or not name.isidentifier():
            raise ValueError(f"{{{name}}} must be a plain placeholder name")
        names.append(name)
    return names


class Signature:
    """A compiled signature rule."""

    def __init__(self, template: str) -> None:
        unknown = set(placeholders_of(template)) - PLACEHOLDERS.keys()
        if unknown:  # the schema reports this with its key path; here it is a bug
            raise ValueError(f"unknown placeholders {sorted(unknown)} in {template!r}")
        self.template = template

    def present(self, text: str, values: Mapping[str, str] | None = None) -> bool:
        given = tuple(sorted((name, (values or {}).get(name, "").strip())
                             for name in PLACEHOLDERS))
        # Only the end can hold it: search the last stretch, not an 8,000-character reply.
        tail = text.rstrip()[-TAIL:]
        return bool(_pattern(self.template, given).search(tail))

    def shown(self, values: Mapping[str, str] | None = None) -> str:
        """The signature as the rep should write it ("— Anna", or "— <first name>")."""
        values = values or {}
        filled = {name: values.get(name, "").strip() or f"<{hint}>"
                  for name, hint in PLACEHOLDERS.items()}
        return self.template.format_map(filled)


@lru_cache(maxsize=1024)  # one per agent and template: replies are signed by few people
def _pattern(template: str, given: tuple[tuple[str, str], ...]) -> regex.Pattern[str]:
    values = dict(given)
    parts = []
    for literal, name, _, _ in string.Formatter().parse(template):
        parts.append(_literal(literal))
        if name is not None:
            parts.append(_literal(values[name]) if values[name] else _ANY_VALUE[name])
    first = template.lstrip()[:1]
    before = r"(?<!\w)" if first.isalnum() or first == "{" else ""
    return regex.compile(rf"{before}{''.join(parts)}\s*\Z", regex.I | regex.F)


def _literal(text: str) -> str:
    parts: list[str] = []
    for char in text:
        if char.isspace():
            if not parts or parts[-1] != r"\s*":
                parts.append(r"\s*")
        elif char in DASHES:
            parts.append(f"[{regex.escape(DASHES)}]")
        else:
            parts.append(regex.escape(char))
    return "".join(parts)
