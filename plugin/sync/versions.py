"""Which version of an item a Social Interaction holds, so an older one never overwrites it.

Networks deliver at least once and in any order: an edit can arrive before its create, a
delete before both, an old edit after a newer one. Each event carries ``event_time`` (see
``items``); the record remembers the newest one it applied, separately for

* its **content** (body, author, link): replaced only by a newer version of the text;
* its **visibility** (visible, hidden, deleted): changed only by a newer hide, unhide,
  delete, or an add (a deleted item that is edited or added later exists again).

On equal times the verb decides: an edit beats an add (an item is created before it is
edited), a delete beats everything. A ``Stamp`` is that pair.

Where the stamps live: inside the record's ``raw_payload`` JSON, beside the latest event
as received, under the key ``socialcrm``. Not in a field of their own, because

* they need full precision: SuiteCRM's V8 API answers datetimes cut to the minute, and two
  edits a few seconds apart must still be ordered;
* they must change in the *same* write as the values they describe (one PATCH, no window
  where the body is new but its stamp old), and the sync never writes a field without
  reason, so a separate field would cost nothing but could drift;
* the package's schema stays as it is (``raw_payload`` exists for audit already).

The JSON is written ASCII-only with ``<``, ``>`` and ``&`` escaped (``\\u003c``...): SuiteCRM's
input filter would otherwise treat text inside it as HTML, and its emoji guard would escape
4-byte characters; escaped, the payload comes back byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from plugin.sync.items import SocialItem, Verb

Visibility = Literal["visible", "hidden", "deleted"]
KEY = "socialcrm"
FORMAT = 1
MAX_SOURCE_CHARS = 200_000  # a bigger raw payload is left out (the item itself is kept)
# Equal times: an item is created, then edited or (un)hidden, then deleted.
RANK: Mapping[Verb, int] = {"add": 0, "edit": 1, "hide": 1, "unhide": 1, "remove": 2}
# What each verb says about visibility; an edit says only that the item exists.
CLAIMS: Mapping[Verb, Visibility | None] = {
    "add": "visible", "unhide": "visible", "hide": "hidden", "remove": "deleted",
    "edit": None,
}


@dataclass(frozen=True, slots=True, order=True)
class Stamp:
    """An event's place in one item's history: its time, then its verb's rank."""

    at: datetime
    rank: int

    @classmethod
    def of(cls, item: SocialItem) -> Stamp:
        return cls(item.event_time, RANK[item.verb])

    def beats(self, other: Stamp | None) -> bool:
        return other is None or self > other

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "rank": self.rank}

    @classmethod
    def from_json(cls, data: Any) -> Stamp | None:
        if not isinstance(data, Mapping):
            return None
        try:
            at = datetime.fromisoformat(str(data["at"]))
            return cls(at, int(data["rank"])) if at.utcoffset() is not None else None
        except (KeyError, TypeError, ValueError):
            return None


@dataclass(frozen=True, slots=True)
class SyncState:
    """What the sync knows about the version a record holds (kept in ``raw_payload``)."""

    content: Stamp | None = None  # the text's version; None: no text applied yet
    visibility: Visibility = "visible"
    seen: Stamp | None = None  # the visibility's version
    status_before: str | None = None  # the status to restore when shown again
    knows_creation: bool = False  # occurred_at is the real creation time (not a stand-in)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT, "visibility": self.visibility,
            "content": self.content.to_json() if self.content else None,
            "seen": self.seen.to_json() if self.seen else None,
            "status_before": self.status_before, "knows_creation": self.knows_creation,
        }

    @classmethod
    def from_json(cls, data: Any) -> SyncState:
        if not isinstance(data, Mapping):
            return cls()
        visibility = data.get("visibility")
        return cls(
            content=Stamp.from_json(data.get("content")),
            visibility=visibility if visibility in ("hidden", "deleted") else "visible",
            seen=Stamp.from_json(data.get("seen")),
            status_before=data.get("status_before") or None,
            knows_creation=bool(data.get("knows_creation")),
        )

    def with_content(self, stamp: Stamp) -> SyncState:
        return replace(self, content=stamp)


def encode_payload(state: SyncState, source: Mapping[str, Any]) -> str:
    """``raw_payload``: the sync state and the event as received, as filter-proof JSON."""
    document: dict[str, Any] = {KEY: state.to_json(), "source": source}
    text = _dumps(document)
    if len(text) > MAX_SOURCE_CHARS:
        document["source"] = {"omitted": f"{len(text)} characters"}
        text = _dumps(document)
    return text


def decode_payload(text: Any) -> tuple[SyncState, Any]:
    """The state and source kept in a record's ``raw_payload``; a record the sync never
    wrote (or a payload someone edited into something else) has the blank state."""
    if not isinstance(text, str) or not text:
        return SyncState(), None
    try:
        document = json.loads(text)
    except ValueError:
        return SyncState(), None
    if not isinstance(document, Mapping):
        return SyncState(), None
    return SyncState.from_json(document.get(KEY)), document.get("source")


def _dumps(document: Mapping[str, Any]) -> str:
    text = json.dumps(document, ensure_ascii=True, sort_keys=True, separators=(",", ":"),
                      default=str)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
