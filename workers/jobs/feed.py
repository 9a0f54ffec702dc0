"""Feeding the feed: CRM change events from the streams, and records the sync just wrote.

Two roads lead here. The sync calls :func:`publish_record` right after it writes a Social
Interaction, a Case or a Lead. Every change made in SuiteCRM arrives as a change event on
``socialcrm:events:suitecrm`` (from the plugin's notices and from the change outbox, in
one shape), which :func:`drain_events` reads as the consumer group ``feed``.

Both roads read the record from SuiteCRM with the same fields (``feed_items.FEED_FIELDS``)
and build its item from what SuiteCRM holds now, never from the event, so a change that
comes twice, late, or by both roads ends as the same item (see ``workers.feed``).

Why a consumer group: several workers share the stream, each entry goes to one of them,
and an entry stays pending until its worker acknowledges it after publishing. A worker
that dies in between leaves its entries pending; the next pass of any worker takes them
over with XAUTOCLAIM once they have been idle ``min_idle_ms``, so nothing is lost, and
publishing the same version again changes nothing, so nothing is doubled. An entry that
keeps failing (``MAX_ATTEMPTS`` times, or cannot be read at all) moves to a dead-letter
stream instead of blocking the ones behind it.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any, cast

import redis
from redis.exceptions import RedisError, ResponseError

from connectors.errors import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    RetryLaterError,
    ValidationError,
)
from connectors.suitecrm import Record, SuiteCRMClient
from workers import feed, queues
from workers.feed_items import fields_for, item_from_record, version_of
from workers.runtime import current
from workers.streams import stream_key

log = logging.getLogger(__name__)

GROUP = "feed"
CRM_STREAMS: tuple[str, ...] = (stream_key("suitecrm"),)
DEAD_LETTERS = feed.PREFIX + "dead"
DEAD_LETTERS_MAXLEN = 10_000
ATTEMPTS = feed.PREFIX + "attempts"  # entry -> failures so far (cleared when applied)
MAX_ATTEMPTS = 5
CACHE_SECONDS = 300  # how long an account's owner (and a parent's account) is trusted
_PARENTS_WITH_ACCOUNT = ("Contacts", "Opportunities", "Cases", "Leads")
FUNCTION = "workers.jobs.feed.drain_events"


@dataclass
class DrainSummary:
    """What one or more passes over the streams did."""

    read: int = 0
    reclaimed: int = 0
    published: int = 0
    stale: int = 0
    removed: int = 0
    skipped: int = 0
    dead: int = 0

    def add(self, other: DrainSummary) -> None:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)


@dataclass(frozen=True, slots=True)
class Entry:
    """One stream entry; ``fields`` is empty when the stream no longer holds it."""

    stream: str
    entry_id: str
    fields: Mapping[bytes, bytes] = field(default_factory=dict)


# -- who an item concerns --------------------------------------------------------------
def concerned_users(client: redis.Redis, crm: SuiteCRMClient, record: Record) -> list[str]:
    """The record's assignee and the owner of its account, assignee first."""
    users = [str(record.get("assigned_user_id") or "")]
    account = account_of(client, crm, record)
    if account:
        users.append(_cached(client, f"{feed.PREFIX}cache:owner:{account}",
                             lambda: _read(crm, "Accounts", account, "assigned_user_id")))
    return [user for user in dict.fromkeys(users) if user]


def account_of(client: redis.Redis, crm: SuiteCRMClient, record: Record) -> str:
    """The account a record belongs to: its own ``account_id``, or its parent's (a Call on
    a Contact belongs to the Contact's account); '' when it has none."""
    if record.module == "Accounts":
        return record.id
    if record.get("account_id"):
        return str(record.get("account_id"))
    parent_type, parent_id = record.get("parent_type"), record.get("parent_id")
    if parent_type == "Accounts" and parent_id:
        return str(parent_id)
    if parent_type in _PARENTS_WITH_ACCOUNT and parent_id:
        parent = (str(parent_type), str(parent_id))
    elif record.get("contact_id"):
        parent = ("Contacts", str(record.get("contact_id")))
    else:
        return ""
    return _cached(client, f"{feed.PREFIX}cache:account:{parent[0]}/{parent[1]}",
                   lambda: _read(crm, parent[0], parent[1], "account_id"))


