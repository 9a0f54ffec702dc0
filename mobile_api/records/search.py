"""Search a kind of record as the rep: what ``q`` and ``mine`` become in SuiteCRM V8.

``q`` is matched as SuiteCRM's own search box matches (``LIKE 'q%'``, ignoring case and
accents under MySQL's collation; a ``%`` the rep types is a wildcard, as in SuiteCRM):

* with an ``@``, on kinds with email: the primary email address starts with ``q``;
* a whole number on Cases: the case number;
* digits and phone punctuation (3 digits or more), on kinds with phones: any of the
  phone fields starts with ``q``;
* otherwise the name: for a contact or lead one word matches the first or the last
  name, two words or more the first name (first word) and the last name (the rest).

``mine`` keeps records assigned to the rep. Where the query is an AND it is one more
condition; where it is an OR (SuiteCRM cannot mix them) the rows are kept here (``scan``).

Email searches are checked row by row. SuiteCRM 7.14 answers a list filtered by
``email1`` with its own SQL join that skips the role check (``ModuleService::getRecords``
in ``Api/V8/Service``): a rep whose role shows only their own records would find
anyone's record by its address. Each hit is therefore read again as the rep, which
SuiteCRM does check, and dropped when SuiteCRM refuses it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from connectors.errors import NotFoundError, PermissionDeniedError
from connectors.suitecrm import Condition, Filter, Page, Record, SuiteCRMClient
from mobile_api.records import cursor, values
from mobile_api.records.kinds import ROW_COMMON, FieldSpec, RecordKind
from mobile_api.records.scan import Position, scan

SCAN_PAGE_SIZE = 100  # SuiteCRM rows read per call when rows are kept here
SCAN_MAX_FETCHES = 5
VERIFY_MAX_FETCHES = 3
_PHONE = re.compile(r"^\+?[0-9 ().\-/]+$")
NAME = FieldSpec("name")


@dataclass(frozen=True, slots=True)
class SearchPlan:
    """One SuiteCRM list query, and what must be checked here for each row."""

    filter: Filter | None
    sort: str
    keep_assigned_to: str = ""  # keep only rows assigned to this user (``mine`` over OR)
    verify: bool = False  # read each row again as the rep (email lists skip the ACL)

    @property
    def checks_rows(self) -> bool:
        return bool(self.keep_assigned_to) or self.verify


def normalized(q: str | None) -> str:
    return " ".join((q or "").split())


def like_prefix(text: str) -> str:
    """``text%`` for LIKE: ``_`` and ``\\`` are taken literally, ``%`` stays a wildcard."""
    return text.replace("\\", "\\\\").replace("_", "\\_") + "%"


def plan(kind: RecordKind, q: str, mine_user: str) -> SearchPlan:
    """The SuiteCRM query for ``q`` (normalized; may be empty) and ``mine``."""
    if not q:
        mine = Filter.where(assigned_user_id=mine_user) if mine_user else None
        return SearchPlan(mine, "-date_modified")
    conditions, any_of, verify = _conditions(kind, q)
    if mine_user and not any_of:
        conditions.append(Condition("assigned_user_id", "eq", mine_user))
    return SearchPlan(Filter.of(conditions, any_of=any_of), kind.sort_by_name,
                      keep_assigned_to=mine_user if any_of else "", verify=verify)


def _conditions(kind: RecordKind, q: str) -> tuple[list[Condition], bool, bool]:
    """Conditions, whether they are OR'ed, whether rows must be verified."""
    if "@" in q and kind.has_email:
        return [Condition("email1", "like", like_prefix(q))], False, True
    if kind.number_field and q.isascii() and q.isdigit():
        return [Condition(kind.number_field, "eq", q)], False, False
    digits = sum(ch in "0123456789" for ch in q)
    if kind.phone_fields and digits >= 3 and _PHONE.match(q):
        return _any(kind.phone_fields, like_prefix(q))
    words = q.split(" ")
    if kind.person and len(words) > 1:
        return [Condition("first_name", "like", like_prefix(words[0])),
                Condition("last_name", "like", like_prefix(" ".join(words[1:])))], \
            False, False
    return _any(kind.name_fields, like_prefix(q))


def _any(fields: tuple[str, ...], pattern: str) -> tuple[list[Condition], bool, bool]:
    return [Condition(name, "like", pattern) for name in fields], len(fields) > 1, False


def search(crm: SuiteCRMClient, kind: RecordKind, *, q: str, mine_user: str, limit: int,
           position: dict[str, Any] | None) -> dict[str, Any]:
    """One page of rows as the API answers it: ``{"items": [...], "next_cursor": ...}``.

    ``position`` is a decoded cursor (``None`` for the first page); one from another
    question is refused (422)."""
    chosen = plan(kind, q, mine_user)
    question = cursor.fingerprint(kind.name, q, bool(mine_user))
    size = SCAN_PAGE_SIZE if chosen.keep_assigned_to else limit
    start = Position()
    if position is not None:
        if position.get("f") != question:
            raise cursor.wrong_cursor()
        size = cursor.whole_number(position, "s", 1)
        start = Position(cursor.whole_number(position, "p", 1),
                         cursor.whole_number(position, "o", 0))
    fields = kind.list_fields()

    def fetch(number: int) -> Page:
        return crm.list(kind.module, filter=chosen.filter, sort=chosen.sort, fields=fields,
                        page_size=min(size, 1000), page=number)

    rows, resume = scan(fetch, _keeper(crm, kind, chosen), start, limit,
                        max_fetches=_max_fetches(chosen))
    specs = (NAME, *kind.row, *ROW_COMMON)
    return {
        "items": [values.attributes(row, specs) for row in rows],
        "next_cursor": None if resume is None else cursor.encode(
            {"f": question, "p": resume.page, "o": resume.offset, "s": size}),
    }


def _max_fetches(chosen: SearchPlan) -> int:
    if chosen.verify:
        return VERIFY_MAX_FETCHES
    return SCAN_MAX_FETCHES if chosen.keep_assigned_to else 1


def _keeper(crm: SuiteCRMClient, kind: RecordKind,
            chosen: SearchPlan) -> Callable[[Record], bool]:
    seen: set[str] = set()  # an email list repeats a record once per matching address

    def keep(row: Record) -> bool:
        if row.id in seen:
            return False
        if chosen.keep_assigned_to and row.get("assigned_user_id") != chosen.keep_assigned_to:
            return False
        if chosen.verify and not _visible(crm, kind, row.id):
            return False
        seen.add(row.id)
        return True

    return keep


def _visible(crm: SuiteCRMClient, kind: RecordKind, record_id: str) -> bool:
    """Whether SuiteCRM lets the rep read the record (its single-record read checks the
    rep's role; the email list does not)."""
    try:
        crm.get(kind.module, record_id, fields=["id"])
    except (NotFoundError, PermissionDeniedError):
        return False
    return True
