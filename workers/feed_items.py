"""What one entry of a rep's activity feed is, and how a SuiteCRM record becomes one.

Why so small: the mobile API sends a page of these over a slow phone network in one
answer, so an item carries only what a list row shows (title, a one-line summary, when,
who, status) plus the reference that opens the record; empty fields are left out of the
JSON altogether.

Why the id is derived from (module, record id, version): the same change of a record
reaches the feed by several roads (the sync after its write, the CRM change stream, a
rebuild), in any order and maybe twice. All of them read the record as SuiteCRM holds it
and arrive at the same version, hence the same id, so the store replaces instead of
adding a second item. The version is the record's ``date_modified`` as a fixed-width UTC
stamp (``20261122T080200Z``), so versions of one record sort as text in change order.

Text is cut by grapheme cluster (what a reader sees as one character: 👍🏽, 🇨🇳, é
written as e + accent), never inside one, using the ``regex`` module's ``\\X``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, cast, get_args

import regex

from connectors.suitecrm import Record

Kind = Literal["interaction", "case", "lead", "call", "meeting", "task", "note",
               "opportunity", "contact", "alert", "kudos", "crm_change"]
KINDS: tuple[Kind, ...] = get_args(Kind)
TITLE_LIMIT = 80  # grapheme clusters, the ellipsis included
SUMMARY_LIMIT = 160
ELLIPSIS = "…"
VERSION_FORMAT = "%Y%m%dT%H%M%SZ"
_VERSION = re.compile(r"^\d{8}T\d{6}Z$")
_GRAPHEME = regex.compile(r"\X")
_SPACES = regex.compile(r"\s+")

KIND_OF_MODULE: Mapping[str, Kind] = {
    "SCRM_SocialInteractions": "interaction", "Cases": "case", "Leads": "lead",
    "Calls": "call", "Meetings": "meeting", "Tasks": "task", "Notes": "note",
    "Opportunities": "opportunity", "Contacts": "contact",
}

# What the feed reads of each module: the same list on every road (a record fetched for a
# change event, listed by a rebuild, or handed over by the sync), so all build equal items.
# Each name is a real SuiteCRM 7.14 field of that module (V8 refuses unknown ones).
_COMMON = ("name", "description", "assigned_user_id", "date_modified", "modified_by_name")
_PARENT = ("parent_type", "parent_id")
FEED_FIELDS: Mapping[str, tuple[str, ...]] = {
    "Calls": (*_COMMON, "status", *_PARENT),
    "Meetings": (*_COMMON, "status", *_PARENT),
    "Tasks": (*_COMMON, "status", *_PARENT),
    "Notes": (*_COMMON, *_PARENT, "contact_id"),
    "Cases": (*_COMMON, "status", "account_id"),
    "Opportunities": (*_COMMON, "sales_stage", "account_id"),
    "Leads": (*_COMMON, "status", "account_id"),
    "Contacts": (*_COMMON, "account_id"),
    "SCRM_SocialInteractions": (*_COMMON, "network", "kind", "body", "author_name",
                                "sentiment_label", "status", "occurred_at", "permalink",
                                "account_id", "contact_id"),
}
# The field that holds a module's status-like value (Opportunities have a sales stage).
_STATUS_FIELD = {"Opportunities": "sales_stage"}


def reference(module: str, record_id: str) -> str:
    """How an item names a record it is about (``Accounts:<id>``): the mobile API's
    ``record`` filter takes the same text."""
    return f"{module}:{record_id}"


def kind_of(module: str) -> Kind:
    """The item kind of a module; any module the feed has no kind for is a ``crm_change``."""
    return KIND_OF_MODULE.get(module, "crm_change")


def fields_for(module: str) -> tuple[str, ...] | None:
    """The fields to ask SuiteCRM for (``None``: every field, for modules not listed)."""
    return FEED_FIELDS.get(module)


def item_id(module: str, record_id: str, version: str) -> str:
    """24 hex digits naming one version of one record (see the module docstring)."""
    digest = hashlib.sha256(f"{module}\x1f{record_id}\x1f{version}".encode())
    return digest.hexdigest()[:24]


def version_of(moment: datetime) -> str:
    """The version stamp of a record modified at ``moment`` (aware)."""
    if moment.tzinfo is None:
        raise ValueError("a version needs an aware datetime")
    return moment.astimezone(UTC).strftime(VERSION_FORMAT)


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` grapheme clusters; a cut text ends with an ellipsis."""
    if limit < 2:
        raise ValueError("a limit leaves room for one character and the ellipsis")
    clusters = _GRAPHEME.findall(text)
    if len(clusters) <= limit:
        return text
    return "".join(clusters[:limit - 1]).rstrip() + ELLIPSIS


