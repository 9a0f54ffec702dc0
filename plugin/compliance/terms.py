"""Policy terms matched as sequences of words, whatever the language's idea of a word.

Each language turns the reply into tokens, every token carrying the set of keys it can be
known by (its case-folded form; in Russian also its lemmas), and turns each policy term
into one set of acceptable keys per word. A term matches where its words meet
consecutive tokens, one acceptable key each, separated only by spaces or hyphens: so
"shut up" matches "Shut  up" and "shut-up" but not "shut. Up", and "refund" never
matches inside "prerefundable", which is one token.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple, Protocol

EXACT = "="  # a term written "=word" matches that form only, never its inflections
_JOINER = re.compile(r"[\s\-\u2010\u2011]*")  # what may stand between the words of a phrase


class Rule(StrEnum):
    """The lists a language section of the policy has."""

    BANNED = "banned"
    COMMITMENT = "commitments"
    ALLOWED = "allowed"


@dataclass(frozen=True, slots=True)
class Term:
    """One entry of a policy list, as written there."""

    text: str
    rule: Rule
    section: str

    @property
    def shown(self) -> str:
        """The term as a person reads it (without the exact-form marker)."""
        return self.text.removeprefix(EXACT)

    @property
    def exact(self) -> bool:
        return self.text.startswith(EXACT)


@dataclass(frozen=True, slots=True)
class Hit:
    """A term found in the read text, ``text[start:end]``."""

    term: Term
    start: int
    end: int

    def within(self, other: Hit) -> bool:
        return other.start <= self.start and self.end <= other.end


class Token(NamedTuple):
    """A word of the reply and the keys it can be known by (a tuple: replies are long,
    and a NamedTuple is the cheapest record to make for every word)."""

    keys: tuple[str, ...]
    start: int
    end: int


class Matcher(Protocol):
    """Finds one section's terms in a text."""

    def find(self, text: str) -> list[Hit]: ...


class Analyzer(Protocol):
    """A language's words: how the reply is cut into tokens and how a term is read."""

    def tokens(self, text: str) -> list[Token]: ...

    def term_words(self, term: Term) -> tuple[frozenset[str], ...]:
        """One set of acceptable token keys per word of the term; () if it has no word."""
        ...

    def needle(self, term: Term) -> str | None:
        """Text (case folded) that every match of the term contains, so that a reply
        without any term's needle is passed without being cut into tokens; None when
        the language cannot promise one (Russian lemmas: "шёл" is a form of "идти")."""
        ...


class PhraseMatcher:
    """Every term of a section, indexed by the keys its first word accepts."""

    def __init__(self, analyzer: Analyzer, terms: Iterable[Term]) -> None:
        self._analyzer = analyzer
        self._by_first_key: dict[str, list[tuple[Term, tuple[frozenset[str], ...]]]] = (
            defaultdict(list))
        needles: set[str | None] = set()
        for term in terms:
            words = analyzer.term_words(term)
            if words:
                needles.add(analyzer.needle(term))
                for key in words[0]:
                    self._by_first_key[key].append((term, words))
        # No prefilter when any term lacks a needle (None) or has an empty one.
        self._needles = None if None in needles or "" in needles else frozenset(
            n for n in needles if n)

    def find(self, text: str) -> list[Hit]:
        if not self._by_first_key:
            return []
        if self._needles is not None:
            folded = text.casefold()
            if not any(needle in folded for needle in self._needles):
                return []
        tokens = self._analyzer.tokens(text)
        hits: list[Hit] = []
        for i, token in enumerate(tokens):
            found: set[Term] = set()
            for key in token.keys:
                for term, words in self._by_first_key.get(key, ()):
                    if term not in found and _rest_matches(text, tokens, i, words):
                        found.add(term)
                        hits.append(Hit(term, token.start, tokens[i + len(words) - 1].end))
        return hits


def _rest_matches(text: str, tokens: Sequence[Token], first: int,
                  words: tuple[frozenset[str], ...]) -> bool:
    if first + len(words) > len(tokens):
        return False
    for offset in range(1, len(words)):
        before, token = tokens[first + offset - 1], tokens[first + offset]
        if words[offset].isdisjoint(token.keys):
            return False
        if not _JOINER.fullmatch(text, before.end, token.start):
            return False
    return True
