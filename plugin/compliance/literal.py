"""Terms matched as written (case folded), for the "*" section and languages without a
word analyzer of their own.

A term matches as a whole word where its script separates words with spaces: "acme"
matches "ACME!" but not "acmesoft". Where a term begins or ends with a character that
is not a letter or digit (an emoji, a symbol), or with a character of a script written
without spaces (Chinese, Japanese, Thai, ...), no boundary is asked for there: "🖕"
matches inside "🖕🏽", and a Chinese term inside a run of Chinese. Spaces in a term
match any run of whitespace; an emoji matches with or without its variation selector.
No inflections: "*" is for names, links, symbols and emoji; words that inflect belong in
their language's section.
"""

from __future__ import annotations

import regex

from plugin.compliance.terms import Hit, Term
from plugin.compliance.text import VARIATION_SELECTOR

_UNSPACED = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}"
                          r"\p{Myanmar}\p{Hangul}]")


def _needs_boundary(char: str) -> bool:
    return char.isalnum() and not _UNSPACED.match(char)


def pattern_of(term: str) -> str:
    """A regular expression for one literal term."""
    term = term.replace(VARIATION_SELECTOR, "")
    parts: list[str] = []
    for char in term:
        if char.isspace():
            if not parts or parts[-1] != r"\s+":
                parts.append(r"\s+")
        elif char.isalnum():
            parts.append(regex.escape(char))
        else:
            parts.append(regex.escape(char) + VARIATION_SELECTOR + "?")
    body = "".join(parts)
    before = r"(?<!\w)" if _needs_boundary(term[0]) else ""
    after = r"(?!\w)" if _needs_boundary(term[-1]) else ""
    return before + body + after


class LiteralMatcher:
    """One section's terms as case-insensitive (full case folding) expressions."""

    def __init__(self, terms: list[Term]) -> None:
        # Each pattern with the first character of its folded term: a text whose folded
        # form lacks it cannot match, and the check is far cheaper than the search.
        self._patterns = [(term, term.shown.replace(VARIATION_SELECTOR, "").casefold()[0],
                           regex.compile(pattern_of(term.shown), regex.I | regex.F))
                          for term in terms if term.shown.strip()]

    def find(self, text: str) -> list[Hit]:
        if not self._patterns:
            return []
        folded = text.casefold()
        return [Hit(term, match.start(), match.end())
                for term, first, pattern in self._patterns if first in folded
                for match in pattern.finditer(text, overlapped=True)]
