"""Emoji: finding them in text and what each one says, the same in every language.

A comment like "😡😡" or "спасибо 🙏" often carries its sentiment in the emoji alone, and
an emoji means the same whatever language surrounds it, so every language's lexicon
gets the one table in ``data/emoji.tsv``. Skin tones, gender signs and the emoji
presentation selector do not change what a face or a hand says: an emoji is looked up
by its first code point ("👍🏽" is "👍", "🤦‍♀️" is "🤦").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from plugin.sentiment.data import read_table

# Pictographic blocks (U+1F000-1FAFF), misc symbols and dingbats (U+2600-27BF, which hold
# ❤ ☺ ✨ ✅ ❌), arrows and misc technical (⌛ ⏰), and the few emoji elsewhere (⭐ ⭕ ©).
_PICTOGRAPH = "\U0001F000-\U0001FAFF\u2600-\u27BF\u2300-\u23FF\u2B00-\u2BFF\u3030\u303D\u3297\u3299"
_MODIFIERS = "\U0001F3FB-\U0001F3FF\uFE0E\uFE0F\u20E3\u200D\u2640\u2642\u2695\u2696\u2708"
# One emoji: a pictograph, then any modifiers and zero-width-joined parts.
EMOJI = re.compile(f"[{_PICTOGRAPH}](?:[{_MODIFIERS}]|\u200D[{_PICTOGRAPH}])*")


@cache
def valences() -> dict[str, float]:
    """Emoji (first code point) -> valence on VADER's -4..4 scale."""
    return {emoji: float(value) for emoji, value, *_ in read_table("emoji.tsv")}


def base(emoji: str) -> str:
    """The code point an emoji is looked up by."""
    return emoji[0]


def split(text: str) -> Iterator[tuple[bool, str]]:
    """Yield (is_emoji, piece) in order: each emoji alone, the text between as it is."""
    position = 0
    for match in EMOJI.finditer(text):
        if match.start() > position:
            yield False, text[position:match.start()]
        yield True, base(match.group())
        position = match.end()
    if position < len(text):
        yield False, text[position:]


def strip(text: str) -> str:
    """The text without its emoji (for language detection, which they would only confuse)."""
    return EMOJI.sub(" ", text)
