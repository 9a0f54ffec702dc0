"""How long a text is once SuiteCRM has stored it, and cutting a title to fit.

Why not ``len``: SuiteCRM's tables are 3-byte ``utf8``, so the SocialCRM package's text
guard stores each character outside the Basic Multilingual Plane (an emoji) as an escape
``\\u{1F4DE}`` of 9 or 10 characters (``connectors.suitecrm.text``). A 50-character
``name`` column therefore holds at most five emoji, and a longer value is refused by the
database or cut by it: either way the rep's words would not come back as written. The API
checks lengths this way before accepting an update, and titles the service makes up are
cut to fit.
"""

from __future__ import annotations

import regex

_GRAPHEME = regex.compile(r"\X")
ELLIPSIS = "…"


def stored_length(text: str) -> int:
    """Characters ``text`` takes in a SuiteCRM column (see the module docstring)."""
    return sum(_stored(char) for char in text)


def _stored(char: str) -> int:
    code = ord(char)
    if code < 0x10000:
        return 1
    return 4 + len(f"{code:X}")  # '\u{' + hex digits + '}'


def fit(text: str, limit: int) -> str:
    """``text`` on one line, cut at a grapheme boundary so it stores in ``limit``
    characters (a cut text ends with an ellipsis)."""
    if limit < 2:
        raise ValueError("a limit leaves room for one character and the ellipsis")
    line = " ".join(text.split())
    if stored_length(line) <= limit:
        return line
    kept: list[str] = []
    used = stored_length(ELLIPSIS)
    for cluster in _GRAPHEME.findall(line):
        size = stored_length(cluster)
        if used + size > limit:
            break
        kept.append(cluster)
        used += size
    return "".join(kept).rstrip() + ELLIPSIS
