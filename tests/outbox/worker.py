"""A worker process for the outbox tests: it installs the runtime ``socialcrm worker``
would (the service account's SuiteCRM client), then runs RQ's worker in burst mode on the
webhooks queue, so the drain job runs by name in another process as in production.

usage: python -m tests.outbox.worker <redis url> <suitecrm url>

The workers here leave out RQ's command channel (the pubsub thread through which
``rq suspend`` and friends reach a worker): with rq 3.0 and redis-py 8 its thread waits up
to 60 s for a subscription it already lost when a burst worker stops, which would make
these tests slow or time out for nothing they check.
"""

from __future__ import annotations

import sys
from typing import Any

import redis
from rq import SimpleWorker, Worker

from connectors.suitecrm import SuiteCRMClient
from sandboxes.suitecrm import DEMO_SYNC_CLIENT
from workers import runtime
from workers.queues import queue_name


class _NoCommandChannel:
    def subscribe(self) -> None:
        """No pubsub thread (see the module docstring)."""

    def unsubscribe(self) -> None:
        """Nothing to stop."""


class BurstWorker(_NoCommandChannel, Worker):
    """RQ's forking worker, without the command channel."""


class BurstSimpleWorker(_NoCommandChannel, SimpleWorker):
    """RQ's in-process worker, without the command channel."""


def run_burst(worker_class: Any, connection: redis.Redis, queues: list[str]) -> None:
    worker_class(queues, connection=connection).work(burst=True)


def main(redis_url: str, suitecrm_url: str) -> None:
    runtime.install(runtime.Runtime(redis_url=redis_url, suitecrm=runtime.cached(
        lambda: SuiteCRMClient.service_account(suitecrm_url, *DEMO_SYNC_CLIENT))))
    connection = redis.Redis.from_url(redis_url)
    run_burst(BurstWorker, connection, [queue_name("webhooks")])


if __name__ == "__main__":
    main(*sys.argv[1:3])
