"""Chinese: jieba's segmentation and a word lexicon, read by the shared engine.

Chinese has no spaces, so jieba (MIT, with its own dictionary) cuts a comment into words
first; the lexicon's words are added to a private jieba dictionary so they come out
whole. Negation and degree words often arrive glued to what they modify ("不满意",
"太慢"), so a word the lexicon lacks is split again when its rest is a lexicon word.
Traditional characters of the common words are in the lexicon beside the simplified.
"""

from __future__ import annotations

import logging
import re
from importlib.metadata import version

import jieba  # type: ignore[import-untyped]

from plugin.sentiment import emoji, lexicons
from plugin.sentiment.engine import BREAKS, Lexicon, Reading, Token, read

NAME = f"SocialCRM zh lexicon with jieba {version('jieba')}"
_PARTICLES = ("了", "啊", "呀", "啦", "哦", "呢", "吧", "的")  # "太棒了" is "太" "棒" "了"
_PUNCTUATION = {"！": "!", "？": "?", "。": ".", "，": ",", "；": ";", "：": ":",
                "\uff5e": ",", "~": ","}  # a trailing tilde (fullwidth or not) ends a clause


def normalise(word: str) -> str:
    return word.lower()


class ChineseReader:
    """Reads Chinese text into the engine's :class:`Reading`."""

    language = "zh"
    name = NAME

    def __init__(self) -> None:
        logging.getLogger("jieba").setLevel(logging.WARNING)  # it logs its start-up on INFO
        self.lexicon: Lexicon = lexicons.build("zh.tsv", normalise, joiner="")
        self._longest = self.lexicon.longest_phrase
        self._terms = {*self.lexicon.valences, *self.lexicon.negators,
                       *self.lexicon.boosters, *self.lexicon.contrasts}
        self._prefixes = sorted({*self.lexicon.negators, *self.lexicon.boosters},
                                key=len, reverse=True)
        self._segmenter = jieba.Tokenizer()
        self._segmenter.initialize()
        for term in sorted(self._terms):
            if not emoji.EMOJI.fullmatch(term):
                self._segmenter.add_word(term)

    def tokens(self, text: str) -> list[Token]:
        found: list[Token] = []
        for is_emoji, piece in emoji.split(text):
            if is_emoji:
                found.append(Token(piece))
                continue
            for word in self._segmenter.lcut(piece, HMM=False):
                word = _PUNCTUATION.get(word, word).strip()
                if word and (word in BREAKS or not re.fullmatch(r"[\W_]+", word)):
                    found.extend(Token(part) for part in self._split(normalise(word)))
                elif word:
                    found.extend(Token(mark) for mark in word if mark in BREAKS)
        return found

    def read(self, text: str) -> Reading:
        return read(self.tokens(text), self.lexicon, longest=self._longest)

    def _split(self, word: str) -> list[str]:
        """"不满意" -> "不" "满意" when only "满意" is a term; "棒了" -> "棒" "了"."""
        if word in self._terms or len(word) < 2:
            return [word]
        if word.endswith(_PARTICLES) and word[:-1] in self._terms:
            return [word[:-1], word[-1]]
        for prefix in self._prefixes:
            rest = word[len(prefix):]
            if rest and word.startswith(prefix) and self._split(rest)[0] in self._terms:
                return [prefix, *self._split(rest)]
        return [word]
