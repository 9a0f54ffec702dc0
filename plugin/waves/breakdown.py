"""What a span of negatives was about: per post (thread) counts, languages, reach.

Kept per minute (so the window that crossed the threshold can be described) and per open
wave (so the all-clear sums up the whole wave). Why the exact rules below matter: the
in-memory detector and the Redis state build these apart, and must describe a wave
identically. So a post's sample is the first negative text seen for it (earliest minute
first, then arrival order within a minute), and ties are ordered by name: posts by count
then thread id, languages by count then code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from plugin.waves.records import PostCount, Tally, WaveEvent, language_of, sample_of

# Field prefixes when a breakdown is stored as one flat hash (workers.wave_state).
POSTS, LANGUAGES, SAMPLES, REACH = "p:", "l:", "x:", "reach"


@dataclass(slots=True)
class Breakdown:
    posts: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    samples: dict[str, str] = field(default_factory=dict)
    reach: int = 0

    def add(self, event: WaveEvent) -> None:
        self.posts[event.thread_id] += 1
        self.languages[language_of(event)] += 1
        self.samples.setdefault(event.thread_id, sample_of(event.text))
        self.reach += event.reach or 0

    def merge(self, later: Breakdown) -> None:
        """Add a breakdown of a later span (earlier samples win)."""
        self.posts.update(later.posts)
        self.languages.update(later.languages)
        for thread, sample in later.samples.items():
            self.samples.setdefault(thread, sample)
        self.reach += later.reach

    def tally(self, top: int) -> Tally:
        posts = sorted(self.posts.items(), key=lambda item: (-item[1], item[0]))[:top]
        return Tally(
            top_posts=tuple(PostCount(t, n, self.samples.get(t, "")) for t, n in posts),
            languages=tuple(sorted(self.languages.items(), key=lambda i: (-i[1], i[0]))),
            reach=self.reach)

    @classmethod
    def of(cls, spans: Iterable[Breakdown]) -> Breakdown:
        """One breakdown of consecutive spans, oldest first."""
        whole = cls()
        for span in spans:
            whole.merge(span)
        return whole

    @classmethod
    def from_fields(cls, fields: Mapping[str, str]) -> Breakdown:
        """Read back a breakdown stored as a flat hash (see the prefixes above)."""
        found = cls()
        for name, value in fields.items():
            if name.startswith(POSTS):
                found.posts[name[len(POSTS):]] = int(value)
            elif name.startswith(LANGUAGES):
                found.languages[name[len(LANGUAGES):]] = int(value)
            elif name.startswith(SAMPLES):
                found.samples[name[len(SAMPLES):]] = value
            elif name == REACH:
                found.reach = int(value)
        return found
