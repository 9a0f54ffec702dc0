"""Word lists per language (English, Russian, Chinese), matched as words, not substrings.

Why words: "free" must not match "freedom" nor "скидка" miss "скидку", and Chinese has no
spaces at all. Each language reads words the way the compliance policy reads them, with
the same shared analyzers (one pymorphy3 dictionary and one jieba dictionary per
process, loaded on first use):

* English: case folded; a term matches its regular inflections ("discount" matches
  "discounts", "discounted"; ``plugin.compliance.english.forms``);
* Russian: by lemma through pymorphy3 ("скидку", "скидки" match "скидка"; yo read as
  ye), every parse of a word considered;
* Chinese: a term matches where a word of jieba's segmentation begins ("免费" in
  "免费送", "优惠" in "优惠券"), never from the middle of one ("满意" is not found in
  "不满意").

A list applies to a text when the text holds letters of its script, unless the text is
known to be in another language of that script (German text is not read with the
English list: German "Gift" is poison).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from plugin.compliance import chinese, english, russian

LANGUAGES = ("en", "ru", "zh")
SCRIPT_OF = MappingProxyType({"en": "LATIN", "ru": "CYRILLIC", "zh": "CJK"})
# Other languages written in each script: a text known to be in one of them is not read
# with our list of that script.
_OTHERS_OF_SCRIPT = MappingProxyType({
    "LATIN": frozenset({"de", "fr", "es", "it", "pt", "nl", "pl", "tr", "sv", "da", "nb",
                        "no", "fi", "cs", "sk", "hu", "ro", "hr", "sl", "id", "ms", "vi"}),
    "CYRILLIC": frozenset({"uk", "be", "bg", "sr", "mk", "kk"}),
    "CJK": frozenset({"ja"}),
})
_SCRIPT_LETTERS = MappingProxyType({
    "LATIN": re.compile(r"[A-Za-z\u00c0-\u024f]"),
    "CYRILLIC": re.compile(r"[\u0400-\u04ff]"),
    "CJK": re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"),
})
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_RUSSIAN_WORD = re.compile(r"[^\W_]+")

Keys = frozenset[str]


@dataclass(frozen=True, slots=True)
class _Term:
    shown: str  # as the list writes it (what a match reports)
    words: tuple[Keys, ...]  # one set of acceptable token keys per word


class WordList:
    """Terms per language; :meth:`find` names the terms a text contains."""

    def __init__(self, terms: Mapping[str, Iterable[str]]) -> None:
        unknown = sorted(set(terms) - set(LANGUAGES))
        if unknown:
            raise ValueError(f"{unknown[0]}: no word list for this language "
                             f"(one of {', '.join(LANGUAGES)})")
        self.terms: Mapping[str, tuple[str, ...]] = MappingProxyType({
            language: tuple(dict.fromkeys(t.strip() for t in terms.get(language, ())
                                          if t.strip()))
            for language in LANGUAGES})
        self._english = [_Term(t, tuple(english.forms(english.fold(w))
                                        for w in _WORD.findall(t)))
                         for t in self.terms["en"]]
        self._russian = [_Term(t, tuple(frozenset((russian.likeliest_lemma(russian.fold(w)),))
                                        for w in _RUSSIAN_WORD.findall(t)))
                         for t in self.terms["ru"]]
        self._chinese = [(t, t.casefold()) for t in self.terms["zh"]]

    def find(self, text: str, language: str | None = None) -> tuple[str, ...]:
        """The terms found in ``text`` (each once, in list order). ``language``: the
        text's language when known (ISO 639-1, "und" or empty when not)."""
        if not text:
            return ()
        found: list[str] = []
        if self._english and _applies("en", text, language):
            found += _phrases(self._english, [frozenset((english.fold(w),))
                                              for w in _WORD.findall(text)])
        if self._russian and _applies("ru", text, language):
            found += _phrases(self._russian, [russian.lemmas(russian.fold(w))
                                              for w in _RUSSIAN_WORD.findall(text)])
        if self._chinese and _applies("zh", text, language):
            found += _chinese_words(self._chinese, text)
        return tuple(dict.fromkeys(found))


def _applies(language: str, text: str, text_language: str | None) -> bool:
    script = SCRIPT_OF[language]
    if not _SCRIPT_LETTERS[script].search(text):
        return False
    base = (text_language or "").strip().replace("_", "-").split("-")[0].lower()
    return base not in _OTHERS_OF_SCRIPT[script]


def _phrases(terms: list[_Term], tokens: list[Keys]) -> list[str]:
    """Terms whose words meet consecutive tokens, one acceptable key each."""
    found = []
    for term in terms:
        size = len(term.words)
        if size and any(all(not term.words[k].isdisjoint(tokens[i + k]) for k in range(size))
                        for i in range(len(tokens) - size + 1)):
            found.append(term.shown)
    return found


def _chinese_words(terms: list[tuple[str, str]], text: str) -> list[str]:
    folded = text.casefold()
    if len(folded) != len(text):  # "ß" -> "ss": keep the text's own offsets
        folded = text
    candidates = [(shown, needle) for shown, needle in terms if needle in folded]
    if not candidates:
        return []
    starts, at = set(), 0
    for word in chinese.words_of(text):
        starts.add(at)
        at += len(word)
    found = []
    for shown, needle in candidates:
        position = folded.find(needle)
        while position >= 0 and position not in starts:
            position = folded.find(needle, position + 1)
        if position >= 0:
            found.append(shown)
    return found
