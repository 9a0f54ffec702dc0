"""The comments the sync benchmarks feed in: the project's labelled, real-looking ones.

Why these and not "hello 1, hello 2": the sync's cost depends on what people write. A
complaint opens or joins a Case (several SuiteCRM calls), praise and questions do not,
and the sentiment scorer's time depends on the language and length. The labelled sets
under ``tests/sentiment/eval`` (English, Russian and Chinese; negative, neutral and
positive in about equal parts; emoji included) are the closest thing to a Page's
comments the project has, so the benchmarks use all of them, in a fixed shuffled order,
and report which share of them were complaints.

Every run gets fresh ids (``Run``): external ids, people and posts are new, so a run
never meets an earlier run's records (a redelivery would cost other calls).
"""

from __future__ import annotations

import csv
import random
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from connectors.social import Network, SocialIdentity
from plugin.sync.complaints import case_trigger
from plugin.sync.items import SocialItem
from plugin.sync.steps import SyncSteps

EVAL = Path(__file__).resolve().parents[2] / "tests" / "sentiment" / "eval"
LANGUAGES = ("en", "ru", "zh")
SETS = ("", "more_", "heldout_")
PAGE_ID = "104200000000777"
POSTS = 12  # comments are spread over this many posts: complaints under one post share a Case
NAMES = ("Anna Lee", "Иван Петров", "王芳", "María José Núñez", "Olga Смирнова 🌸",
         "李伟", "Tom O'Brien", "Дарья Ким")


@dataclass(frozen=True, slots=True)
class Comment:
    """One labelled comment (label as a person read it, not as the scorer does)."""

    text: str
    label: str
    language: str


def labelled_comments(seed: int = 9) -> list[Comment]:
    """Every labelled comment in English, Russian and Chinese, in a fixed shuffled order."""
    comments: list[Comment] = []
    for language in LANGUAGES:
        for prefix in SETS:
            with (EVAL / f"{prefix}{language}.tsv").open(encoding="utf-8", newline="") as file:
                comments += [Comment(row["text"], row["label"], language) for row in
                             csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE)]
    random.Random(seed).shuffle(comments)
    return comments


@dataclass
class Run:
    """Fresh ids for one benchmark run: items, people and posts no earlier run used."""

    tag: str = field(default_factory=lambda: secrets.token_hex(4))
    _next: int = 0

    def person(self, number: int) -> SocialIdentity:
        return SocialIdentity(Network.FACEBOOK, f"9{self.tag}{number:05d}",
                              f"{NAMES[number % len(NAMES)]} {number}")

    def item(self, text: str, person: SocialIdentity) -> SocialItem:
        """A new Facebook comment by ``person`` on one of the run's posts, now."""
        self._next += 1
        post = f"{PAGE_ID}_{self.tag}{self._next % POSTS:03d}"
        now = datetime.now(UTC).replace(microsecond=0)
        return SocialItem(network=Network.FACEBOOK, external_id=f"{post}_{self._next:06d}",
                          kind="comment", verb="add", owner_id=PAGE_ID, occurred_at=now,
                          event_time=now, parent_id=post, thread_id=post, author=person,
                          body=text, permalink=f"https://www.facebook.com/{post}")


def is_complaint(steps: SyncSteps, text: str) -> bool:
    """Whether the site's rules open or join a Case for this comment (as the case step
    decides it, with the same scorer and policy)."""
    return case_trigger(text, "comment", steps.scorer.score(text),
                        steps.rules.cases.complaints) is not None
