"""Chinese words, found where jieba's segmentation puts word boundaries.

Chinese has no spaces, so a term must start and end where jieba (MIT, its own
dictionary) cuts the reply into words: "退款" matches in "我们会给您退款" (…"您" "退款")
and in "退款单已提交" ("退款" "单"), while a term "退" does not match inside "退款",
nor "保证" (guarantee) inside "保证金" (deposit). A term jieba does not know as one word
still matches when its characters are whole tokens in a row ("优惠" "码").

jieba's dictionary also holds set phrases made of two words, "保证质量" (guarantee
quality), "赔偿损失" (compensate the loss): a term that begins or ends such a token
matches when the rest of the token is itself a word of two or more characters ("质量",
"损失"). A single bound character makes a new word ("保证金", "赔偿金"): list those
compounds as terms of their own when they should count.

Why one shared, unmodified segmenter instead of adding the policy's terms to jieba's
dictionary: adding words changes a process-wide dictionary, so one policy would change
how another reads; the boundary rule needs no additions. Case folding applies to any
Latin letters in a term.
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from functools import cache, lru_cache
from itertools import accumulate

import jieba  # type: ignore[import-untyped]

from plugin.compliance.terms import Hit, Term


@cache
def _segmenter() -> jieba.Tokenizer:
    """jieba's dictionary, loaded once per process (about a second); read-only after."""
    logging.getLogger("jieba").setLevel(logging.WARNING)  # it logs its start-up on INFO
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def words_of(text: str) -> list[str]:
    """jieba's words (HMM off: no guessed new words, so unknown text falls apart into
    the dictionary's words or single characters)."""
    return list(_segmenter().lcut(text, HMM=False))


@lru_cache(maxsize=4096)
def is_word(text: str) -> bool:
    """Whether jieba's dictionary has ``text`` as one word of two characters or more."""
    return len(text) > 1 and words_of(text) == [text]


class _Segmented:
    """The reply's word boundaries, computed on the first occurrence of any term."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0, *accumulate(len(word) for word in words_of(text))]
        self.cuts = frozenset(self.starts)

    def is_word_at(self, start: int, end: int) -> bool:
        if start in self.cuts and end in self.cuts:
            return True
        token = bisect_right(self.starts, start) - 1
        token_start, token_end = self.starts[token], self.starts[token + 1]
        if token_start == start and end < token_end:  # "保证" + "质量"
            return is_word(self.text[end:token_end])
        if token_end == end and token_start < start:  # "全额" + "退款", if one token
            return is_word(self.text[token_start:start])
        return False


class ChineseMatcher:
    """One section's terms, found at word boundaries of the reply."""

    def __init__(self, terms: list[Term]) -> None:
        self._terms = [(term, term.shown.casefold()) for term in terms if term.shown.strip()]
        if self._terms:  # load now: the first reply is then as fast as any, and a worker
            _segmenter()  # process forked after start-up inherits the dictionary

    def find(self, text: str) -> list[Hit]:
        if not self._terms:
            return []
        folded = text.casefold() if text.isascii() else _fold_keeping_length(text)
        segmented: _Segmented | None = None
        hits = []
        for term, needle in self._terms:
            at = folded.find(needle)
            while at >= 0:
                segmented = segmented or _Segmented(text)
                if segmented.is_word_at(at, at + len(needle)):
                    hits.append(Hit(term, at, at + len(needle)))
                at = folded.find(needle, at + 1)
        return hits


def _fold_keeping_length(text: str) -> str:
    """Case folded character by character, keeping any that folding would lengthen
    ("ß" -> "ss"), so offsets stay those of the text."""
    return "".join(folded if len(folded := char.casefold()) == 1 else char for char in text)
