"""The reconcile job: one pass of ``workers.reconcile`` with the runtime's SuiteCRM client.

The scheduler runs it every few minutes on the ``sync`` queue. A pass already running
(a slow SuiteCRM, a long first pass) makes this one return at once: the next tick comes.
SuiteCRM unreachable raises and RQ retries; the watermarks have not moved.
"""

from __future__ import annotations

from typing import Any

from rq import get_current_job

from workers import runtime
from workers.reconcile import ReconcileBusy, reconcile

FUNCTION = "workers.jobs.reconcile.reconcile_changes"


def reconcile_changes() -> dict[str, Any]:
    """RQ entry point: one reconcile pass over the hooked modules."""
    job = get_current_job()
    current = runtime.current()
    connection = job.connection if job is not None else current.redis()
    try:
        return reconcile(connection, current.suitecrm()).summary()
    except ReconcileBusy as exc:
        return {"busy": str(exc)}
