"""The built-in scorer: finds the language of each part of a comment and reads it.

A comment is cleaned of what says nothing about feelings (links, @mentions, the "#" of a
hashtag), cut into runs of one script, and each run's language detected. The comment's
language is that of its heaviest run; if no reader exists for it the comment is
unsupported, whatever a minor run says. Otherwise every run in a language with a reader
is read and their valences summed, so "Great service! Спасибо большое" counts both
halves. A comment of emoji alone is scored by its emoji, with language "und".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Protocol

from plugin.sentiment import emoji
from plugin.sentiment.chinese import ChineseReader
from plugin.sentiment.engine import Lexicon, Reading, Token, read
from plugin.sentiment.english import EnglishReader
from plugin.sentiment.labels import label_for, rounded
from plugin.sentiment.language import LanguageIdentifier
from plugin.sentiment.records import UNDETERMINED, Sentiment
from plugin.sentiment.russian import RussianReader
from plugin.sentiment.scripts import runs

VERSION = "1"
_NOISE = re.compile(r"https?://\S+|www\.\S+|@[^\W\d_][\w.]*")


class Reader(Protocol):
    """One language's tokenizer and lexicon over the shared engine."""

    language: str
    name: str

    def read(self, text: str) -> Reading: ...


class MultilingualScorer:
    """English, Russian and Chinese, with emoji everywhere; other languages unsupported."""

    def __init__(self, *, low_accuracy_detection: bool = False) -> None:
        english, russian = EnglishReader(), RussianReader()
        self.readers: Mapping[str, Reader] = {
            reader.language: reader for reader in (english, russian, ChineseReader())}
        self.identifier = LanguageIdentifier(english.vocabulary, russian.knows,
                                             low_accuracy=low_accuracy_detection)
        self._emoji_only = Lexicon(valences=emoji.valences())
        detection = "lingua low-accuracy" if low_accuracy_detection else "lingua"
        self.name = f"socialcrm-multilingual/{VERSION} ({detection})"

    def score(self, text: str) -> Sentiment:
        cleaned = _NOISE.sub(" ", text).replace("#", " ")
        parts = runs(cleaned)
        if not parts:
            return self._emoji_alone(cleaned)
        languages = [self.identifier.detect(emoji.strip(part.text)) for part in parts]
        heaviest = max(range(len(parts)), key=lambda i: parts[i].weight)
        language = languages[heaviest]
        if language not in self.readers:
            return Sentiment.unsupported(language, self.name)
        pairs = [(part, self.readers[lang])
                 for part, lang in zip(parts, languages, strict=True) if lang in self.readers]
        readings = [reader.read(part.text) for part, reader in pairs]
        names = ", ".join(dict.fromkeys(f"{r.language}: {r.name}" for _, r in pairs))
        return self._sentiment(_sum(readings), language, f"{self.name} {names}")

    def _emoji_alone(self, text: str) -> Sentiment:
        found = [Token(piece) for is_emoji, piece in emoji.split(text) if is_emoji]
        if not found:
            return Sentiment.unsupported(UNDETERMINED, self.name)
        reading = read(found, self._emoji_only, longest=1)
        return self._sentiment(reading, UNDETERMINED, f"{self.name} emoji")

    @staticmethod
    def _sentiment(reading: Reading, language: str, scorer: str) -> Sentiment:
        return Sentiment(score=rounded(reading.score), label=label_for(reading),
                         language=language, supported=True, scorer=scorer)


def _sum(readings: list[Reading]) -> Reading:
    if len(readings) == 1:
        return readings[0]
    return Reading(total=sum(r.total for r in readings),
                   positive=sum(r.positive for r in readings),
                   negative=sum(r.negative for r in readings),
                   hits=sum(r.hits for r in readings))
