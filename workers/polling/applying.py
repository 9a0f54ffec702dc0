"""Polled items through the same path as webhooks, each applied once per version.

Each item goes through ``workers.jobs.ingest.ingest_with``, exactly what a webhook's ingest
job runs: the same per-item lock (a poll and a webhook job writing one comment at the same
moment take turns), the same profile memory, the same loop guard for the service's own
writes, the same sync rules (``plugin.sync.pipeline.apply_item``), and the same effects
after the write: a new negative interaction is counted for complaint waves (an
organization that is only polled has waves too; the detector drops events older than its
hour of grace, so a first import of a Page's history alerts nobody), advocates, kudos.

A poll reads again what it read before (the overlap, see ``workers.watermarks``), so most
items it meets in a busy window are already in SuiteCRM unchanged. The sync rules would
recognise them (``unchanged``), but only after a create that conflicts and a read: two
SuiteCRM calls per item for nothing. So every applied version is remembered for a while
(``socialcrm:poll:applied:<network>:<external id>`` -> a digest of what the item said,
kept a few overlaps long), and an item whose digest matches is counted as skipped without
a call. What a webhook applied in between is not in this memory: the rules decide then.

The memory is written only after SuiteCRM took the item, so a failed apply is retried in
full by the next poll.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import timedelta
from typing import cast

import redis

from connectors.suitecrm import SuiteCRMClient
from plugin.sync.items import SocialItem
from plugin.sync.pipeline import Step
from plugin.sync.steps import SyncSteps
from workers.jobs.ingest import ingest_with
from workers.polling.result import NoProgress, Progress, Tally

MEMO_PREFIX = "socialcrm:poll:applied:"
# What the runtime's ``sync_steps`` option holds: a site's rules (identity, sentiment,
# cases, leads) or, in tests, a plain sequence of steps; applied exactly as ingest does.
Rules = SyncSteps | Sequence[Step]


def digest(item: SocialItem) -> str:
    """What a version of an item says: equal digests, nothing new to write."""
    author = item.author
    said = [item.kind, item.verb, item.body, item.parent_id, item.thread_id, item.permalink,
            item.direction, item.occurred_at.isoformat(),
            None if author is None else [author.external_id, author.name, author.email]]
    return hashlib.sha256(json.dumps(said, ensure_ascii=False).encode("utf-8")).hexdigest()[:32]


def memo_key(item: SocialItem) -> str:
    return f"{MEMO_PREFIX}{item.network}:{item.external_id}"


class Applier:
    """Applies items in order, tallying what the rules did; raises on the first failure
    (the caller then leaves its watermark where it was)."""

    def __init__(self, client: redis.Redis, crm: SuiteCRMClient, tally: Tally, *,
                 rules: Rules = (), memo_for: timedelta = timedelta(minutes=30),
                 progress: Progress | None = None) -> None:
        self._redis = client
        self._crm = crm
        self._tally = tally
        self._rules = rules
        self._memo_seconds = max(1, int(memo_for.total_seconds()))
        self._progress = progress or NoProgress()

    def apply(self, items: Sequence[SocialItem]) -> None:
        if not items:
            return
        self._tally.fetched += len(items)
        self._progress.found(len(items))
        digests = [digest(item) for item in items]
        known = cast("list[bytes | None]",
                     self._redis.mget([memo_key(item) for item in items]))
        for item, said, memo in zip(items, digests, known, strict=True):
            if memo is not None and memo.decode() == said:
                self._tally.skipped += 1
            else:
                self._apply_one(item, said)
            self._progress.applied(1)

    def _apply_one(self, item: SocialItem, said: str) -> None:
        rules = self._rules
        if isinstance(rules, SyncSteps):
            summary = ingest_with(self._redis, self._crm, item.to_json(), steps=rules.steps,
                                  annotate=rules.annotate, prepare=rules.prepare,
                                  site=rules.rules)
        else:
            summary = ingest_with(self._redis, self._crm, item.to_json(), steps=rules)
        outcome = summary.get("outcome")
        if outcome == "created":
            self._tally.created += 1
        elif outcome == "updated":
            self._tally.updated += 1
        else:
            self._tally.skipped += 1
        self._redis.set(memo_key(item), said, ex=self._memo_seconds)
