"""Cutting a comment into runs of one writing system ("Great service! Спасибо большое").

Customers mix scripts: a Russian sentence with an English thank-you, a brand name in a
Chinese comment. Each run long enough to carry meaning is detected and scored on its own;
a run too short to (one Latin word such as "app" inside Chinese) stays with the run
before it. Marks that belong to no script (spaces, digits, punctuation, emoji) go with
the run they follow.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_NO_SPACES = frozenset({"CJK", "HANGUL", "THAI", "LAO", "KHMER", "MYANMAR"})  # weigh by char
_SAME_AS = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "HALFWIDTH": "CJK", "FULLWIDTH": "LATIN"}
MIN_WEIGHT = 2.0  # a run lighter than this (one word, one character) joins a neighbour
_WORD = re.compile(r"[^\W\d_]+")


def script_of(char: str) -> str | None:
    """The writing system of a letter (LATIN, CYRILLIC, CJK, ...); None for anything else."""
    if not char.isalpha():
        return None
    first = unicodedata.name(char, "UNKNOWN").split()[0]
    return _SAME_AS.get(first, first)


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of text in one script, and how much it says (words, or characters)."""

    script: str
    text: str
    weight: float


def weigh(script: str, text: str) -> float:
    if script in _NO_SPACES:
        return float(sum(1 for char in text if script_of(char) == script))
    return float(len(_WORD.findall(text)))


def runs(text: str) -> list[Run]:
    """The text as consecutive runs of one script each; [] when it has no letters."""
    pieces: list[list[str]] = []  # [script, text]
    lead = ""  # marks before the first letter
    for char in text:
        script = script_of(char)
        if script is None:
            if pieces:
                pieces[-1][1] += char
            else:
                lead += char
        elif pieces and pieces[-1][0] == script:
            pieces[-1][1] += char
        else:
            pieces.append([script, char])
    if not pieces:
        return []
    pieces[0][1] = lead + pieces[0][1]
    return _merge_light([Run(script, piece, weigh(script, piece)) for script, piece in pieces])


def _merge_light(found: list[Run]) -> list[Run]:
    """Fold each run too light to detect into the run before it (the first into the one
    after), and join neighbours of one script. One pass: a comment alternating scripts
    word by word costs no more than any other."""
    merged: list[Run] = []
    for run in found:
        if merged and (run.weight < MIN_WEIGHT or merged[-1].script == run.script):
            last = merged[-1]
            merged[-1] = Run(last.script, last.text + run.text, last.weight + run.weight)
        elif merged and merged[-1].weight < MIN_WEIGHT:  # a light first run
            last = merged[-1]
            merged[-1] = Run(run.script, last.text + run.text, last.weight + run.weight)
        else:
            merged.append(run)
    return merged
