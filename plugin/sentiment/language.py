"""Which language a run of one script is in, as an ISO 639-1 code ("und" when unknown).

The script settles most of it: Chinese characters are Chinese (Japanese when kana are
among them), Hangul is Korean. Latin and Cyrillic text is shared by many languages, and
Spanish, German or French must never be scored as English, so those go to Lingua
(lingua-language-detector, Apache-2.0, its n-gram models compiled into the package),
which is reliable on short text; it only knows the languages it is built with, so
besides the ones we score it is given the common neighbours that could be mistaken for
them. Two of its weak spots get help:

* very short Latin comments ("ok thx", "so good") are English when every word is an
  everyday English word, which Lingua cannot know from three words;
* Cyrillic text whose words are almost all in pymorphy3's Russian dictionary and that
  has no letter Russian lacks (``NOT_RUSSIAN``) is Russian: Lingua alone
  called "Написала в личку" Ukrainian.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from plugin.sentiment.english import normalise as normalise_english
from plugin.sentiment.records import UNDETERMINED
from plugin.sentiment.scripts import script_of

LATIN = (Language.ENGLISH, Language.SPANISH, Language.GERMAN, Language.FRENCH,
         Language.ITALIAN, Language.PORTUGUESE, Language.DUTCH, Language.POLISH,
         Language.TURKISH)
CYRILLIC = (Language.RUSSIAN, Language.UKRAINIAN, Language.BELARUSIAN, Language.BULGARIAN,
            Language.SERBIAN, Language.MACEDONIAN)
# Scripts one language owns (or that we only name; nothing here scores them).
BY_SCRIPT = {"HANGUL": "ko", "GREEK": "el", "HEBREW": "he", "ARABIC": "ar", "THAI": "th",
             "DEVANAGARI": "hi", "BENGALI": "bn", "TAMIL": "ta", "ARMENIAN": "hy",
             "GEORGIAN": "ka", "GUJARATI": "gu", "TELUGU": "te", "KANNADA": "kn",
             "MALAYALAM": "ml", "GURMUKHI": "pa", "ETHIOPIC": "am", "KHMER": "km",
             "LAO": "lo", "MYANMAR": "my", "SINHALA": "si"}
NOT_RUSSIAN = frozenset("іїєґўјљњћђџѓќѕ")
SHORT = 3  # words: below this many, Lingua has too little to go on
CJK_LETTERS = 3  # one Chinese character says about as much as three Latin letters
RUSSIAN_COVERAGE = 0.75  # share of words the Russian dictionary must know
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")


def dominant_script(text: str) -> str | None:
    """The script with the most letters, a CJK character counting as a short word."""
    counts: Counter[str] = Counter()
    for char in text:
        script = script_of(char)
        if script is not None:
            counts[script] += CJK_LETTERS if script == "CJK" else 1
    return counts.most_common(1)[0][0] if counts else None


class LanguageIdentifier:
    """Names the language of a run of text in one script."""

    def __init__(self, english_words: Collection[str], russian_word: Callable[[str], bool],
                 *, low_accuracy: bool = False) -> None:
        # Preloaded, so that the first comment is as fast as any and a process forked
        # after start-up (an RQ work horse) inherits the models instead of loading them.
        builder = LanguageDetectorBuilder.from_languages(*LATIN, *CYRILLIC)
        if low_accuracy:
            builder = builder.with_low_accuracy_mode()
        self._lingua: LanguageDetector = builder.with_preloaded_language_models().build()
        self._english_words = english_words
        self._russian_word = russian_word

    def detect(self, text: str) -> str:
        script = dominant_script(text)
        if script is None:
            return UNDETERMINED
        if script == "CJK":
            kana = any("\u3040" <= char <= "\u30ff" for char in text)
            return "ja" if kana else "zh"
        if script == "CYRILLIC":
            return self._cyrillic(text)
        if script == "LATIN":
            return self._latin(text)
        return BY_SCRIPT.get(script, UNDETERMINED)

    def _latin(self, text: str) -> str:
        words = [normalise_english(word) for word in _WORD.findall(text)]
        if len(words) <= SHORT and all(word in self._english_words for word in words):
            return "en"
        return self._ask_lingua(text)

    def _cyrillic(self, text: str) -> str:
        lowered = text.lower()
        if not NOT_RUSSIAN.intersection(lowered):
            words = [w for w in _WORD.findall(lowered) if script_of(w[0]) == "CYRILLIC"]
            known = sum(1 for word in words if self._russian_word(word))
            if words and known / len(words) >= RUSSIAN_COVERAGE:
                return "ru"
        return self._ask_lingua(text)

    def _ask_lingua(self, text: str) -> str:
        found = self._lingua.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found else UNDETERMINED
