"""Which posts an incremental poll must read again, from what the last poll left behind.

Neither network lists "comments added since T" across a whole Page or organization:
Graph's ``since`` on the feed filters posts by their creation, and LinkedIn has no time
filter on comments at all. A new comment on a year-old post must still be found. Both
networks do count a post's comments cheaply (Graph's ``summary.total_count`` in the feed
listing, LinkedIn's ``socialMetadata`` in batches of 50), so the poll keeps, per post, the
count it last saw and how many of its comments fell inside the overlap window
(``PostMemory``). A post is read again when:

* it is new to the poll, or its count changed (a comment was added or removed);
* it had comments inside the last overlap window (``recent``): one of them may have been
  edited, or Graph may still be showing comments of that window late;
* the network says the post itself changed since the read window opened.

A post read with a time window (Graph ``since``) must show at least ``recent`` plus the
growth of its count; fewer means a comment appeared with a creation time older than the
window (later than the overlap allows), and that post is read whole (``window_is_short``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from connectors.social import SocialComment


@dataclass(frozen=True, slots=True)
class PostMemory:
    """What the last committed poll knew of one post."""

    count: int | None  # the network's comment count (None: it gave none)
    recent: int  # comments created at or after the next read's window start

    def encode(self) -> str:
        return f"{'' if self.count is None else self.count}:{self.recent}"

    @classmethod
    def decode(cls, text: str) -> PostMemory | None:
        count, _, recent = text.partition(":")
        try:
            return cls(count=int(count) if count else None, recent=int(recent or 0))
        except ValueError:
            return None  # unreadable memory: the post is read again, which repairs it


def recall(stored: dict[str, str]) -> dict[str, PostMemory]:
    found = {}
    for post_id, text in stored.items():
        remembered = PostMemory.decode(text)
        if remembered is not None:
            found[post_id] = remembered
    return found


def must_read(old: PostMemory | None, count: int | None, *, touched: bool = False) -> bool:
    """Whether an incremental poll reads this post's comments (see the module docs)."""
    return (touched or old is None or count is None or old.count is None
            or old.count != count or old.recent > 0)


def window_is_short(old: PostMemory | None, count: int | None, in_window: int) -> bool:
    """True when the comments read inside the window cannot account for the count's growth."""
    if old is None or old.count is None or count is None:
        return False
    return in_window < old.recent + (count - old.count)


def recent_count(comments: Iterable[SocialComment], window_start: datetime) -> int:
    """Comments the next poll's window will meet again."""
    return sum(1 for comment in comments if comment.created_at >= window_start)


def in_order(comments: Iterable[SocialComment]) -> list[SocialComment]:
    """Oldest first, and a comment before its replies at the same instant."""
    return sorted(comments, key=lambda c: (c.created_at, c.parent_id is not None,
                                           c.external_id))
