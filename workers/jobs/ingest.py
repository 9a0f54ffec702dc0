"""The ingest job: one social event or polled item becomes SuiteCRM records, once.

Input is small JSON (a webhook event as ``workers.jobs.intake`` made it, or a polled item's
``SocialItem.to_json()``); output is a small summary. The rules are the plugin's
(``plugin.sync.pipeline.apply_item``); this module adds what needs Redis and RQ:

* **One job per event.** The job id is derived from network, external id and the event's
  own id (or its content), so a redelivered webhook, or a poll that sees an item twice,
  cannot queue it twice (``workers.queues.enqueue`` refuses a known id).
* **One writer per item at a time.** Different events of one item (an add and its edit)
  may run on two workers at once. The derived record id already stops a duplicate record;
  a short Redis lock per item also stops an older edit from overwriting a newer one in
  the moment between reading the record and writing it.
* **Profiles the workers already know** are remembered in Redis, so a known customer's
  next comment costs one SuiteCRM call, not three.
* **Failures**: a SuiteCRM outage, throttling, a lost answer or a busy item raise, and RQ
  retries with the backoff of the ``JobPolicy``; bad data or a refusal that no retry can
  change (invalid event, SuiteCRM rejecting the values, wrong credentials) fails at once,
  kept in RQ's failed registry with a sentence saying what to fix.

The site's rules (sentiment, identity, leads, cases) come from the process's runtime:
``Runtime.options["sync_steps"]`` holds a ``plugin.sync.steps.SyncSteps`` (or, in tests
of the core alone, a plain sequence of ``plugin.sync.pipeline.Step``).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, cast

import redis
from redis.exceptions import LockError
from rq import get_current_job

from connectors.errors import (
    AuthenticationError,
    ConnectorError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from connectors.suitecrm import SuiteCRMClient
from plugin.advocates import kudos_in
from plugin.sync.ids import interaction_id
from plugin.sync.items import BadItem, NotAnItem, SocialItem, from_event, is_serialised
from plugin.sync.pipeline import Annotate, Applied, Step, apply_item
from plugin.sync.rules import SyncRules
from plugin.sync.steps import SyncSteps
from workers import queues, runtime, wave_alerts
from workers.jobs import advocates, written
from workers.jobs import kudos as kudos_job
from workers.jobs import responses as responses_job
from workers.queues import DEFAULT_POLICY, JobPolicy, Purpose
from workers.throttle import obeys_retry_after

log = logging.getLogger(__name__)

FUNCTION = "workers.jobs.ingest.ingest"
STEPS_OPTION = "sync_steps"
LOCK_PREFIX = "socialcrm:lock:item:"
LOCK_WAIT_SECONDS = 30  # then the job is retried later rather than holding a worker
PROFILE_PREFIX = "socialcrm:sync:profile:"
PROFILE_TTL_SECONDS = 30 * 24 * 3600
# Refusals no retry can change: the job fails at once with the reason.
PERMANENT = (BadItem, ValidationError, PermissionDeniedError, AuthenticationError,
             NotFoundError, runtime.RuntimeNotInstalled)


class IngestFailed(Exception):
    """An event that can never be applied as it is; the message says what to fix."""


class ItemBusy(Exception):
    """Another worker held the item's lock too long; RQ retries the job later."""


class RedisProfileMemory:
    """Known profiles, shared by every worker on the same Redis (expire after 30 days)."""

    def __init__(self, connection: redis.Redis) -> None:
        self._redis = connection

    def recall(self, record_id: str) -> str | None:
        value = self._redis.get(PROFILE_PREFIX + record_id)
        return value.decode() if isinstance(value, bytes) else None

    def remember(self, record_id: str, fingerprint: str) -> None:
        self._redis.set(PROFILE_PREFIX + record_id, fingerprint, ex=PROFILE_TTL_SECONDS)


def job_id(event: Mapping[str, Any]) -> str:
    """``ingest-<hash of network, external id and the event's id or content>``."""
    external = event.get("external_id") if is_serialised(event) else event.get("object_id")
    key = event.get("event_id") or json.dumps(event, sort_keys=True, default=str)
    text = "\x1f".join((str(event.get("network")), str(external or ""), str(key)))
    return "ingest-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


def wants(event: Mapping[str, Any]) -> bool:
    """Whether the event is one the sync writes (reactions and unknown payloads are not).
    A malformed event is wanted: its job fails visibly instead of vanishing."""
    try:
        from_event(event)
    except NotAnItem:
        return False
    except BadItem:
        return True
    return True


def enqueue_event(connection: redis.Redis, event: Mapping[str, Any], *,
                  purpose: Purpose = "webhooks", policy: JobPolicy = DEFAULT_POLICY) -> bool:
    """Queue the ingest of one intake event; False when not wanted or already queued."""
    if not wants(event):
        return False
    return queues.enqueue(connection, purpose, FUNCTION, dict(event), job_id=job_id(event),
                          policy=policy)


