"""A rep with a full feed, and the five V8 list reads that show the same 50 items.

What a phone would do without the mobile API: read the rep's newest activity from
SuiteCRM's V8 API, one list per module (Calls, Meetings, Tasks, Notes, Social
Interactions), 10 records each, newest first, with exactly the fields the feed shows
(``workers.feed_items.FEED_FIELDS``), as the rep (the rep's own token: SuiteCRM's ACL
applies, as it does for the API). Those five answers are the comparison.

To make the feed hold the very same 50 items, the benchmark first gives the rep 10 new
records of each module in SuiteCRM (created by the service account, assigned to the rep,
with the project's multilingual texts), reads the five lists as the rep, turns each
record into its feed item the way every road into the feed does
(``item_from_record``) and publishes them (``workers.feed.publish``); then it fills the
timeline to its bound with older realistic items (``bench.support.feed_corpus``), so the
page is read from a full timeline and its first 50 items are exactly the V8 answers'.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import redis

from bench.support.corpus import NAMES, Comment
from bench.support.feed_corpus import SUBJECTS, ItemMaker
from bench.support.feed_memory import held_items
from bench.support.target import Cleanup
from connectors.suitecrm import Filter, SuiteCRMClient
from connectors.suitecrm.pagination import page_from_json
from connectors.suitecrm.query import fields_param, page_params, sort_param
from workers import feed
from workers.feed_items import FEED_FIELDS, FeedItem, item_from_record, shorten

MODULES = ("Calls", "Meetings", "Tasks", "Notes", "SCRM_SocialInteractions")
PER_MODULE = 10
PAGE_ITEMS = PER_MODULE * len(MODULES)
V8_ACCEPT = {"Accept": "application/vnd.api+json"}


@dataclass(frozen=True, slots=True)
class V8Read:
    """One of the five list requests, below SuiteCRM's site root."""

    module: str
    path: str


def v8_reads(user_id: str) -> tuple[V8Read, ...]:
    """The five lists, built with the connector's own query helpers (what
    ``SuiteCRMClient.list`` sends)."""
    reads = []
    for module in MODULES:
        params = [*Filter.where(assigned_user_id=user_id).params(),
                  *fields_param(module, FEED_FIELDS[module]), *sort_param("-date_modified"),
                  *page_params(PER_MODULE, 1)]
        reads.append(V8Read(module, f"/Api/V8/module/{module}?{urlencode(params)}"))
    return tuple(reads)


def items_of(read: V8Read, body: bytes) -> list[FeedItem]:
    """The feed items of one list answer's records."""
    page, _next = page_from_json(read.module, json.loads(body), PER_MODULE, 1)
    return [item_from_record(record) for record in page.records]


def create_activity(crm: SuiteCRMClient, user_id: str, texts: Iterator[Comment],
                    cleanup: Cleanup, tag: str) -> None:
    """10 new records per module assigned to ``user_id``, under one new account."""
    account = crm.create("Accounts", {"name": f"Bench feed {tag}",
                                      "assigned_user_id": user_id})
    cleanup.add("Accounts", account.id)
    now = datetime.now(UTC).replace(microsecond=0)
    for number in range(PER_MODULE):
        when = now - timedelta(minutes=number)
        for module in MODULES:
            text = next(texts)
            record = crm.create(module, {**_attributes(module, text, when, tag, number),
                                         "assigned_user_id": user_id,
                                         **_parent(module, account.id)})
            cleanup.add(module, record.id)


def fill_timeline(client: redis.Redis, user_id: str, page: Sequence[FeedItem],
                  maker: ItemMaker) -> int:
    """Publish the page's items, then older items up to the bound; items held."""
    for item in page:
        feed.publish(client, item, [user_id])
    oldest = min(item.occurred_at for item in page)
    for item in maker.items_before(oldest, feed.DEFAULT_MAX_ITEMS - len(page)):
        feed.publish(client, item, [user_id])
    return held_items(client, user_id)


def _parent(module: str, account_id: str) -> dict[str, str]:
    if module == "SCRM_SocialInteractions":
        return {}
    return {"parent_type": "Accounts", "parent_id": account_id}


def _attributes(module: str, comment: Comment, when: datetime, tag: str,
                number: int) -> dict[str, Any]:
    text = comment.text
    if module == "SCRM_SocialInteractions":
        external = f"104200000000777_{tag}_{number:03d}"
        return {"name": shorten(text, 60), "network": "facebook", "external_id": external,
                "kind": "comment", "direction": "inbound", "body": text,
                "author_name": NAMES[number % len(NAMES)], "occurred_at": when,
                "sentiment_label": comment.label, "status": "new",
                "permalink": f"https://www.facebook.com/{external}"}
    subject = {"Calls": "Call", "Meetings": "Meeting", "Tasks": "Task", "Notes": "Note"}[module]
    common = {"name": f"{subject} {number + 1}: {SUBJECTS[number % len(SUBJECTS)]}",
              "description": text}
    if module == "Calls":
        return {**common, "date_start": when, "duration_hours": 0, "duration_minutes": 15,
                "status": "Held", "direction": "Outbound"}
    if module == "Meetings":
        return {**common, "date_start": when + timedelta(days=1), "duration_hours": 1,
                "duration_minutes": 0, "status": "Planned"}
    if module == "Tasks":
        return {**common, "status": "In Progress", "priority": "Medium"}
    return common
