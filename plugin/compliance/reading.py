"""Typed reads of loaded YAML/JSON data that name the key path of every problem.

Why explicit checks rather than a schema library: the messages must speak in the policy
file's own terms (``languages.ru.banned[2]: must be a non-empty string``), several checks
depend on others (a term is read by its section's language, an allowed phone number by
the configured regions), and YAML 1.1 surprises need a hint of their own (an unquoted
``no`` arrives as false). Every problem is collected, none stops the reading, so one
round of editing fixes the whole file.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any


def key_path(parent: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else key


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (YAML reads unquoted yes/no/on/off as true/false: "\
               "put the word in quotes)"
    if isinstance(value, int | float):
        return f"the number {value} (put it in quotes to mean text)"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "a mapping" if isinstance(value, Mapping) else type(value).__name__


class Problems:
    """The problems found so far, each "path: what is wrong"."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.found.append(f"{path}: {message}" if path else message)

    def mapping(self, value: Any, path: str, keys: Collection[str] | None = None,
                *, required: Collection[str] = ()) -> Mapping[str, Any] | None:
        """``value`` as a mapping whose keys are among ``keys`` (any keys if None)."""
        if not isinstance(value, Mapping):
            self.add(path, f"must be a mapping of keys to values, not {_kind(value)}")
            return None
        good: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                self.add(path, f"key {key!r} must be text, not {_kind(key)}")
            elif keys is not None and key not in keys:
                self.add(key_path(path, key), f"unknown key (expected one of: "
                                              f"{', '.join(keys)})")
            else:
                good[key] = item
        for key in required:
            if key not in value:
                self.add(path, f"missing required key {key!r}")
        return good

    def text_list(self, value: Any, path: str) -> list[tuple[str, str]]:
        """A list of non-blank strings, stripped, each with its own path."""
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(path, f"must be a list, not {_kind(value)}")
            return []
        found = []
        for index, item in enumerate(value):
            text = self.text(item, key_path(path, index))
            if text is not None:
                found.append((key_path(path, index), text))
        return found

    def text(self, value: Any, path: str) -> str | None:
        if not isinstance(value, str) or not value.strip():
            shown = "blank text" if isinstance(value, str) else _kind(value)
            self.add(path, f"must be a non-empty string, not {shown}")
            return None
        return value.strip()

    def choice(self, value: Any, path: str, choices: Collection[str]) -> str | None:
        if not isinstance(value, str) or value not in choices:
            shown = repr(value) if isinstance(value, str) else _kind(value)
            self.add(path, f"must be one of {', '.join(choices)}, not {shown}")
            return None
        return value

    def positive_int(self, value: Any, path: str) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            shown = repr(value) if type(value) in (int, float, str) else _kind(value)
            self.add(path, f"must be a whole number of at least 1, not {shown}")
            return None
        return value
