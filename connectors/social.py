"""Typed records that flow from the Facebook and LinkedIn connectors onward.

Both networks are parsed into these shapes so the sync rules (``plugin``) and the
workers never see a network's raw JSON, except in ``raw`` for audit and for event kinds
we do not know yet (kept, never dropped). Times are timezone-aware UTC ``datetime``s:
Facebook nodes say ``2026-01-02T03:04:05+0000``, its webhooks epoch seconds, LinkedIn
epoch milliseconds; the parsers normalise all of them here once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class Network(StrEnum):
    FACEBOOK = "facebook"
    LINKEDIN = "linkedin"


def utc_from_epoch_seconds(value: float | int | str) -> datetime:
    return datetime.fromtimestamp(float(value), tz=UTC)


def utc_from_epoch_millis(value: float | int | str) -> datetime:
    return datetime.fromtimestamp(float(value) / 1000.0, tz=UTC)


def utc_from_graph_time(value: str) -> datetime:
    """Graph API node time (``2026-01-02T03:04:05+0000``) to aware UTC."""
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z").astimezone(UTC)


@dataclass(frozen=True, slots=True)
class SocialIdentity:
    """A person or organisation on a network, as far as the network tells us."""

    network: Network
    external_id: str
    name: str = ""
    handle: str | None = None
    profile_url: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class SocialPost:
    network: Network
    external_id: str
    owner_id: str  # Facebook Page id or LinkedIn organization URN
    author: SocialIdentity | None
    body: str
    created_at: datetime
    updated_at: datetime | None = None
    permalink: str | None = None
    is_hidden: bool = False
    is_published: bool = True
    comment_count: int | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class SocialComment:
    network: Network
    external_id: str
    post_id: str
    parent_id: str | None  # the comment this one answers; None for a top-level comment
    author: SocialIdentity | None
    body: str
    created_at: datetime
    permalink: str | None = None
    is_hidden: bool = False
    like_count: int | None = None
    reply_count: int | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class SocialMessage:
    network: Network
    external_id: str
    conversation_id: str
    sender: SocialIdentity
    recipient_id: str
    body: str
    created_at: datetime
    is_echo: bool = False  # sent by the Page itself, echoed back by the webhook
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class ReactionSummary:
    network: Network
    object_id: str
    total: int
    by_type: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LeadSubmission:
    """A lead form answer set, answers keyed by question *name* (never by bare id)."""

    network: Network
    external_id: str
    form_id: str
    submitted_at: datetime
    answers: Mapping[str, str]
    owner_id: str = ""  # Page id or organization URN
    form_name: str = ""
    consents: Mapping[str, bool] = field(default_factory=dict)
    is_test: bool = False
    ad_id: str | None = None
    submitter: SocialIdentity | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """One change announced by a webhook.

    ``kind`` is what changed (``comment``, ``post``, ``reaction``, ``message``, ``lead``,
    ``social_action``...) and ``verb`` how (``add``, ``edited``, ``remove``, ``hide``...).
    An event of a kind we do not parse keeps ``kind="unknown"`` and the whole ``raw``
    payload, so nothing announced is ever dropped.
    """

    network: Network
    kind: str
    verb: str
    object_id: str
    owner_id: str
    occurred_at: datetime
    post_id: str | None = None
    parent_id: str | None = None
    author: SocialIdentity | None = None
    body: str | None = None
    event_id: str | None = None  # the network's delivery id when it sends one
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