def enqueue_item(connection: redis.Redis, item: SocialItem, *, purpose: Purpose = "sync",
                 policy: JobPolicy = DEFAULT_POLICY) -> bool:
    """Queue the ingest of one polled item; False when the same reading is queued."""
    data = item.to_json()
    return queues.enqueue(connection, purpose, FUNCTION, data, job_id=job_id(data),
                          policy=policy)


@obeys_retry_after
def ingest(event: dict[str, Any]) -> dict[str, Any]:
    """RQ entry point: apply one event with the process runtime's SuiteCRM client."""
    job = get_current_job()
    try:
        current = runtime.current()
        connection = job.connection if job is not None else current.redis()
        rules = current.options.get(STEPS_OPTION, ())
        if isinstance(rules, SyncSteps):
            return ingest_with(connection, current.suitecrm(), event, steps=rules.steps,
                               annotate=rules.annotate, prepare=rules.prepare,
                               site=rules.rules)
        return ingest_with(connection, current.suitecrm(), event,
                           steps=cast("Sequence[Step]", rules))
    except PERMANENT as exc:
        if job is not None:
            job.retries_left = 0  # RQ would retry any exception: this one never heals
        raise IngestFailed(_reason(event, exc)) from exc


def ingest_with(connection: redis.Redis, crm: SuiteCRMClient, event: Mapping[str, Any], *,
                steps: Sequence[Step] = (), annotate: Annotate | None = None,
                prepare: Callable[[SocialItem], SocialItem] | None = None,
                site: SyncRules | None = None) -> dict[str, Any]:
    """Apply one event (either form) under the item's lock; the job's summary.

    ``prepare`` completes an event that only names its item (a lead webhook carries the
    submission's id, not its answers); ``annotate`` derives fields from the text.
    ``site`` (the site's rules) turns on what follows a write: a new negative interaction
    is counted for complaint waves, told to the managers (``workers.wave_alerts``); the
    author's advocate score is refreshed (debounced, on ``sync``); praise of an account
    or product is shared as kudos (``workers.kudos``). None: the core only."""
    try:
        item = SocialItem.from_json(event) if is_serialised(event) else from_event(event)
    except NotAnItem as exc:
        return {"outcome": "skipped", "reason": str(exc)}
    if prepare is not None:
        item = prepare(item)
    lock = connection.lock(LOCK_PREFIX + interaction_id(item.network, item.external_id),
                           timeout=DEFAULT_POLICY.timeout_seconds,
                           blocking_timeout=LOCK_WAIT_SECONDS)
    try:
        with lock:
            applied = apply_item(crm, item, steps, profiles=RedisProfileMemory(connection),
                                 annotate=annotate)
    except LockError as exc:
        raise ItemBusy(f"{item.network} {item.external_id} is being written by another "
                       "worker; retried later") from exc
    written.remember_own_writes(connection, applied.writes())
    written.publish_writes(connection, crm, applied.writes())
    if site is not None:
        responses_job.enqueue_second_look(connection, item)
        wave_alerts.observe_applied(connection, applied, site.managers)
        _advocacy(connection, crm, applied, site)
    summary = applied.summary()
    summary["outcome"] = applied.interaction.outcome
    return summary


def _advocacy(connection: redis.Redis, crm: SuiteCRMClient, applied: Applied,
              site: SyncRules) -> None:
    """The author's advocate score and kudos, each by a job of its own on ``sync``, so the
    ingest stays one SuiteCRM call (the kudos decision itself reads nothing)."""
    item, record = applied.item, applied.interaction.record
    if item.direction != "inbound" or applied.interaction.outcome not in ("created",
                                                                          "updated"):
        return
    if applied.profile.record_id and applied.profile.outcome != "skipped":
        advocates.enqueue_profile_refresh(connection, applied.profile.record_id)
    if record is not None and kudos_in(record, site.kudos, now=datetime.now(UTC)):
        kudos_job.enqueue_share(connection, record.id)  # the team's lookups are its own


def _reason(event: Mapping[str, Any], exc: BaseException) -> str:
    what = (f"{event.get('network')} {event.get('kind')} "
            f"{event.get('external_id') or event.get('object_id') or '(no id)'}")
    if isinstance(exc, BadItem):
        return f"{what}: the event cannot be applied: {exc}"
    if isinstance(exc, runtime.RuntimeNotInstalled):
        return f"{what}: {exc}; requeue the job once workers run with a runtime"
    if isinstance(exc, AuthenticationError) and exc.service in ("facebook", "linkedin"):
        return (f"{what}: {exc.service.capitalize()} refused the account's token ({exc}); "
                f"connect the account again (`socialcrm connect {exc.service}`), then "
                "requeue the failed jobs")
    if isinstance(exc, AuthenticationError):
        return (f"{what}: SuiteCRM refused the service account ({exc}); fix the SuiteCRM "
                "settings, then requeue the failed jobs")
    if isinstance(exc, ConnectorError):
        return f"{what}: SuiteCRM refused the write: {exc} ({exc.detail or 'no detail'})"
    return f"{what}: {exc}"
