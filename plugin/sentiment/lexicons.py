"""Turning the data files into an engine :class:`Lexicon`, the same way for every language.

A lexicon file line is ``term<TAB>value``: a number is a valence (-4..4; 0 drops a
word the base lexicon has, and makes a phrase mean nothing: "customer care" is a
department, not care), ``negator`` and ``contrast`` name those roles, and
``booster <step>`` a degree word (+ intensifies, - damps). A language passes its own
``normalise`` so a term in the file is keyed exactly as a word in a comment will be
(Russian terms become lemmas with the same analyser that reads the comments); a word
written ``=word`` is kept as written (slang "норм" must not become "норма").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from plugin.sentiment import emoji
from plugin.sentiment.data import read_table
from plugin.sentiment.engine import Lexicon


def build(file: str, normalise: Callable[[str], str], *,
          base_valences: Mapping[str, float] | None = None,
          base_negators: Iterable[str] = (),
          base_boosters: Mapping[str, float] | None = None,
          negator_suffixes: tuple[str, ...] = (), joiner: str = " ") -> Lexicon:
    """Read ``data/<file>`` over an optional base lexicon, then add the emoji."""
    valences = dict(base_valences or {})
    negators = set(base_negators)
    boosters = dict(base_boosters or {})
    contrasts: set[str] = set()
    for term, value, *_ in read_table(file):
        key = joiner.join(as_written(word) or normalise(word) for word in term.split())
        if value == "negator":
            negators.add(key)
        elif value == "contrast":
            contrasts.add(key)
        elif value.startswith("booster"):
            boosters[key] = float(value.split()[1])
        elif float(value) == 0 and " " not in term:
            valences.pop(key, None)
        else:
            valences[key] = float(value)
    valences.update(emoji.valences())
    return Lexicon(valences=valences, negators=frozenset(negators), boosters=boosters,
                   contrasts=frozenset(contrasts), negator_suffixes=negator_suffixes,
                   joiner=joiner)


def as_written(word: str) -> str:
    """The key of a term marked "=word": "=" and the word in lower case, a key no lemma can
    take; "" for any other term."""
    return word.lower() if word.startswith("=") and len(word) > 1 else ""


def words(file: str) -> frozenset[str]:
    """A word list file: words separated by tabs or lines."""
    return frozenset(word for row in read_table(file) for word in row if word)
