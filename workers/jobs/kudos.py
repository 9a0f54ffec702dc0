"""Kudos as an RQ job (queue ``sync``), off the ingest's hot path.

The ingest decides in memory whether an interaction is praise worth sharing
(``plugin.advocates.kudos_in``, no SuiteCRM call) and queues this job only then; the job
reads the account's team (a few SuiteCRM calls, remembered for a while) and shares the
kudos (``workers.kudos.kudos_for``, once per interaction). So a comment still costs the
ingest one SuiteCRM call, praise or not.
"""

from __future__ import annotations

from typing import Any

import redis
from rq import get_current_job

from plugin.sync.steps import SyncSteps
from workers import queues, runtime
from workers.kudos import FIELDS, kudos_for
from workers.queues import JobPolicy

FUNCTION = "workers.jobs.kudos.share_job"
INTERACTIONS = "SCRM_SocialInteractions"
POLICY = JobPolicy(timeout_seconds=120, retries=3, backoff_seconds=(30, 120, 600),
                   result_ttl_seconds=3600)


def enqueue_share(connection: redis.Redis, interaction_id: str) -> bool:
    """Queue the kudos of one interaction (once: the job id is derived from it)."""
    return queues.enqueue(connection, "sync", FUNCTION, interaction_id,
                          job_id=f"kudos-{interaction_id}", policy=POLICY)


def share_job(interaction_id: str) -> dict[str, Any]:
    from workers.jobs.ingest import STEPS_OPTION  # the ingest queues this job: no cycle

    current = runtime.current()
    job = get_current_job()
    connection = job.connection if job is not None else current.redis()
    crm = current.suitecrm()
    steps = current.options.get(STEPS_OPTION)
    rules = steps.rules.kudos if isinstance(steps, SyncSteps) else None
    record = crm.get(INTERACTIONS, interaction_id, fields=FIELDS)
    return kudos_for(connection, crm, record, rules=rules).as_dict()
