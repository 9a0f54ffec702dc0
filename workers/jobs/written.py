"""What the sync wrote, told to those who must know: the loop guard and the reps' feeds.

Shared by the ingest job and the jobs that write after it (``workers.jobs.responses``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime

import redis

from connectors.errors import ConnectorError
from connectors.suitecrm import Record, SuiteCRMClient
from plugin.sync.results import Upserted
from workers import own_writes
from workers.feed_items import KIND_OF_MODULE
from workers.jobs import feed

log = logging.getLogger(__name__)


def remember_own_writes(connection: redis.Redis, writes: Iterable[Upserted]) -> None:
    """Tell the loop guard (``workers.own_writes``) which records the service itself just
    wrote, so that their changes coming back from SuiteCRM are not taken for a person's.
    SuiteCRM answers every write with its ``date_modified``; should one lack it, the
    write's moment is now."""
    for written in writes:
        own_writes.remember(connection, written.module, written.record_id,
                            written.date_modified or datetime.now(UTC))


def publish_writes(connection: redis.Redis, crm: SuiteCRMClient,
                   writes: Iterable[Upserted]) -> None:
    """Put what the sync wrote into the reps' feeds now, from SuiteCRM's own answers.

    The same changes also come back through SuiteCRM's change outbox, marked as the
    service's own; the feed then finds their version already there and reads nothing
    (``workers.jobs.feed``), and the outbox is drained by the notices and the scheduler,
    not by one more job per item. A publish that fails on SuiteCRM (the account owner
    could not be read) is left to that road, which reads the record again."""
    latest: dict[tuple[str, str], Record] = {}
    for written in writes:
        if written.record is not None and written.module in KIND_OF_MODULE:
            latest[(written.module, written.record_id)] = written.record
    for (module, _), record in latest.items():
        try:
            feed.publish_record(connection, crm, module, record)
        except ConnectorError as exc:
            log.warning("feed: %s %s left to the change outbox: %s", module, record.id, exc)
