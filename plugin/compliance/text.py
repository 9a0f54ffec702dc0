"""The reply as the rules read it, with a way back to the caller's offsets.

Two things would let a banned word slip through a word matcher although a reader sees it
plainly: decomposed letters (a Cyrillic "й" typed as "и" plus a combining breve, text
pasted from macOS) and invisible characters (a zero-width space or a soft hyphen inside
"id\u200biot"). So the rules read the NFC form of the text with the invisible characters
removed; every finding is mapped back to the caller's own string, which is never changed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from plugin.compliance.verdict import Span

# Zero-width space, non-joiner, joiner, word joiner, BOM, soft hyphen, Mongolian vowel
# separator: none shows, none changes what a reader understands.
INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e")
_INVISIBLE = re.compile(f"[{''.join(sorted(INVISIBLE))}]")
VARIATION_SELECTOR = "\ufe0f"  # emoji presentation; "☠️" and "☠" are one emoji


@dataclass(frozen=True, slots=True)
class ReadText:
    """The normalised text, and for each of its characters the original span it came from
    (None when the text needed no change: offsets are then the same)."""

    text: str
    original: str
    _origins: tuple[tuple[int, int], ...] | None = None

    def span(self, start: int, end: int) -> Span:
        """The caller's span for ``self.text[start:end]``."""
        if self._origins is None:
            return Span(start, end)
        return Span(self._origins[start][0], self._origins[end - 1][1])


def read_text(original: str) -> ReadText:
    """The text the rules read; cheap when it is already NFC with nothing invisible."""
    if unicodedata.is_normalized("NFC", original) and not _INVISIBLE.search(original):
        return ReadText(original, original)
    pieces: list[str] = []
    origins: list[tuple[int, int]] = []
    for start, end in _segments(original):
        visible = "".join(c for c in original[start:end] if c not in INVISIBLE)
        piece = unicodedata.normalize("NFC", visible)
        pieces.append(piece)
        origins.extend((start, end) for _ in piece)
    return ReadText("".join(pieces), original, tuple(origins))


def _segments(text: str) -> list[tuple[int, int]]:
    """Runs of one starter character and the combining marks after it: NFC composes
    within such a run, so normalising each alone keeps every character's origin."""
    bounds = [i for i, char in enumerate(text) if unicodedata.combining(char) == 0]
    if not bounds or bounds[0] != 0:
        bounds.insert(0, 0)
    return list(zip(bounds, [*bounds[1:], len(text)], strict=True))
