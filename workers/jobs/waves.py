"""The complaint-wave clock as an RQ job (the scheduler's ``wave-check``, every 5 minutes).

A wave ends when nothing more comes, so something must let the alerting sources' time run
on: this job does, and tells the managers (the site's rules) each all-clear."""

from __future__ import annotations

from rq import get_current_job

from plugin.sync.steps import SyncSteps
from workers import runtime, wave_alerts
from workers.jobs.ingest import STEPS_OPTION

FUNCTION = "workers.jobs.waves.check_job"


def check_job() -> dict[str, int]:
    current = runtime.current()
    job = get_current_job()
    connection = job.connection if job is not None else current.redis()
    steps = current.options.get(STEPS_OPTION)
    managers = steps.rules.managers if isinstance(steps, SyncSteps) else ()
    return {"all_clear": wave_alerts.check_all(connection, managers)}
