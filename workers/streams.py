"""The Redis streams where events wait for the sync rules and the feed: one per source.

Why a stream: it keeps order, lets several consumer groups read at their own pace, and
survives a restart with Redis' AOF. Intake (webhooks), the SuiteCRM outbox drain and the
reconcile all append here, so the names and the cap live in one place.
"""

from __future__ import annotations

from workers.deliveries import Source

STREAM_PREFIX = "socialcrm:events:"
STREAM_MAXLEN = 100_000  # approximate cap: the readers drain far faster than this fills


def stream_key(source: Source) -> str:
    return STREAM_PREFIX + source
