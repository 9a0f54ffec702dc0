"""The SLA watch as an RQ job (the scheduler runs it every minute on ``webhooks``).

The job takes no arguments: the process runtime gives it the service account's SuiteCRM
client and the site's rules (``SyncSteps.rules``: the SLA policy's ``warn_before`` and the
team's managers); ``workers.sla_watch`` does the work.
"""

from __future__ import annotations

from datetime import UTC, datetime

from rq import get_current_job

from plugin.sync.rules import SyncRules
from plugin.sync.steps import SyncSteps
from workers import runtime
from workers.jobs.ingest import STEPS_OPTION
from workers.sla_watch import watch
from workers.throttle import obeys_retry_after

FUNCTION = "workers.jobs.sla.watch_job"


@obeys_retry_after
def watch_job() -> dict[str, int]:
    current = runtime.current()
    job = get_current_job()
    connection = job.connection if job is not None else current.redis()
    steps = current.options.get(STEPS_OPTION)
    rules = steps.rules if isinstance(steps, SyncSteps) else SyncRules()
    return watch(connection, current.suitecrm(), policy=rules.cases.sla,
                 managers=rules.managers, now=datetime.now(UTC)).as_dict()
