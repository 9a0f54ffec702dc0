"""Russian: a lemma lexicon over pymorphy3's dictionaries, read by the shared engine.

No Russian sentiment model ships its data in a package (dostoevsky downloads its model at
run time), so Russian is scored with a lexicon keyed by lemmas: pymorphy3 (MIT, with the
OpenCorpora dictionaries of pymorphy3-dicts-ru) reduces "разочарована", "разочаровали"
and "разочарован" to one entry of ``data/ru.tsv``. Negation ("не плохо", "ни одной
проблемы"), degree words ("очень", "слишком"), contrast ("но", "зато") and phrases
("не работает", "деньги на ветер") follow the shared engine's rules.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.metadata import version

import pymorphy3  # type: ignore[import-untyped]

from plugin.sentiment import emoji, lexicons
from plugin.sentiment.data import read_table
from plugin.sentiment.engine import Lexicon, Reading, Token, read

NAME = f"SocialCRM ru lexicon with pymorphy3 {version('pymorphy3')}"
# Russian writes smileys as runs of brackets: "спасибо)))" is a smile, "((" a frown.
_TOKEN = re.compile(r"\){2,}|\({2,}|\d+|[^\W\d_]+(?:-[^\W\d_]+)*|[.,!?;:…]")
YO, YE = "\u0451", "\u0435"  # Russians write ye for yo as often as not
_REPEATS = re.compile(r"([^\W\d_])\1{2,}")


class RussianReader:
    """Reads Russian text into the engine's :class:`Reading`."""

    language = "ru"
    name = NAME

    def __init__(self) -> None:
        self._morph = pymorphy3.MorphAnalyzer()
        self._lemma = lru_cache(maxsize=65536)(self._lemma_of)
        self._as_written = {lexicons.as_written(word)[1:] for term, *_ in read_table("ru.tsv")
                            for word in term.split()} - {""}
        self.lexicon: Lexicon = lexicons.build("ru.tsv", self.normalise)
        self._longest = self.lexicon.longest_phrase

    def normalise(self, word: str) -> str:
        """The lexicon key of a word: its lemma, lower case, with "yo" read as "ye"."""
        word = word.lower().replace(YO, YE)
        return f"={word}" if word in self._as_written else self._lemma(word)

    def knows(self, word: str) -> bool:
        """Whether the Russian dictionary has this word (used to tell Russian from its kin)."""
        return bool(self._morph.word_is_known(word.lower()))

    def tokens(self, text: str) -> list[Token]:
        found = []
        for is_emoji, piece in emoji.split(text):
            if is_emoji:
                found.append(Token(piece))
                continue
            for match in _TOKEN.finditer(piece):
                word = match.group()
                if word[0] in ")(":
                    found.append(Token(word[:2]))
                else:
                    found.append(Token(self.normalise(word),
                                       shouted=len(word) > 1 and word.isupper()))
        return found

    def read(self, text: str) -> Reading:
        return read(self.tokens(text), self.lexicon, longest=self._longest)

    def _lemma_of(self, word: str) -> str:
        if not word[0].isalpha():
            return word
        word = _REPEATS.sub(r"\1", word)
        return str(self._morph.parse(word)[0].normal_form).replace(YO, YE)
