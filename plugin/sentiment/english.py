"""English: VADER's lexicon and word lists, read by the shared engine.

VADER (vaderSentiment, MIT) was built for exactly this kind of text, social-media posts
with slang, emoticons and capitals. Its lexicon, negations and degree words are used as
they ship; ``data/en.tsv`` adds what comments to a company say that VADER lacks
("still waiting", "charged twice") and sets the politeness of a request ("please help")
to no sentiment.
"""

from __future__ import annotations

import re
from importlib.metadata import version
from importlib.resources import files

from vaderSentiment.vaderSentiment import (  # type: ignore[import-untyped]
    BOOSTER_DICT,
    NEGATE,
)

from plugin.sentiment import emoji, lexicons
from plugin.sentiment.engine import Lexicon, Reading, Token, read

NAME = f"vaderSentiment {version('vaderSentiment')} lexicon"
_EMOTICON = r"(?:[:;=8][\-^']?[()\[\]DPp/\\|*3]|<3|</3|\^_\^|:'\()"
APOSTROPHES = "'\u2019"  # typewriter and typographic
_TOKEN = re.compile(rf"{_EMOTICON}|\d+/\d+|[^\W_]+(?:[{APOSTROPHES}][^\W_]+)*|[.,!?;:…]")
_REPEATS = re.compile(r"(\w)\1{2,}")


def _vader_valences() -> dict[str, float]:
    text = files("vaderSentiment").joinpath("vader_lexicon.txt").read_text(encoding="utf-8")
    valences = {}
    for line in text.splitlines():
        term, value, *_ = line.split("\t")
        valences[term.lower()] = float(value)
    return valences


def normalise(word: str) -> str:
    return word.lower().replace("\u2019", "'")


class EnglishReader:
    """Reads English text into the engine's :class:`Reading`."""

    language = "en"
    name = NAME

    def __init__(self) -> None:
        self.lexicon: Lexicon = lexicons.build(
            "en.tsv", normalise, base_valences=_vader_valences(), base_negators=NEGATE,
            base_boosters=BOOSTER_DICT, negator_suffixes=("n't",))
        self._longest = self.lexicon.longest_phrase
        self.vocabulary = lexicons.words("en_words.txt") | {
            key for key in self.lexicon.valences if key.isalpha()}

    def tokens(self, text: str) -> list[Token]:
        found = []
        for is_emoji, piece in emoji.split(text):
            if is_emoji:
                found.append(Token(piece))
                continue
            for match in _TOKEN.finditer(piece):
                word = match.group()
                found.append(Token(self._key(word), shouted=len(word) > 1 and word.isupper()))
        return found

    def read(self, text: str) -> Reading:
        return read(self.tokens(text), self.lexicon, longest=self._longest)

    def _key(self, word: str) -> str:
        """The lexicon key of a word; "soooo goood" reads as "so good"."""
        key = normalise(word)
        if key in self.lexicon.valences or not _REPEATS.search(key):
            return key
        for shorter in (_REPEATS.sub(r"\1\1", key), _REPEATS.sub(r"\1", key)):
            if shorter in self.lexicon.valences or shorter in self.lexicon.boosters:
                return shorter
        return key
