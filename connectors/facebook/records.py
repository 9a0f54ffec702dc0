"""Results of Facebook reads that group the shared social records.

The single records (post, comment, message, lead) are ``connectors.social``'s; these
add what a sync needs around them: a post with *all* its comments and Graph's own count
to check against, deletions seen while reading, lead watermarks that neither miss nor
repeat a lead submitted in the same second, and token facts for alerting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from connectors.social import (
    LeadSubmission,
    SocialComment,
    SocialIdentity,
    SocialMessage,
    SocialPost,
)


@dataclass(frozen=True, slots=True)
class PostThread:
    """A post and every comment and reply on it (``filter=stream`` order)."""

    post: SocialPost
    comments: tuple[SocialComment, ...]
    # Graph's latest summary.total_count. A read that ended short of it (a stale cursor)
    # was repaired; a gap left is comments Graph counts but does not show this token.
    total_count: int | None = None
    deleted: bool = False  # the post vanished (100/33, Page confirmed readable) mid-read


@dataclass(frozen=True, slots=True)
class CommentsRead:
    """Comments of many objects read together; ``deleted`` lists vanished objects."""

    by_object: Mapping[str, tuple[SocialComment, ...]]
    deleted: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Conversation:
    """A Messenger conversation with all its messages (oldest first)."""

    external_id: str
    page_id: str
    participants: tuple[SocialIdentity, ...]
    updated_at: datetime | None
    unread_count: int
    messages: tuple[SocialMessage, ...]


@dataclass(frozen=True, slots=True)
class LeadQuestion:
    key: str
    label: str
    type: str = "CUSTOM"


@dataclass(frozen=True, slots=True)
class LeadForm:
    external_id: str
    page_id: str
    name: str
    status: str  # ACTIVE, ARCHIVED, DELETED, DRAFT: archived forms still have leads
    questions: tuple[LeadQuestion, ...] = ()
    leads_count: int | None = None

    def label(self, key: str) -> str:
        return next((q.label for q in self.questions if q.key == key), key)


@dataclass(frozen=True, slots=True)
class LeadWatermark:
    """Where the last lead read stopped: second of the newest lead and the ids seen in it.

    Graph filters leads by whole seconds. Asking ``> newest`` misses a lead submitted
    later in that same second; asking ``>= newest`` repeats the ones already read. The
    watermark asks ``>=`` and drops ``seen_ids``: no gap, no duplicate.
    """

    epoch: int = 0
    seen_ids: frozenset[str] = frozenset()

    def advance(self, leads: tuple[LeadSubmission, ...]) -> LeadWatermark:
        if not leads:
            return self
        newest = max(int(lead.submitted_at.timestamp()) for lead in leads)
        if newest < self.epoch:
            return self
        at_newest = {lead.external_id for lead in leads
                     if int(lead.submitted_at.timestamp()) == newest}
        if newest == self.epoch:
            at_newest |= self.seen_ids
        return LeadWatermark(epoch=newest, seen_ids=frozenset(at_newest))


@dataclass(frozen=True, slots=True)
class LeadRead:
    leads: tuple[LeadSubmission, ...]
    watermarks: Mapping[str, LeadWatermark]  # by form id
    deleted_forms: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class LongLivedToken:
    access_token: str = field(repr=False)
    token_type: str
    expires_in: int | None  # seconds; None for tokens that do not expire


@dataclass(frozen=True, slots=True)
class PageToken:
    page_id: str
    name: str
    access_token: str = field(repr=False)
    tasks: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """``debug_token``'s view of a token: alert *before* it dies or loses a scope."""

    is_valid: bool
    type: str
    app_id: str
    expires_at: datetime | None  # None: never expires
    scopes: frozenset[str]
    profile_id: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def missing(self, required: frozenset[str] | set[str]) -> frozenset[str]:
        return frozenset(required) - self.scopes