def one_line(text: str) -> str:
    """Runs of whitespace (line breaks of a comment body) as single spaces."""
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One feed entry. ``title`` and ``summary`` are cut to their limits on creation;
    ``occurred_at`` (what the feed sorts by) is kept in UTC to the second; ``ref`` is the record's
    SuiteCRM detail view relative to the site root; ``permalink`` is where a social
    interaction lives on its network. ``related`` names the records the item's record
    hangs off (its parent, account, contact) as :func:`reference` texts, so a record's
    page can show the activity about it."""

    kind: Kind
    module: str
    record_id: str
    version: str
    title: str
    occurred_at: datetime
    summary: str = ""
    actor: str | None = None
    network: str | None = None
    sentiment: str | None = None
    status: str | None = None
    permalink: str | None = None
    related: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown feed item kind {self.kind!r}")
        if not self.module or not self.record_id:
            raise ValueError("a feed item names its module and record")
        if not _VERSION.match(self.version):
            raise ValueError(f"version {self.version!r} is not a {VERSION_FORMAT} stamp")
        if self.occurred_at.tzinfo is None or self.occurred_at.utcoffset() is None:
            raise ValueError("occurred_at must be an aware datetime")
        object.__setattr__(self, "occurred_at",
                           self.occurred_at.astimezone(UTC).replace(microsecond=0))
        object.__setattr__(self, "title", shorten(self.title.strip(), TITLE_LIMIT))
        object.__setattr__(self, "summary", shorten(one_line(self.summary), SUMMARY_LIMIT))
        object.__setattr__(self, "related", tuple(self.related))

    @property
    def id(self) -> str:
        return item_id(self.module, self.record_id, self.version)

    @property
    def ref(self) -> str:
        return f"index.php?module={self.module}&action=DetailView&record={self.record_id}"

    @property
    def score(self) -> int:
        """Milliseconds since the epoch: the timeline's sort key."""
        return int(self.occurred_at.timestamp() * 1000)

    def to_dict(self) -> dict[str, Any]:
        """The compact form: empty optional fields left out."""
        data: dict[str, Any] = {
            "id": self.id, "kind": self.kind, "module": self.module,
            "record_id": self.record_id, "version": self.version, "title": self.title,
            "at": self.occurred_at.strftime("%Y-%m-%dT%H:%M:%SZ"), "ref": self.ref,
        }
        for name in ("summary", "actor", "network", "sentiment", "status", "permalink"):
            value = getattr(self, name)
            if value:
                data[name] = value
        if self.related:
            data["related"] = list(self.related)
        return data

    def to_json(self) -> str:
        """Compact UTF-8 JSON (Chinese and emoji as themselves, not ``\\u`` escapes)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> FeedItem:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("a feed item is a JSON object")
        item = cls(
            kind=cast(Kind, data["kind"]), module=data["module"], record_id=data["record_id"],
            version=data["version"], title=data["title"],
            occurred_at=datetime.fromisoformat(data["at"]), summary=data.get("summary", ""),
            actor=data.get("actor"), network=data.get("network"),
            sentiment=data.get("sentiment"), status=data.get("status"),
            permalink=data.get("permalink"), related=tuple(data.get("related") or ()))
        if data.get("id") != item.id:
            raise ValueError("feed item id does not match its module, record and version")
        return item


def item_from_record(record: Record) -> FeedItem:
    """The feed item of a record as SuiteCRM holds it (read with :func:`fields_for`).

    Raises ``ValueError`` when the record has no ``date_modified`` (a partial record:
    read it again with the feed's fields).
    """
    modified = record.datetime("date_modified")
    if modified is None:
        raise ValueError(f"{record.module} {record.id} has no date_modified")
    kind = kind_of(record.module)
    text = _text(record, "body") if kind == "interaction" else _text(record, "description")
    network = _text(record, "network") or None
    occurred = (record.datetime("occurred_at") if kind == "interaction" else None) or modified
    actor = _text(record, "author_name") if kind == "interaction" else ""
    return FeedItem(
        kind=kind, module=record.module, record_id=record.id, version=version_of(modified),
        title=_text(record, "name") or _fallback_title(record, network, text),
        occurred_at=occurred, summary=text,
        actor=actor or _text(record, "modified_by_name") or None, network=network,
        sentiment=_text(record, "sentiment_label") or None,
        status=_text(record, _STATUS_FIELD.get(record.module, "status")) or None,
        permalink=_text(record, "permalink") or None, related=_related(record))


def _text(record: Record, name: str) -> str:
    value = record.get(name)
    return value.strip() if isinstance(value, str) else ""


def _related(record: Record) -> tuple[str, ...]:
    """The records this one hangs off: its parent, its account, its contact."""
    found = [(_text(record, "parent_type"), _text(record, "parent_id")),
             ("Accounts", _text(record, "account_id")),
             ("Contacts", _text(record, "contact_id"))]
    refs = [reference(module, record_id) for module, record_id in found if module and record_id]
    return tuple(ref for ref in dict.fromkeys(refs) if ref != reference(record.module, record.id))


def _fallback_title(record: Record, network: str | None, text: str) -> str:
    """A title for a record without a name: the interaction's words, else what it is."""
    if text:
        return one_line(text)
    if network:
        return f"{network.capitalize()} {_text(record, 'kind') or 'interaction'}"
    return f"{record.module} {record.id}"
