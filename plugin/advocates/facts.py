"""What the advocate score reads of one Social Interaction, typed and checked once.

SuiteCRM answers every value as text ("0.8000", "" for empty); the scoring works on
``Interaction`` values instead, so it never parses and can be tested without SuiteCRM.
``reach_of`` digs the reach the networks report out of the raw payload the sync keeps
(``plugin.sync.versions``): likes of a comment, reactions and shares of a post. Where a
network does not say (webhook events, messages), reach is unknown (``None``), not 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from connectors.suitecrm import Record
from plugin.sync.versions import decode_payload

Polarity = Literal["positive", "negative", "other"]
INTERACTIONS = "SCRM_SocialInteractions"
PROFILES = "SCRM_SocialProfiles"
# Interactions that are someone speaking (a lead form or a reaction count is not talk).
TALK_KINDS = frozenset({"post", "comment", "reply", "message"})
GONE_STATUSES = frozenset({"hidden", "deleted"})
# Where each network puts a count in the payloads the connectors keep: Facebook comments
# ("like_count"), Facebook posts read with summaries ("reactions"/"likes" edges, "shares"),
# LinkedIn comments ("likesSummary") and social metadata ("reactionSummaries").
REACTION_PATHS: tuple[tuple[str, ...], ...] = (
    ("like_count",), ("reactions", "summary", "total_count"),
    ("reactions_total", "summary", "total_count"), ("likes", "summary", "total_count"),
    ("likesSummary", "totalLikes"), ("reactions_count",),
)
SHARE_PATHS: tuple[tuple[str, ...], ...] = (
    ("shares", "count"), ("share_count",), ("shareStatistics", "shareCount"),
    ("reshares", "count"),
)


@dataclass(frozen=True, slots=True)
class Interaction:
    """One inbound interaction of a profile, as the score sees it."""

    record_id: str
    occurred_at: datetime
    polarity: Polarity
    strength: float  # |sentiment score| from 0 to 1
    text: str = ""
    language: str = ""
    reactions: int | None = None
    shares: int | None = None


def interaction_of(record: Record) -> Interaction | None:
    """The scored view of a record; ``None`` for what is not a customer speaking (outbound,
    hidden or deleted, lead forms) or has no time."""
    occurred = record.datetime("occurred_at")
    if occurred is None or str(record.get("direction") or "inbound") != "inbound":
        return None
    if str(record.get("status") or "") in GONE_STATUSES:
        return None
    if str(record.get("kind") or "comment") not in TALK_KINDS:
        return None
    label = str(record.get("sentiment_label") or "")
    score = _number(record.get("sentiment_score"))
    polarity: Polarity = ("positive" if label == "positive" else
                          "negative" if label == "negative" else "other")
    strength = min(1.0, abs(score)) if score is not None else 0.5
    _, source = decode_payload(record.get("raw_payload"))
    reactions, shares = reach_of(source)
    return Interaction(record_id=record.id, occurred_at=occurred, polarity=polarity,
                       strength=strength, text=str(record.get("body") or ""),
                       language=str(record.get("language") or ""), reactions=reactions,
                       shares=shares)


def reach_of(source: Any) -> tuple[int | None, int | None]:
    """(reactions, shares) a network reported in a raw payload; ``None`` when it says
    nothing. LinkedIn's ``reactionSummaries`` are added up over their types."""
    if not isinstance(source, Mapping):
        return None, None
    reactions = _first_count(source, REACTION_PATHS)
    if reactions is None and isinstance(source.get("reactionSummaries"), Mapping):
        counts = [_count(entry.get("count")) for entry in source["reactionSummaries"].values()
                  if isinstance(entry, Mapping)]
        known = [c for c in counts if c is not None]
        reactions = sum(known) if known else None
    return reactions, _first_count(source, SHARE_PATHS)


def _first_count(source: Mapping[str, Any], paths: Sequence[tuple[str, ...]]) -> int | None:
    for path in paths:
        value: Any = source
        for key in path:
            value = value.get(key) if isinstance(value, Mapping) else None
        count = _count(value)
        if count is not None:
            return count
    return None


def _count(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if number >= 0 else None


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(str(value))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def count_of(value: Any) -> int | None:
    """A SuiteCRM int field's text as an int (``None`` when empty or not a count)."""
    return _count(value.strip() if isinstance(value, str) else value)


def flag_of(value: Any) -> bool:
    """A SuiteCRM bool field's text ("1", "0", "") as a bool."""
    return str(value or "").strip().lower() in {"1", "true", "on", "yes"}
