"""The rule engine the built-in languages share: VADER's rules over a token stream.

Hutto & Gilbert's VADER (ICWSM 2014) measured how people read short social-media text:
a negation within three words flips and damps a sentiment word (x -0.74), a degree
adverb moves it by about 0.293, a word in capitals among lower-case ones by 0.733, each
"!" (up to four) adds 0.292, and after a contrastive "but" the second part counts 1.5
times and the first half as much. Those constants hold across languages well enough for
customer comments, so English, Russian and Chinese differ here only in how text becomes
tokens and in their lexicons; the rules are written once. Two refinements over VADER
itself: a negation stops at a clause break or another sentiment word ("not bad, great"
stays positive), a contrast reaches only its own sentence (and the one before when it
opens a sentence), and a lexicon may hold phrases ("still waiting", "не работать").
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

NEGATION_SCALE = -0.74
CAPS_BOOST = 0.733
EXCLAMATION_BOOST = 0.292
MAX_EXCLAMATIONS = 4
QUESTION_BOOST = 0.18  # for "??" and "???"; more counts as 0.96, as in VADER
CONTRAST_BEFORE, CONTRAST_AFTER = 0.5, 1.5
WINDOW = 3  # how many tokens back a negation or a booster reaches
DISTANCE_DAMPING = (1.0, 0.95, 0.9)  # a booster two or three tokens back counts less
ALPHA = 15.0  # normalisation: total / sqrt(total^2 + ALPHA) maps onto -1..1

CLAUSE_BREAKS = frozenset({",", ";", ":", "、", "，", "；", "："})
SENTENCE_ENDS = frozenset({".", "!", "?", "…", "。", "！", "？"})
BREAKS = CLAUSE_BREAKS | SENTENCE_ENDS


@dataclass(frozen=True, slots=True)
class Token:
    """One unit of text: a word (its lexicon key), an emoji, or a punctuation mark."""

    key: str
    shouted: bool = False  # written in capitals (only counts when the text is not all caps)


@dataclass(frozen=True, slots=True)
class Lexicon:
    """What the engine needs to know about one language."""

    valences: Mapping[str, float]  # word or phrase (keys joined by one space) -> -4..4
    negators: frozenset[str] = frozenset()
    boosters: Mapping[str, float] = field(default_factory=dict)  # + intensifies, - damps
    contrasts: frozenset[str] = frozenset()  # "but": what follows outweighs what precedes
    negator_suffixes: tuple[str, ...] = ()  # English "n't"
    joiner: str = " "  # between the words of a phrase; Chinese writes none

    @property
    def longest_phrase(self) -> int:
        keys = (*self.valences, *self.boosters, *self.negators)
        if not self.joiner:  # a phrase of n characters is at most n tokens
            return max((len(key) for key in keys), default=1)
        return max((key.count(self.joiner) + 1 for key in keys), default=1)

    def is_negator(self, key: str) -> bool:
        return key in self.negators or any(key.endswith(end) for end in self.negator_suffixes)


@dataclass(frozen=True, slots=True)
class Reading:
    """The engine's raw result: the summed valence and how much of it each way."""

    total: float
    positive: float
    negative: float  # a magnitude, >= 0
    hits: int  # sentiment-bearing tokens found

    @property
    def score(self) -> float:
        return self.total / math.sqrt(self.total * self.total + ALPHA)


def merge_phrases(tokens: Sequence[Token], lexicon: Lexicon, longest: int) -> list[Token]:
    """Join runs of tokens that the lexicon knows as one phrase, longest first."""
    merged: list[Token] = []
    i = 0
    while i < len(tokens):
        for size in range(min(longest, len(tokens) - i), 1, -1):
            run = tokens[i:i + size]
            key = lexicon.joiner.join(t.key for t in run)
            if key in lexicon.valences or key in lexicon.boosters or key in lexicon.negators:
                merged.append(Token(key, shouted=all(t.shouted for t in run)))
                i += size
                break
        else:
            merged.append(tokens[i])
            i += 1
    return merged


