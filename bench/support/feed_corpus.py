"""Realistic feed items and SuiteCRM activity for the mobile benchmarks, from a fixed seed.

Why not "item 1, item 2": a feed item's size, hence a page's bytes, its compression and
Redis' memory per item, depends on what people write and on what an item carries. The
texts here are the project's labelled comments (English, Russian and Chinese, emoji
included: ``bench.support.corpus``), cut by the feed's own rules; every item carries what
the feed stores for its kind (a social interaction its network, sentiment, author and
permalink; an activity its status, who changed it, and the records it hangs off), and
record ids are UUIDs as SuiteCRM makes them. The same seed gives the same items.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bench.support.corpus import NAMES, Comment, labelled_comments
from workers.feed_items import FeedItem, Kind, reference, version_of

# Kinds in about the mix a rep's feed shows: social first, then the day's activities.
MIX: tuple[tuple[Kind, str], ...] = (
    ("interaction", "SCRM_SocialInteractions"), ("interaction", "SCRM_SocialInteractions"),
    ("case", "Cases"), ("call", "Calls"), ("meeting", "Meetings"), ("task", "Tasks"),
    ("note", "Notes"), ("opportunity", "Opportunities"), ("lead", "Leads"))
STATUSES = {"case": "Open_New", "call": "Held", "meeting": "Planned", "task": "In Progress",
            "opportunity": "Proposal/Price Quote", "lead": "New", "interaction": "new"}
SENTIMENTS = {"negative": "negative", "neutral": "neutral", "positive": "positive"}
SUBJECTS = ("Follow-up on the renewal", "Звонок по продлению договора", "续约跟进电话",
            "Pricing for 50 seats", "Demo for the purchasing team", "Отправить КП до пятницы",
            "客户投诉：包裹还没到", "Quarterly review")
REPS = ("Sally Bronsen", "Max Jensen", "Will Westin", "Chris Olliver", "Sarah Smith")
PAGE_POST = "https://www.facebook.com/104200000000777/posts/{post}?comment_id={comment}"


@dataclass
class ItemMaker:
    """Deterministic items: ``item(at)`` a new record's item at ``at``."""

    seed: int = 11
    accounts: int = 40  # the records items hang off, shared by many items
    rng: random.Random = field(init=False)
    comments: list[Comment] = field(init=False)
    parents: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.comments = labelled_comments(self.seed)
        self.parents = [reference("Accounts", self.record_id()) for _ in range(self.accounts)]

    def record_id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def comment(self) -> Comment:
        return self.rng.choice(self.comments)

    def item(self, at: datetime) -> FeedItem:
        kind, module = self.rng.choice(MIX)
        account = self.rng.choice(self.parents)
        contact = reference("Contacts", self.record_id())
        common: dict[str, Any] = {
            "kind": kind, "module": module, "record_id": self.record_id(),
            "version": version_of(at), "occurred_at": at, "status": STATUSES.get(kind)}
        words = self.comment()
        if kind == "interaction":
            return FeedItem(**common, title=words.text, summary=words.text,
                            actor=self.rng.choice(NAMES), network="facebook",
                            sentiment=SENTIMENTS.get(words.label),
                            permalink=PAGE_POST.format(post=self.rng.randrange(10**15),
                                                       comment=self.rng.randrange(10**15)),
                            related=(contact, account))
        return FeedItem(**common, title=self.rng.choice(SUBJECTS), summary=words.text,
                        actor=self.rng.choice(REPS),
                        related=(account,) if self.rng.random() < 0.5 else (account, contact))

    def items_before(self, newest: datetime, count: int) -> list[FeedItem]:
        """``count`` items, one every few minutes, all older than ``newest``."""
        return [self.item(newest - timedelta(minutes=7 * (n + 1))) for n in range(count)]
