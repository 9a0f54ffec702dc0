"""Close the loop as an RQ job: the ``close-loop`` consumer group of the CRM change stream.

Every change made in SuiteCRM reaches ``socialcrm:events:suitecrm`` (``workers.crm_outbox``
and the notices). The feed reads it as its group ``feed``; this job reads the same stream
as the group ``close-loop``, at its own pace, and hands each change of a Case to
``workers.close_loop.handle_case``. Other modules' changes are acknowledged unread.

As the feed's drain: entries stay pending until handled; a worker that died leaves them
to the next pass (XAUTOCLAIM after ``min_idle_ms``); an entry that keeps failing
(``MAX_ATTEMPTS``) or cannot be read goes to a dead-letter stream so it blocks nothing.
SuiteCRM unreachable stops the pass and the entries wait for the next one.

The group starts at the stream's oldest entry, so nothing is missed on the first run;
changes older than ``MAX_EVENT_AGE`` are skipped, so deploying this on a stream that
holds weeks of history does not draft replies to Cases closed long ago.

Queued like the feed's drain (``enqueue_drain``: at most one per few seconds): by the
scheduler every minute (``workers.schedule``), and by whatever else wants the
closures taken in at once.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import redis
from redis.exceptions import RedisError, ResponseError

from connectors.errors import AuthenticationError, RetryLaterError
from connectors.suitecrm import SuiteCRMClient
from plugin.compliance import Policy
from workers import queues, runtime
from workers.close_loop import CASES, Templates, handle_case
from workers.jobs.feed import default_consumer
from workers.streams import stream_key
from workers.updates.holds import job_redis
from workers.updates.reply_policy import policy_of

log = logging.getLogger(__name__)

GROUP = "close-loop"
STREAM = stream_key("suitecrm")
FUNCTION = "workers.jobs.close_loop.drain_closures"
TEMPLATES_OPTION = "close_loop_templates"  # Runtime.options: Templates (default if absent)
DEAD_LETTERS = "socialcrm:close-loop:dead"
ATTEMPTS = "socialcrm:close-loop:attempts"
MAX_ATTEMPTS = 5
MAX_EVENT_AGE = timedelta(hours=72)
# A Case change that may open, close or redraft: its state, status, resolution or
# assignee (an event that names no fields is read as well).
RELEVANT_FIELDS = frozenset({"state", "status", "resolution", "assigned_user_id"})


@dataclass
class ClosureSummary:
    """What one or more passes did."""

    read: int = 0
    cases: int = 0
    drafted: int = 0
    skipped: int = 0
    dead: int = 0

    def add(self, other: ClosureSummary) -> None:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)


def ensure_group(client: redis.Redis) -> None:
    try:
        client.xgroup_create(STREAM, GROUP, id="0", mkstream=True)
    except ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


def _entries(client: redis.Redis, consumer: str, *, min_idle_ms: int,
             count: int) -> list[tuple[str, Mapping[bytes, bytes]]]:
    """Entries a dead consumer left pending, then new ones."""
    reclaimed = client.xautoclaim(STREAM, GROUP, consumer, min_idle_ms, "0-0", count=count)
    found = [(_text(entry_id), fields or {}) for entry_id, fields in reclaimed[1]]
    answer = cast("list[Any]", client.xreadgroup(GROUP, consumer, {STREAM: ">"},
                                                 count=count)) or []
    found += [(_text(entry_id), fields or {}) for _, rows in answer
              for entry_id, fields in rows]
    return found


def case_of(fields: Mapping[bytes, bytes], now: datetime) -> str | None:
    """The Case an entry may concern, or None (another module, too old, irrelevant)."""
    if not fields:
        return None  # trimmed from the stream while pending
    event = json.loads(fields[b"event"])
    if event.get("module") != CASES or not event.get("record_id"):
        return None
    changed = set(event.get("changed_fields") or ())
    if changed and event.get("action") != "delete" and not changed & RELEVANT_FIELDS:
        return None
    occurred = event.get("occurred_at")
    if isinstance(occurred, str):
        moment = datetime.fromisoformat(occurred.replace("Z", "+00:00"))
        if moment.tzinfo is not None and now - moment > MAX_EVENT_AGE:
            return None
    return str(event["record_id"])


def consume(client: redis.Redis, crm: SuiteCRMClient, *, consumer: str,
            policy: Policy | None, templates: Templates, count: int = 100,
            min_idle_ms: int = 60_000) -> ClosureSummary:
    """One pass over the group's entries (see the module docstring)."""
    ensure_group(client)
    summary = ClosureSummary()
    for entry_id, fields in _entries(client, consumer, min_idle_ms=min_idle_ms, count=count):
        summary.read += 1
        now = datetime.now(UTC)
        try:
            case_id = case_of(fields, now)
            if case_id is None:
                summary.skipped += 1
            else:
                summary.cases += 1
                outcome = handle_case(client, crm, case_id, policy=policy,
                                      templates=templates, now=now)
                if outcome == "drafted":
                    summary.drafted += 1
        except (RetryLaterError, AuthenticationError, RedisError):
            raise
        except Exception as exc:
            if not _gives_up(client, entry_id, fields, exc):
                raise
            summary.dead += 1
            continue
        with client.pipeline(transaction=True) as pipe:
            pipe.xack(STREAM, GROUP, entry_id)
            pipe.hdel(ATTEMPTS, entry_id)
            pipe.execute()
    return summary


def _gives_up(client: redis.Redis, entry_id: str, fields: Mapping[bytes, bytes],
              exc: Exception) -> bool:
    attempts = client.hincrby(ATTEMPTS, entry_id, 1)
    unreadable = isinstance(exc, (ValueError, KeyError, TypeError))
    if not unreadable and attempts < MAX_ATTEMPTS:
        log.warning("close-loop failed on %s (attempt %d): %s", entry_id, attempts, exc)
        return False
    reason = f"unreadable event: {exc!r}" if unreadable else f"failed {attempts} times: {exc!r}"
    log.error("close-loop gives up on %s: %s", entry_id, reason)
    with client.pipeline(transaction=True) as pipe:
        pipe.xadd(DEAD_LETTERS, {**{_text(k): v for k, v in fields.items()},
                                 "entry_id": entry_id, "reason": reason[:500]},
                  maxlen=10_000, approximate=True)
        pipe.xack(STREAM, GROUP, entry_id)
        pipe.hdel(ATTEMPTS, entry_id)
        pipe.execute()
    return True


def drain_closures(max_passes: int = 20) -> dict[str, Any]:
    """RQ entry point: take in the Case changes the stream holds, with the process's
    SuiteCRM service client, its compliance policy and its templates."""
    current = runtime.current()
    client = job_redis(current)
    templates = current.options.get(TEMPLATES_OPTION)
    total = ClosureSummary()
    consumer = default_consumer()
    for _ in range(max_passes):
        summary = consume(client, current.suitecrm(), consumer=consumer,
                          policy=policy_of(current.options),
                          templates=templates if isinstance(templates, Templates)
                          else Templates())
        total.add(summary)
        if summary.read == 0:
            break
    return asdict(total)


def enqueue_drain(client: redis.Redis, *, bucket_seconds: int = 5) -> bool:
    """Queue a pass unless one was queued in the same ``bucket_seconds`` window."""
    window = int(time.time()) // bucket_seconds
    return queues.enqueue(client, "webhooks", FUNCTION, job_id=f"close-loop-drain-{window}")


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
