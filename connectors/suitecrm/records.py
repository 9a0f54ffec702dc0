"""Typed results of the SuiteCRM client (what flows on to the sync rules and workers)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from connectors.errors import BadResponseError
from connectors.suitecrm.dates import parse_datetime
from connectors.suitecrm.text import decode_attributes

# SuiteCRM answers with object names; requests need module names. The usual ones, and
# the package's own; others fall back to the object name itself.
_MODULES = {
    "Account": "Accounts", "Contact": "Contacts", "Lead": "Leads", "Opportunity": "Opportunities",
    "Case": "Cases", "Call": "Calls", "Meeting": "Meetings", "Task": "Tasks", "Note": "Notes",
    "User": "Users", "EmailAddress": "EmailAddresses", "Email": "Emails",
    "Document": "Documents", "Campaign": "Campaigns", "SugarFeed": "SugarFeed",
    "SCRM_SocialInteraction": "SCRM_SocialInteractions",
    "SCRM_SocialProfile": "SCRM_SocialProfiles",
}


def module_of(object_name: str) -> str:
    """The module name behind an object name (``Call`` -> ``Calls``)."""
    return _MODULES.get(object_name, object_name)


@dataclass(frozen=True, slots=True)
class Record:
    """One SuiteCRM record. ``module`` is the module name (``Contacts``); ``type`` the
    object name SuiteCRM answers with (``Contact``). String attributes hold the text as
    written (``O'Brien``), not SuiteCRM's HTML-encoded answer (see ``text``)."""

    module: str
    type: str
    id: str
    attributes: Mapping[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.attributes[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.attributes.get(name, default)

    def datetime(self, name: str) -> datetime | None:
        """A datetime attribute as an aware UTC ``datetime`` (``None`` when empty)."""
        return parse_datetime(self.attributes.get(name) or None)

    @classmethod
    def from_json(cls, module: str, data: Any) -> Record:
        if not isinstance(data, Mapping) or "id" not in data or "type" not in data:
            raise BadResponseError("record without id or type", service="suitecrm")
        attributes = data.get("attributes") or {}
        if not isinstance(attributes, Mapping):
            raise BadResponseError("record attributes are not an object", service="suitecrm")
        return cls(module=module, type=str(data["type"]), id=str(data["id"]),
                   attributes=decode_attributes(attributes))


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a list. ``has_next`` follows the server's ``next`` link."""

    records: tuple[Record, ...]
    number: int
    size: int
    total_pages: int | None = None
    total_records: int | None = None
    has_next: bool = False

    def __iter__(self) -> Iterator[Record]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)


@dataclass(frozen=True, slots=True)
class FieldInfo:
    """A field as ``/meta/fields/{module}`` describes it."""

    name: str
    type: str
    db_type: str | None = None
    required: bool = False
    source: str | None = None
    length: int | None = None
    relationship: str | None = None

    @property
    def is_custom(self) -> bool:
        return self.source == "custom_fields"

    @property
    def is_link(self) -> bool:
        return self.type == "link"

    @property
    def is_datetime(self) -> bool:
        return self.type in {"datetime", "datetimecombo"} or self.db_type == "datetime"

    @property
    def is_date(self) -> bool:
        return self.type == "date" or self.db_type == "date"

    @classmethod
    def from_json(cls, name: str, data: Mapping[str, Any]) -> FieldInfo:
        length = data.get("len")
        try:
            parsed_length = int(length) if length not in (None, "") else None
        except (TypeError, ValueError):
            parsed_length = None
        return cls(
            name=name,
            type=str(data.get("type", "")),
            db_type=data.get("dbType"),
            required=bool(data.get("required", False)),
            source=data.get("source"),
            length=parsed_length,
            relationship=data.get("relationship"),
        )


@dataclass(frozen=True, slots=True)
class ModuleInfo:
    """A module the API user can reach, with the actions SuiteCRM allows them."""

    name: str
    label: str
    access: frozenset[str]

    def can(self, action: str) -> bool:
        return action in self.access


@dataclass(frozen=True, slots=True)
class CurrentUser:
    id: str
    user_name: str
    full_name: str
    is_admin: bool
    attributes: Mapping[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True)
class Token:
    """An OAuth2 token pair. ``expires_at`` is epoch seconds; secrets hidden from repr."""

    access_token: str = field(repr=False)
    expires_at: float
    refresh_token: str | None = field(default=None, repr=False)
    token_type: str = "Bearer"  # noqa: S105 - the OAuth2 token type name

    def expires_within(self, seconds: float, now: float) -> bool:
        return self.expires_at - now <= seconds
