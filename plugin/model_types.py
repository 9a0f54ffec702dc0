"""The shapes ``plugin.model`` declares the package with (fields, indices, relationships).

Kept apart from the declarations themselves so that ``plugin.model`` reads as the list
of what the package adds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Source = Literal["db", "non-db", "custom_fields"]


@dataclass(frozen=True, slots=True)
class Dropdown:
    """An ``app_list_strings`` list: ordered (key, label) pairs."""

    name: str
    options: tuple[tuple[str, str], ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(key for key, _ in self.options)


@dataclass(frozen=True, slots=True)
class Field:
    """One vardef entry, reduced to what the rest of the system needs to know."""

    name: str
    type: str
    label: str
    db_type: str | None = None
    len: int | str | None = None  # a decimal's is "digits,decimals", as SuiteCRM writes it
    precision: int | None = None
    required: bool = False
    default: str | None = None
    options: str | None = None
    source: Source = "db"
    relationship: str | None = None
    module: str | None = None
    id_name: str | None = None
    link: str | None = None
    in_views: bool = True
    # The database numbers it (SuiteCRM's 'auto_increment', as Cases' case_number): the
    # change outbox's sequence, whose order holds across concurrent requests.
    auto_increment: bool = False

    @property
    def stored(self) -> bool:
        """True when the value lives in a table column (own table or ``_cstm``)."""
        return self.source != "non-db"

    @property
    def effective_db_type(self) -> str:
        return self.db_type or self.type


@dataclass(frozen=True, slots=True)
class Index:
    """A plain database index; the package declares no unique ones.

    SuiteCRM deletes by setting ``deleted = 1`` and keeps the row, so a unique key on
    (network, external_id) would turn every later save of the same item (a re-sync after a
    user deleted it, an import, a duplicate) into a duplicate-key error that SuiteCRM shows as
    a dead page. One live record per network and id is the SocialCRM service's rule, applied
    before it creates; ``deleted`` closes the index so that lookup stays cheap.
    """

    name: str
    kind: Literal["index"]
    fields: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Relationship:
    """A one-to-many relationship kept as a foreign key on the right-hand table.

    ``lhs_link`` is the link field on the left module (a core module or a profile),
    ``rhs_link``/``rhs_relate``/``rhs_key`` are the link, the display (relate) field and
    the id column on the right module. Labels derive from ``label_stem``.
    """

    name: str
    lhs_module: str
    lhs_object: str
    lhs_table: str
    rhs_module: str
    rhs_table: str
    rhs_key: str
    lhs_link: str
    rhs_link: str
    rhs_relate: str
    label_stem: str
    kind: Literal["one-to-many"] = "one-to-many"

    def rhs_fields(self) -> tuple[Field, ...]:
        """The id, relate and link fields this relationship puts on the right module."""
        stem = f"LBL_SCRM_{self.label_stem}"
        return (
            Field(self.rhs_key, "id", f"{stem}_ID", db_type="id"),
            Field(
                self.rhs_relate,
                "relate",
                stem,
                source="non-db",
                module=self.lhs_module,
                id_name=self.rhs_key,
                link=self.rhs_link,
            ),
            Field(
                self.rhs_link,
                "link",
                f"{stem}_LINK",
                source="non-db",
                relationship=self.name,
                module=self.lhs_module,
            ),
        )

    def lhs_field(self) -> Field:
        """The link field this relationship puts on the left module."""
        return Field(
            self.lhs_link,
            "link",
            f"LBL_{self.lhs_link.upper()}",
            source="non-db",
            relationship=self.name,
            module=self.rhs_module,
        )


@dataclass(frozen=True, slots=True)
class Module:
    name: str
    object_name: str
    table: str
    label: str
    label_plural: str
    templates: tuple[str, ...]
    fields: tuple[Field, ...]
    indices: tuple[Index, ...]


@dataclass(frozen=True, slots=True)
class CustomField:
    """A field added to a core module through the Module Loader (``<table>_cstm``)."""

    module: str
    field: Field
