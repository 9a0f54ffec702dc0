"""A real RQ worker process with a SocialCRM runtime, for the tests.

``python -m tests.sync.worker_process REDIS_URL SUITECRM_URL QUEUE...`` installs a
``Runtime`` whose SuiteCRM client is the sandbox's service account (or, for the live suite,
the one named by ``SOCIALCRM_TEST_WORKER_CLIENT_ID``/``_SECRET`` in its environment: never
on the command line, where any user could read it), then works the queues
in burst mode and exits when they are empty. First, RQ's own scheduler queues the jobs whose
retry is due (what ``rq worker --with-scheduler`` does at start in burst mode).

The worker does not subscribe to RQ's command channel (stop-job, shutdown): with rq 3.0 and
redis-py 8, a worker's teardown can wait a full minute for its pub/sub thread (the thread
sleeps 60 s in ``get_message`` once unsubscribed, and ``stop()`` joins it without a
timeout), which would make every burst here take a minute at random.
"""

from __future__ import annotations

import os
import sys

import redis
from rq import Queue, SimpleWorker
from rq.scheduler import RQScheduler

from connectors.suitecrm import SuiteCRMClient
from connectors.transport import RetryPolicy
from sandboxes.suitecrm import DEMO_SYNC_CLIENT
from workers import runtime

RETRY = RetryPolicy(max_attempts=2, base_delay=0.01, jitter=lambda: 0.0)


class BurstWorker(SimpleWorker):  # type: ignore[misc]
    """RQ's in-process worker without the command channel (see the module docstring)."""

    def subscribe(self) -> None:
        return


def main(argv: list[str]) -> int:
    redis_url, suitecrm_url, *queue_names = argv
    client_id = os.environ.get("SOCIALCRM_TEST_WORKER_CLIENT_ID") or DEMO_SYNC_CLIENT[0]
    secret = os.environ.get("SOCIALCRM_TEST_WORKER_CLIENT_SECRET") or DEMO_SYNC_CLIENT[1]
    runtime.install(runtime.Runtime(
        redis_url=redis_url,
        suitecrm=runtime.cached(lambda: SuiteCRMClient.service_account(
            suitecrm_url, client_id, secret, timeout=10.0, retry=RETRY))))
    connection = redis.Redis.from_url(redis_url)
    queues = [Queue(name, connection=connection) for name in queue_names]
    scheduler = RQScheduler(queues, connection=connection)
    if scheduler.acquire_locks():  # another worker may be doing it right now
        try:
            scheduler.enqueue_scheduled_jobs()
        finally:
            scheduler.release_locks()
    BurstWorker(queues, connection=connection).work(burst=True, logging_level="WARNING")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