def read(tokens: Sequence[Token], lexicon: Lexicon, *, longest: int | None = None) -> Reading:
    """Apply the rules to a token stream and sum what they give."""
    words = merge_phrases(tokens, lexicon, longest or lexicon.longest_phrase)
    shouting_counts = not all(t.shouted for t in words if t.key not in BREAKS)
    valences: list[tuple[int, float]] = []
    for i, token in enumerate(words):
        valence = _valence_at(words, i, lexicon, shouting_counts and token.shouted)
        if valence:
            valences.append((i, valence))
    valences = _weigh_contrast(words, valences, lexicon)
    total = sum(v for _, v in valences)
    total += math.copysign(_punctuation_emphasis(words), total) if total else 0.0
    return Reading(total=total, positive=sum(v for _, v in valences if v > 0),
                   negative=-sum(v for _, v in valences if v < 0), hits=len(valences))


def _valence_at(words: Sequence[Token], i: int, lexicon: Lexicon, shouted: bool) -> float:
    key = words[i].key
    valence = lexicon.valences.get(key, 0.0)
    if not valence or (_modifier(key, lexicon) and _modifies_what_follows(words, i, lexicon)):
        return 0.0
    if shouted:
        valence += math.copysign(CAPS_BOOST, valence)
    negated = False
    for distance in range(1, WINDOW + 1):
        if i - distance < 0:
            break
        before = words[i - distance].key
        if before in BREAKS or (lexicon.valences.get(before) and not _modifier(before, lexicon)):
            break
        if before in lexicon.boosters:
            step = lexicon.boosters[before] * DISTANCE_DAMPING[distance - 1]
            valence += step if valence > 0 else -step  # away from zero, or towards it
        elif lexicon.is_negator(before):
            negated = not negated
    return valence * NEGATION_SCALE if negated else valence


def _modifier(key: str, lexicon: Lexicon) -> bool:
    return key in lexicon.boosters or lexicon.is_negator(key)


def _modifies_what_follows(words: Sequence[Token], i: int, lexicon: Lexicon) -> bool:
    """A modifier that is a sentiment word too ("no", "нет", 好) counts as one only alone.

    "no" in "no problem" negates "problem"; in "no one replies" it is the complaint.
    """
    for after in words[i + 1:i + 1 + WINDOW]:
        if after.key in BREAKS:
            return False
        if lexicon.valences.get(after.key) and not _modifier(after.key, lexicon):
            return True
    return False


def _weigh_contrast(words: Sequence[Token], valences: list[tuple[int, float]],
                    lexicon: Lexicon) -> list[tuple[int, float]]:
    """Around the first contrast marker, what follows counts 1.5 times, what precedes half.

    Only within reach: from the start of the marker's sentence (or of the sentence
    before, when the marker opens its own: "Nice design. But it broke.") to its end.
    """
    pivot = next((i for i, t in enumerate(words) if t.key in lexicon.contrasts), None)
    if pivot is None:
        return valences
    ends = [i for i, t in enumerate(words) if t.key in SENTENCE_ENDS]
    opens_sentence = all(t.key in SENTENCE_ENDS for t in words[max(pivot - 1, 0):pivot])
    before = [i for i in ends if i < pivot - (1 if opens_sentence else 0)]
    start = before[-1] + 1 if before else 0
    end = next((i for i in ends if i > pivot), len(words))
    weighed = []
    for i, valence in valences:
        if start <= i < pivot:
            valence *= CONTRAST_BEFORE
        elif pivot < i < end:
            valence *= CONTRAST_AFTER
        weighed.append((i, valence))
    return weighed


def _punctuation_emphasis(words: Sequence[Token]) -> float:
    exclamations = sum(1 for t in words if t.key in {"!", "！"})
    questions = sum(1 for t in words if t.key in {"?", "？"})
    emphasis = min(exclamations, MAX_EXCLAMATIONS) * EXCLAMATION_BOOST
    if questions > 3:
        emphasis += 0.96
    elif questions > 1:
        emphasis += questions * QUESTION_BOOST
    return emphasis
