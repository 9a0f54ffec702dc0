"""Which of the policy's language sections apply to a reply.

A reply is checked in every script it contains, so an English reply with a Russian
insult meets the Russian rules. Within one script the reply's own language decides when
the policy has several languages written in it: a German reply is not held to the
English list (German "Gift" is poison, not a present); a reply in a language the policy
lacks is held to all of that script's languages, on the safe side. "*" always applies.

The reply's language is the caller's when given ("en-US" reads as "en"). Otherwise it is
the policy language of the reply's main script when there is only one (no detector
needed: the default policy has one per script); only when several share that script is
the sentiment package's detector asked (Lingua, loaded on first need, shared with the
sentiment scorer of the same process).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache

from plugin.sentiment.records import UNDETERMINED

ALL = "*"
# Scripts as plugin.sentiment.scripts names them, and the languages written in each that
# a policy may have a section for.
SCRIPT_OF_LANGUAGE: Mapping[str, str] = {
    **dict.fromkeys(("en", "de", "fr", "es", "it", "pt", "nl", "pl", "tr", "sv", "da",
                     "nb", "nn", "no", "fi", "cs", "sk", "hu", "ro", "hr", "sl", "et", "lv",
                     "lt", "id", "ms", "vi", "ca", "ga", "sq", "af", "sw", "tl", "az", "uz",
                     "is", "eu", "gl", "mt", "cy"), "LATIN"),
    **dict.fromkeys(("ru", "uk", "be", "bg", "sr", "mk", "kk", "ky", "tg", "mn"), "CYRILLIC"),
    **dict.fromkeys(("zh", "ja"), "CJK"),
    "ko": "HANGUL", "el": "GREEK", "he": "HEBREW", "ar": "ARABIC", "fa": "ARABIC",
    "ur": "ARABIC", "th": "THAI", "hi": "DEVANAGARI", "mr": "DEVANAGARI", "ne": "DEVANAGARI",
    "bn": "BENGALI", "ta": "TAMIL", "hy": "ARMENIAN", "ka": "GEORGIAN",
}
# Letters of each script as character ranges for the standard ``re`` (several times faster
# than Unicode script properties over an 8,000-character reply); Unicode's main blocks.
_SCRIPT_RANGES = {
    "LATIN": "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff\u2c60-\u2c7f"
             "\ua720-\ua7ff\uff21-\uff3a\uff41-\uff5a",
    "CYRILLIC": "\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f",
    "CJK": "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
           "\uff66-\uff9f\U00020000-\U0003134f",
    "HANGUL": "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af",
    "GREEK": "\u0370-\u03ff\u1f00-\u1fff", "HEBREW": "\u0590-\u05ff",
    "ARABIC": "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff",
    "THAI": "\u0e00-\u0e7f", "DEVANAGARI": "\u0900-\u097f", "BENGALI": "\u0980-\u09ff",
    "TAMIL": "\u0b80-\u0bff", "ARMENIAN": "\u0530-\u058f", "GEORGIAN": "\u10a0-\u10ff",
}
_RUNS = {script: re.compile(f"[{chars}]+") for script, chars in _SCRIPT_RANGES.items()}
_ANY_LETTERS = re.compile(r"[^\W\d_]+")
SAMPLE = 1000  # characters read to find a reply's main script
CJK_LETTERS = 3  # as in the sentiment package: a Chinese character says about three letters

Detector = Callable[[str], str]


def base_language(code: str) -> str:
    """"en-US" -> "en", "zh_Hant" -> "zh"."""
    return code.strip().replace("_", "-").split("-")[0].lower()


class LanguageSelector:
    """Picks the sections of one policy that apply to a reply."""

    def __init__(self, languages: Iterable[str], detector: Detector | None = None) -> None:
        self._by_script: dict[str, list[str]] = {}
        languages = list(languages)
        self._everywhere = (ALL,) if ALL in languages else ()
        for language in languages:
            if language != ALL:
                self._by_script.setdefault(SCRIPT_OF_LANGUAGE[language], []).append(language)
        self._detector = detector

    def select(self, text: str, language: str | None) -> tuple[str, tuple[str, ...]]:
        """The reply's language and the sections to check ("*" first)."""
        present = {script for script in self._by_script if _RUNS[script].search(text)}
        reply = base_language(language) if language else self._detect(text, present)
        reply_script = SCRIPT_OF_LANGUAGE.get(reply)
        chosen = [*self._everywhere]
        for script, languages in self._by_script.items():
            if script not in present:
                continue
            if script == reply_script and reply in languages:
                chosen.append(reply)
            else:
                chosen.extend(languages)
        return reply, tuple(chosen)

    def _detect(self, text: str, present: set[str]) -> str:
        """The policy language of the main script, asking the detector only when the
        policy has several in it; "und" when the main script is none of the policy's.
        The first ``SAMPLE`` characters say which script is the main one."""
        sample = text[:SAMPLE]
        letters = {script: _letters(script, sample) for script in present}
        weights = {script: count * (CJK_LETTERS if script == "CJK" else 1)
                   for script, count in letters.items() if count}
        if not weights:
            return UNDETERMINED
        main = max(weights, key=weights.__getitem__)
        others = sum(map(len, _ANY_LETTERS.findall(sample))) - sum(letters.values())
        if others > weights[main]:  # mostly Arabic, Greek, ...: no section of ours
            return UNDETERMINED
        candidates = self._by_script[main]
        if len(candidates) == 1:
            return candidates[0]
        detected = (self._detector or shared_detector())(text)
        return base_language(detected) if detected else UNDETERMINED


def _letters(script: str, text: str) -> int:
    """How many letters of ``script`` the text has."""
    return sum(map(len, _RUNS[script].findall(text)))


@cache
def shared_detector() -> Detector:
    """The sentiment scorer's language identifier (Lingua with help for short English and
    for Russian), so a worker that also scores sentiment loads the models once."""
    from plugin.sentiment import default_scorer
    from plugin.sentiment.multilingual import MultilingualScorer

    scorer = default_scorer()
    if isinstance(scorer, MultilingualScorer):
        return scorer.identifier.detect
    return MultilingualScorer().identifier.detect
