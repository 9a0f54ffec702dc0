"""The poll jobs: one incremental sync per connected Page or organization, on ``sync``.

``poll_all`` is what the scheduler runs every few minutes: it queues one ``poll_account``
job per connection in the registry (``workers.connections``). Each account's job has a
fixed id (``poll-<network>-<hash of the account>``), so while one poll of an account is
queued, running or waiting for a retry, another is refused by RQ (the next tick finds it
busy and moves on); a finished or failed one is replaced. Inside, the poll also holds the
account's lock (``workers.polling.core.account_lock``), which a manual ``socialcrm sync``
takes too.

Failures: a network or SuiteCRM outage, a throttle longer than the clients wait, raise
and RQ retries with backoff; the watermarks stay where they were, so the retry reads the
same span. A token the network refuses fails at once with what to do (reconnect the
account): retrying cannot heal it. A token that lacks the permission of one stream (leads,
say) syncs the other streams, then fails the job with the missing permission, so the
gap shows in the failed registry instead of passing unseen. Sync steps come from the
runtime as for ingest.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from typing import Any, cast

import redis
from rq import get_current_job
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from connectors.errors import AuthenticationError, PermissionDeniedError
from workers import connections, queues, runtime
from workers.jobs.ingest import STEPS_OPTION
from workers.polling import PollBusy, PollOptions, poll_organization, poll_page
from workers.polling.applying import Rules
from workers.queues import JobPolicy
from workers.throttle import obeys_retry_after

log = logging.getLogger(__name__)

FUNCTION = "workers.jobs.poll.poll_account"
POLL_ALL = "workers.jobs.poll.poll_all"
POLICY = JobPolicy(timeout_seconds=1800, retries=3, backoff_seconds=(60, 300, 900),
                   result_ttl_seconds=3600)
_DONE = (JobStatus.FINISHED, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED)
PERMANENT = (AuthenticationError, PermissionDeniedError, runtime.RuntimeNotInstalled)


class PollFailed(Exception):
    """A poll no retry can make succeed; the message says what to fix."""


def job_id(network: str, account_id: str) -> str:
    """The one job id of an account's poll (RQ ids allow only ``[A-Za-z0-9_-]``)."""
    digest = hashlib.sha256(f"{network}\x1f{account_id}".encode()).hexdigest()[:32]
    return f"poll-{network}-{digest}"


def enqueue_poll(connection: redis.Redis, network: str, account_id: str, *,
                 since: datetime | None = None, policy: JobPolicy = POLICY) -> bool:
    """Queue a poll of one account; False when one is already queued, running or retrying."""
    args: list[Any] = [network, account_id]
    if since is not None:
        args.append(since.isoformat())
    ident = job_id(network, account_id)
    if queues.enqueue(connection, "sync", FUNCTION, *args, job_id=ident, policy=policy):
        return True
    try:
        earlier = Job.fetch(ident, connection=connection)
    except NoSuchJobError:  # it ended between the two calls
        return queues.enqueue(connection, "sync", FUNCTION, *args, job_id=ident,
                              policy=policy)
    if earlier.get_status(refresh=True) not in _DONE:
        return False
    if earlier.is_failed:
        latest = earlier.latest_result()
        reason = (latest.exc_string or "") if latest is not None else ""
        log.warning("the last poll of %s %s failed: %s", network, account_id,
                    reason.strip().splitlines()[-1] if reason.strip() else "no reason kept")
    earlier.delete()
    return queues.enqueue(connection, "sync", FUNCTION, *args, job_id=ident, policy=policy)


def poll_all() -> dict[str, int]:
    """Scheduler entry point: queue a poll of every connected account."""
    return queue_polls(_connection())


def queue_polls(connection: redis.Redis) -> dict[str, int]:
    """Queue a poll of every connected account; how many were queued, how many were
    already queued or running."""
    queued = busy = 0
    for account in connections.all_connections(connection):
        if enqueue_poll(connection, account.network, account.account_id):
            queued += 1
        else:
            busy += 1
    return {"queued": queued, "already_queued": busy}


@obeys_retry_after
def poll_account(network: str, account_id: str, since: str | None = None) -> dict[str, Any]:
    """RQ entry point: one incremental sync of one account with the runtime's clients."""
    job = get_current_job()
    try:
        current = runtime.current()
        connection = job.connection if job is not None else current.redis()
        options = PollOptions(rules=cast("Rules", current.options.get(STEPS_OPTION, ())))
        when = datetime.fromisoformat(since) if since else None
        if network == "facebook":
            if current.facebook is None:
                raise runtime.RuntimeNotInstalled("this worker has no Facebook clients")
            result = poll_page(connection, current.suitecrm(), current.facebook(account_id),
                               account_id, when, options=options)
        elif network == "linkedin":
            if current.linkedin is None:
                raise runtime.RuntimeNotInstalled("this worker has no LinkedIn clients")
            result = poll_organization(connection, current.suitecrm(),
                                       current.linkedin(account_id), account_id, when,
                                       options=options)
        else:
            raise PollFailed(f"unknown network {network!r}: facebook or linkedin")
    except PollBusy as exc:
        return {"network": network, "account_id": account_id, "busy": str(exc)}
    except PERMANENT as exc:
        if job is not None:
            job.retries_left = 0  # a refused token or a missing runtime never heals alone
        raise PollFailed(f"{network} {account_id}: {exc}; reconnect the account "
                         "(`socialcrm connect`) or fix the worker's settings") from exc
    if result.unread:
        if job is not None:
            job.retries_left = 0
        unread = "; ".join(f"{name}: {why}" for name, why in result.unread.items())
        raise PollFailed(f"{network} {account_id}: synced {result.summary()}, but the "
                         f"token may not read {unread}. Reconnect the account with the "
                         "missing permission (`socialcrm connect`)")
    return result.summary()


def _connection() -> redis.Redis:
    job = get_current_job()
    return job.connection if job is not None else runtime.current().redis()
