"""Russian words, matched by lemma through pymorphy3 (with the OpenCorpora dictionary).

A policy word is reduced to its most likely lemma ("возвраты" -> "возврат"); a word of
the reply matches when any of its possible lemmas is that one, so "возврата",
"возвратом" and "возвраты" all match "возврат". A reply word is read generously (every
parse, not just the likeliest) because missing a commitment costs more than asking a
manager once too often. Words of one family with different lemmas ("гарантия" and
"гарантировать") are separate terms; "=word" matches that exact form only. "yo" is read
as "ye" (U+0451 as U+0435), as Russians write it either way.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import pymorphy3  # type: ignore[import-untyped]

from plugin.compliance.terms import EXACT, Term, Token

_WORD = re.compile(r"[^\W_]+")  # hyphenated words are phrases: "из-за" is "из" "за"
YO, YE = "\u0451", "\u0435"


@cache
def _analyzer() -> pymorphy3.MorphAnalyzer:
    """One analyzer per process: it only reads its dictionary once loaded."""
    return pymorphy3.MorphAnalyzer()


def fold(word: str) -> str:
    return word.lower().replace(YO, YE)


@lru_cache(maxsize=65536)
def lemmas(word: str) -> frozenset[str]:
    """Every lemma pymorphy3 considers for a folded word (the word itself if none)."""
    if not word[0].isalpha():
        return frozenset((word,))
    return frozenset(fold(parse.normal_form) for parse in _analyzer().parse(word)) or (
        frozenset((word,)))


@lru_cache(maxsize=4096)
def likeliest_lemma(word: str) -> str:
    if not word[0].isalpha():
        return word
    return fold(_analyzer().parse(word)[0].normal_form)


class RussianAnalyzer:
    """Tokens carry their exact form (marked "=") and all their lemmas."""

    def tokens(self, text: str) -> list[Token]:
        found = []
        for match in _WORD.finditer(text):
            word = fold(match.group())
            found.append(Token((EXACT + word, *lemmas(word)), match.start(), match.end()))
        return found

    def term_words(self, term: Term) -> tuple[frozenset[str], ...]:
        words = [fold(match.group()) for match in _WORD.finditer(term.shown)]
        if term.exact:
            return tuple(frozenset((EXACT + word,)) for word in words)
        return tuple(frozenset((likeliest_lemma(word),)) for word in words)

    def needle(self, term: Term) -> str | None:
        return None