def _read(crm: SuiteCRMClient, module: str, record_id: str, name: str) -> str:
    try:
        return str(crm.get(module, record_id, fields=[name]).get(name) or "")
    except NotFoundError:
        return ""


def _cached(client: redis.Redis, key: str, fetch: Callable[[], str]) -> str:
    hit = client.get(key)
    if hit is not None:
        return _text(hit)
    value = fetch()
    client.set(key, value, ex=CACHE_SECONDS)
    return value


# -- the sync's road -------------------------------------------------------------------
def publish_record(client: redis.Redis, crm: SuiteCRMClient, module: str, record: Record, *,
                   max_items: int = feed.DEFAULT_MAX_ITEMS) -> feed.Outcome:
    """Publish a record the caller just wrote (as SuiteCRM answered it). A record that
    lacks a field the feed reads is read again, so the item equals a rebuild's."""
    if record.module != module:
        record = replace(record, module=module)
    wanted = fields_for(module)
    if "date_modified" not in record.attributes or (
            wanted is not None and any(name not in record.attributes for name in wanted)):
        record = crm.get(module, record.id, fields=wanted)
    return feed.publish(client, item_from_record(record), concerned_users(client, crm, record),
                        max_items=max_items)


# -- the stream's road -----------------------------------------------------------------
def default_consumer() -> str:
    """This process's consumer name: unique per host and process."""
    return f"{socket.gethostname()}-{os.getpid()}"


