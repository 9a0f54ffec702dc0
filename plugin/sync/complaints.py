"""Is this interaction a reason to open (or join) a Case, and which rule says so?

Three rules, checked in this order so that the reason on record is the most telling one:

1. ``score``: the sentiment scorer supports the text's language and scored it under
   ``score_below``. An unsupported language never fires it: "unknown" is not "negative".
2. ``keyword``: a configured keyword of the text's language occurs. Why not only the
   score: a calm "please refund my order" scores neutral, and the scorer has no model for
   every language a customer writes in. Matching is morphology-free on purpose (no
   dictionaries to ship): every word of a keyword matches a word that *starts* with it,
   so stems catch the word forms (``слома`` finds ``сломали`` and ``сломанный``);
   keywords in scripts written without spaces (Chinese, Japanese, Thai) match anywhere
   in the text. Text and keywords are compared after NFKC, case folding and Cyrillic
   yo read as ye. With ``keywords_in_any_language`` (the default) the other languages' keywords are
   checked too, after the detected language's: language detection on a one-line comment
   is unreliable, and a keyword of another script rarely matches by accident.
3. ``message``: a private (Messenger) message always deserves an answer, so it opens or
   joins a Case whatever its tone (``messages_open_cases``).

Only inbound interactions of the configured ``kinds`` are considered.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Literal, Protocol

TriggerRule = Literal["score", "keyword", "message"]

DEFAULT_KEYWORDS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "en": ("refund", "broken", "scam", "fraud", "money back", "complain", "never arrived",
           "not working"),
    "ru": ("возврат", "слома", "полома", "поломк", "обман", "мошенн", "жалоб", "верн деньг",
           "не работает"),
    "zh": ("退款", "退货", "投诉", "投訴", "坏了", "壞了", "骗子", "騙子", "诈骗", "詐騙"),
})
# Unicode character name prefixes of scripts written without spaces between words.
_UNSPACED_SCRIPTS = ("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH", "HIRAGANA",
                     "KATAKANA", "THAI", "LAO", "KHMER", "MYANMAR")


class SentimentReading(Protocol):
    """What the rules read of a sentiment (``plugin.sentiment.Sentiment`` has it)."""

    @property
    def score(self) -> float | None: ...

    @property
    def language(self) -> str: ...

    @property
    def supported(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class ComplaintPolicy:
    """What makes an interaction a complaint, and which kinds may open a Case at all."""

    score_below: float = -0.4
    keywords: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: DEFAULT_KEYWORDS)
    keywords_in_any_language: bool = True
    messages_open_cases: bool = True
    kinds: frozenset[str] = frozenset({"post", "comment", "reply", "message"})


@dataclass(frozen=True, slots=True)
class CaseTrigger:
    """The rule that fired, and what exactly fired it (kept for the record)."""

    rule: TriggerRule
    detail: str


def case_trigger(body: str, kind: str, sentiment: SentimentReading | None,
                 policy: ComplaintPolicy, *, direction: str = "inbound") -> CaseTrigger | None:
    """The first rule that makes this interaction a Case, or None."""
    if direction != "inbound" or kind not in policy.kinds:
        return None
    score = sentiment.score if sentiment is not None and sentiment.supported else None
    if score is not None and score < policy.score_below:
        return CaseTrigger("score", f"sentiment {score:+.4f} under {policy.score_below:+.4f}")
    language = base_language(sentiment.language) if sentiment is not None else None
    found = find_keyword(body, policy, language)
    if found is not None:
        keyword_language, keyword, word = found
        return CaseTrigger("keyword", f"keyword {keyword!r} ({keyword_language}) in {word!r}")
    if kind == "message" and policy.messages_open_cases:
        return CaseTrigger("message", "a private message")
    return None


def base_language(tag: str | None) -> str | None:
    """``zh-Hans`` -> ``zh``, ``pt_BR`` -> ``pt``; empty or ``und`` -> None."""
    base = (tag or "").replace("_", "-").split("-")[0].lower()
    return base if base and base != "und" else None


def find_keyword(body: str, policy: ComplaintPolicy,
                 language: str | None) -> tuple[str, str, str] | None:
    """(keyword's language, keyword, the matched text) of the first keyword found."""
    text = normalise(body)
    for keyword_language in _languages(policy, language):
        for keyword in policy.keywords.get(keyword_language, ()):
            match = _pattern(normalise(keyword)).search(text)
            if match:
                return keyword_language, keyword, match.group(0)
    return None


def _languages(policy: ComplaintPolicy, language: str | None) -> Iterator[str]:
    if language is not None and language in policy.keywords:
        yield language
    if language is None or policy.keywords_in_any_language:
        yield from (other for other in policy.keywords if other != language)


def normalise(text: str) -> str:
    """Compatibility forms folded, case folded, Cyrillic yo read as ye, curly apostrophes
    straight: what both the text and the keywords are compared as."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return folded.replace("\u0451", "\u0435").replace("\u2019", "'")  # yo -> ye


def _unspaced(char: str) -> bool:
    return unicodedata.name(char, "").startswith(_UNSPACED_SCRIPTS)


@lru_cache(maxsize=1024)
def _pattern(keyword: str) -> re.Pattern[str]:
    """Substring for unspaced scripts; else each word at a word start, any ending."""
    if any(_unspaced(char) for char in keyword):
        return re.compile(re.escape(keyword))
    words = keyword.split()
    return re.compile(r"(?<!\w)" + r"\w*\s+".join(re.escape(w) for w in words) + r"\w*")
