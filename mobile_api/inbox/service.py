"""What waits for the rep's answer, read from SuiteCRM with the rep's token.

Waiting means: an inbound ``SCRM_SocialInteractions`` record assigned to the rep, with
status ``new`` or ``assigned`` (the plugin's ``scrm_interaction_status_list``: after
those come ``responded``, ``closed`` ...), and no ``first_response_at`` yet.

Order: the nearest SLA due time first (overdue ones lead), those without an SLA last;
then the oldest message first. SuiteCRM V8 has no IN, and MySQL sorts empty dates first,
so each status is read twice: the interactions with a due time, ascending (at most
``MAX_WITH_SLA``: the most urgent), and the head of the ascending list, which holds the
ones without (the list stops at the first due time). The whole waiting list is sorted
here and cached for the rep; pages are cut from it with a keyset cursor (the last
item's sort key), so an item answered meanwhile shifts nothing.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from connectors.suitecrm import Filter, Record, SuiteCRMClient, parse_datetime
from mobile_api.records import cursor, values
from mobile_api.records.kinds import FieldSpec

INTERACTIONS = "SCRM_SocialInteractions"
WAITING_STATUSES = ("new", "assigned")
MAX_WITH_SLA = 500  # per status
MAX_WITHOUT_SLA = 500  # per status
READ_PAGE = 200
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SPECS = (
    FieldSpec("network"), FieldSpec("kind"), FieldSpec("body"), FieldSpec("author_name"),
    FieldSpec("author_handle"), FieldSpec("author_profile_url"), FieldSpec("permalink"),
    FieldSpec("sentiment_score", "float"), FieldSpec("sentiment_label"), FieldSpec("status"),
    FieldSpec("occurred_at", "datetime"), FieldSpec("sla_due_at", "datetime"),
    FieldSpec("case_id"), FieldSpec("case_name"), FieldSpec("contact_id"),
    FieldSpec("contact_name"), FieldSpec("lead_id"), FieldSpec("lead_name"),
)
_READ = [*(spec.name for spec in SPECS), "first_response_at"]


def waiting(crm: SuiteCRMClient, user_id: str) -> list[dict[str, Any]]:
    """Every interaction waiting for the rep, in inbox order (JSON values)."""
    found: dict[str, dict[str, Any]] = {}
    for status in WAITING_STATUSES:
        for record in _read(crm, user_id, status):
            if not record.get("first_response_at"):
                found[record.id] = values.attributes(record, SPECS)
    return sorted(found.values(), key=sort_key)


def _read(crm: SuiteCRMClient, user_id: str, status: str) -> Iterator[Record]:
    mine = {"assigned_user_id": user_id, "direction": "inbound", "status": status}
    with_sla = crm.iterate(INTERACTIONS, filter=Filter.where(**mine, sla_due_at__gte=EPOCH),
                           sort="sla_due_at", fields=_READ, page_size=READ_PAGE)
    for count, record in enumerate(with_sla):
        if count >= MAX_WITH_SLA:
            break
        yield record
    head = crm.iterate(INTERACTIONS, filter=Filter.where(**mine), sort="sla_due_at",
                       fields=_READ, page_size=READ_PAGE)
    for count, record in enumerate(head):
        if record.get("sla_due_at") or count >= MAX_WITHOUT_SLA:
            break
        yield record


def sort_key(item: dict[str, Any]) -> list[Any]:
    """SLA due first (none last), then oldest first; the id breaks ties. SuiteCRM gives
    every datetime in one UTC form, so the strings sort as the instants do."""
    due = item.get("sla_due_at") or ""
    return [0 if due else 1, due, item.get("occurred_at") or "", item["id"]]


def page(items: list[dict[str, Any]], after: list[Any] | None, limit: int,
         now: datetime) -> dict[str, Any]:
    """The ``limit`` items after the sort key ``after``, with their time left now."""
    keys = [sort_key(item) for item in items]
    start = 0 if after is None else bisect_right(keys, after)
    chosen = items[start:start + limit]
    more = start + limit < len(items)
    left = [_seconds_left(item, now) for item in items]
    return {
        "items": [_with_time_left(item, now) for item in chosen],
        "next_cursor": cursor.encode({"f": "inbox", "k": keys[start + limit - 1]})
        if more else None,
        "total": len(items),
        "overdue": sum(1 for seconds in left if seconds is not None and seconds < 0),
    }


def _seconds_left(item: dict[str, Any], now: datetime) -> int | None:
    due = parse_datetime(item.get("sla_due_at"))
    if due is None:
        return None
    return math.floor((due - now).total_seconds())


def _with_time_left(item: dict[str, Any], now: datetime) -> dict[str, Any]:
    customer = _customer(item)
    return {**item, "time_left_seconds": _seconds_left(item, now), **customer}


def _customer(item: dict[str, Any]) -> dict[str, Any]:
    """Who wrote: the contact or lead SuiteCRM links, else the author as the network
    named them."""
    if item.get("contact_id"):
        module, record_id, name = "Contacts", item["contact_id"], item.get("contact_name")
    elif item.get("lead_id"):
        module, record_id, name = "Leads", item["lead_id"], item.get("lead_name")
    else:
        module, record_id, name = None, None, None
    return {"customer_module": module, "customer_id": record_id,
            "customer_name": name or item.get("author_name")}


def cursor_key(position: dict[str, Any] | None) -> list[Any] | None:
    """The sort key an inbox cursor resumes after (422 when it is not an inbox cursor)."""
    if position is None:
        return None
    key = position.get("k")
    if position.get("f") != "inbox" or not isinstance(key, list) or len(key) != 4 \
            or not isinstance(key[0], int) or not all(isinstance(k, str) for k in key[1:]):
        raise cursor.wrong_cursor()
    return key
