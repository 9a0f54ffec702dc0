"""English words: case folded, each policy word matched with its regular inflections.

Why generate forms from the term instead of stemming the reply: a stemmer cuts real
words into stems that collide ("bus" and "bu"), while forms generated from a term the
policy author chose can only ever match words built on that term. The forms are the
regular inflections and two derivations a reply uses for the same commitment or insult:

* plural and possessive: -s, -es, -'s (and "-y" to "-ies");
* past and participles: -ed, -ing (with a final "e" dropped: "compensating"; with a
  final consonant doubled: "banned");
* agent and comparison: -er, -ers, -est; ability: -able, -ably ("refundable").

So "refund" matches "Refund", "refunds", "refunded", "refunding", "refundable", and not
"prerefundable" (a different word). Irregular forms ("pay", "paid") and other
derivations ("idiotic") are listed in the policy as terms of their own; "=word" matches
that exact form only.
"""

from __future__ import annotations

import re

from plugin.compliance.terms import Term, Token

APOSTROPHES = "'\u2019"
_WORD = re.compile(rf"[^\W_]+(?:[{APOSTROPHES}][^\W_]+)*")
_SUFFIXES = ("s", "es", "'s", "ed", "ing", "er", "ers", "est", "able", "ably")
_VOWELS = frozenset("aeiou")


def fold(word: str) -> str:
    return word.casefold().replace("\u2019", "'")


def forms(word: str) -> frozenset[str]:
    """The word and its regular inflections (over-generating is harmless: a form that is
    not an English word never occurs in a reply)."""
    found = {word, *(word + suffix for suffix in _SUFFIXES)}
    if word.endswith("e"):
        stem = word[:-1]
        found.update(stem + suffix for suffix in ("ing", "able", "ably", "ed", "er", "ers"))
    if len(word) > 2 and word.endswith("y") and word[-2] not in _VOWELS:
        stem = word[:-1]
        found.update(stem + suffix for suffix in ("ies", "ied", "ier", "iers", "iest"))
    if (len(word) > 2 and word[-1] not in _VOWELS | {"w", "x", "y"}
            and word[-2] in _VOWELS and word[-3] not in _VOWELS):
        doubled = word + word[-1]
        found.update(doubled + suffix for suffix in ("ed", "ing", "er", "ers", "able"))
    return frozenset(found)


class EnglishAnalyzer:
    """Tokens are words of letters and digits (with inner apostrophes), case folded."""

    def tokens(self, text: str) -> list[Token]:
        return [Token((fold(match.group()),), match.start(), match.end())
                for match in _WORD.finditer(text)]

    def term_words(self, term: Term) -> tuple[frozenset[str], ...]:
        words = [fold(match.group()) for match in _WORD.finditer(term.shown)]
        if term.exact:
            return tuple(frozenset((word,)) for word in words)
        return tuple(forms(word) for word in words)

    def needle(self, term: Term) -> str | None:
        """The first word up to any apostrophe (a reply may write it curly) and without a
        final "e" or "y" ("guaranteeing", "apologies"): every form keeps that much."""
        first = fold(next(_WORD.finditer(term.shown)).group()).split("'")[0]
        return first[:-1] if len(first) > 2 and first[-1] in "ey" and not term.exact else first