def ensure_group(client: redis.Redis, streams: Iterable[str]) -> None:
    """Create the ``feed`` group on each stream (from its first entry) unless it exists."""
    for stream in streams:
        try:
            client.xgroup_create(stream, GROUP, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise


def read_new(client: redis.Redis, consumer: str, streams: Iterable[str],
             count: int = 100) -> list[Entry]:
    """Entries no consumer of the group has read yet; they stay pending until acked."""
    answer: list[Any] = cast(list[Any], client.xreadgroup(
        GROUP, consumer, dict.fromkeys(streams, ">"), count=count)) or []
    return [Entry(_text(stream), _text(entry_id), fields or {})
            for stream, rows in answer for entry_id, fields in rows]


def reclaim(client: redis.Redis, consumer: str, streams: Iterable[str], *,
            min_idle_ms: int, count: int = 100) -> list[Entry]:
    """Take over entries another consumer read but never acknowledged (it died)."""
    taken: list[Entry] = []
    for stream in streams:
        answer = client.xautoclaim(stream, GROUP, consumer, min_idle_ms, "0-0", count=count)
        taken += [Entry(stream, _text(entry_id), fields or {}) for entry_id, fields in answer[1]]
    return taken


def handle(client: redis.Redis, crm: SuiteCRMClient, entry: Entry, *,
           max_items: int = feed.DEFAULT_MAX_ITEMS) -> str:
    """Apply one change event to the feed: ``published``, ``stale``, ``gone``,
    ``removed`` or ``skipped``. SuiteCRM being unreachable raises (the entry stays
    pending and is tried again)."""
    if not entry.fields:
        return "skipped"  # trimmed from the stream while pending: nothing left to read
    event = json.loads(entry.fields[b"event"])
    module, record_id = str(event["module"]), str(event["record_id"])
    if event.get("action") == "delete":
        feed.remove(client, module, record_id)
        return "removed"
    if _published_by_the_sync(client, event):
        return "stale"
    try:
        record = crm.get(module, record_id, fields=fields_for(module))
    except NotFoundError:  # deleted since the event was sent
        feed.remove(client, module, record_id)
        return "removed"
    except (PermissionDeniedError, ValidationError) as exc:
        log.warning("feed skips %s %s: %s", module, record_id, exc)
        return "skipped"
    return feed.publish(client, item_from_record(record), concerned_users(client, crm, record),
                        max_items=max_items)


def _published_by_the_sync(client: redis.Redis, event: Mapping[str, Any]) -> bool:
    """Whether the feed already holds what the service's own write made of the record.

    The sync publishes each record it writes from SuiteCRM's answer (``publish_record``),
    so the change coming back through the outbox, marked ``own``, needs no second read.
    SuiteCRM answers ``date_modified`` to the minute and the outbox to the second, so the
    versions compare by minute: a person's change in the same minute is not ``own`` and is
    read as usual."""
    stamp = event.get("date_modified")
    if not event.get("own") or not isinstance(stamp, str):
        return False
    held = feed.held_version(client, str(event["module"]), str(event["record_id"]))
    if held is None:
        return False
    try:
        changed = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return False
    if changed.tzinfo is None:
        return False
    return held[:13] >= version_of(changed)[:13]  # YYYYMMDDTHHMM


def consume(client: redis.Redis, crm: SuiteCRMClient, *, consumer: str,
            streams: Iterable[str] = CRM_STREAMS, count: int = 100, min_idle_ms: int = 60_000,
            max_items: int = feed.DEFAULT_MAX_ITEMS) -> DrainSummary:
    """One pass: the entries dead consumers left pending first, then new ones; each is
    acknowledged once applied. SuiteCRM unreachable (or refusing the service's
    credentials) stops the pass with the error and buries nothing: the entries wait."""
    names = list(streams)
    ensure_group(client, names)
    summary = DrainSummary()
    reclaimed = reclaim(client, consumer, names, min_idle_ms=min_idle_ms, count=count)
    summary.reclaimed = len(reclaimed)
    for entry in [*reclaimed, *read_new(client, consumer, names, count)]:
        summary.read += 1
        try:
            outcome = handle(client, crm, entry, max_items=max_items)
        except (RetryLaterError, AuthenticationError, RedisError):
            raise
        except Exception as exc:
            if not _gives_up(client, entry, exc):
                raise
            summary.dead += 1
            continue
        with client.pipeline(transaction=True) as pipe:
            pipe.xack(entry.stream, GROUP, entry.entry_id)
            pipe.hdel(ATTEMPTS, _attempt_key(entry))
            pipe.execute()
        counter = outcome if outcome in ("published", "stale", "removed") else "skipped"
        setattr(summary, counter, getattr(summary, counter) + 1)
    return summary


def _gives_up(client: redis.Redis, entry: Entry, exc: Exception) -> bool:
    """Count a failure of ``entry``; bury it (dead-letter stream, acknowledged) when it is
    unreadable or has failed ``MAX_ATTEMPTS`` times, so it stops blocking the ones behind."""
    attempts = client.hincrby(ATTEMPTS, _attempt_key(entry), 1)
    unreadable = isinstance(exc, (ValueError, KeyError, TypeError))
    if not unreadable and attempts < MAX_ATTEMPTS:
        log.warning("feed failed on %s %s (attempt %d): %s", entry.stream, entry.entry_id,
                    attempts, exc)
        return False
    reason = f"unreadable event: {exc!r}" if unreadable else f"failed {attempts} times: {exc!r}"
    log.error("feed gives up on %s %s: %s", entry.stream, entry.entry_id, reason)
    with client.pipeline(transaction=True) as pipe:
        pipe.xadd(DEAD_LETTERS, {**{_text(k): v for k, v in entry.fields.items()},
                                 "stream": entry.stream, "entry_id": entry.entry_id,
                                 "reason": reason[:500]},
                  maxlen=DEAD_LETTERS_MAXLEN, approximate=True)
        pipe.xack(entry.stream, GROUP, entry.entry_id)
        pipe.hdel(ATTEMPTS, _attempt_key(entry))
        pipe.execute()
    return True


def _attempt_key(entry: Entry) -> str:
    return f"{entry.stream}/{entry.entry_id}"


def drain_events(max_passes: int = 20) -> dict[str, Any]:
    """RQ entry point: apply what the streams hold (up to ``max_passes`` batches), with the
    process's SuiteCRM client. Runtime options: ``feed_streams``, ``feed_max_items``."""
    runtime = current()
    client = runtime.redis()
    try:
        total = DrainSummary()
        consumer = default_consumer()
        for _ in range(max_passes):
            summary = consume(
                client, runtime.suitecrm(), consumer=consumer,
                streams=runtime.options.get("feed_streams", CRM_STREAMS),
                max_items=int(runtime.options.get("feed_max_items", feed.DEFAULT_MAX_ITEMS)))
            total.add(summary)
            if summary.read == 0:
                break
        return asdict(total)
    finally:
        client.close()


def enqueue_drain(client: redis.Redis, *, bucket_seconds: int = 5) -> bool:
    """Queue a drain unless one was queued in the same ``bucket_seconds`` window (call it
    when events arrive, and from the scheduler every minute for anything left over)."""
    window = int(time.time()) // bucket_seconds
    return queues.enqueue(client, "webhooks", FUNCTION, job_id=f"feed-drain-{window}")


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
