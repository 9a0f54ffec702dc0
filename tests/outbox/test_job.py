"""The drain job: woken by notices, one waiting and one running at a time, run by RQ."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from connectors.suitecrm import SuiteCRMClient
from sandboxes.suitecrm import SuiteCRMSandbox
from tests.outbox.conftest import outbox_rows, stream, task
from tests.outbox.worker import BurstSimpleWorker, run_burst
from workers import crm_outbox, runtime
from workers.jobs import outbox as outbox_job
from workers.queues import queue, queue_name

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def installed(redis_url: str, crm: SuiteCRMClient) -> Iterator[runtime.Runtime]:
    current = runtime.Runtime(redis_url=redis_url, suitecrm=lambda: crm,
                              options={outbox_job.KEEP_OPTION: 0})
    runtime.install(current)
    try:
        yield current
    finally:
        runtime.uninstall()


def waiting_jobs(client: redis.Redis) -> list[str]:
    return list(queue(client, outbox_job.PURPOSE).job_ids)


def test_wake_ups_queue_one_drain_while_one_waits(redis_client: redis.Redis) -> None:
    assert outbox_job.request_drain(redis_client) is True
    assert outbox_job.request_drain(redis_client) is False
    assert outbox_job.request_drain(redis_client) is False
    (job_id,) = waiting_jobs(redis_client)
    assert job_id.startswith("suitecrm-outbox-")
    assert queue(redis_client, "webhooks").fetch_job(job_id).func_name == outbox_job.FUNCTION


def test_the_job_drains_and_a_wake_up_during_it_queues_the_next(
        installed: runtime.Runtime, crm: SuiteCRMClient, redis_client: redis.Redis) -> None:
    first = [task(crm, f"Wake {n}") for n in range(crm_outbox.LOOKBACK + 5)]
    assert outbox_job.request_drain(redis_client)
    woken_during: list[bool] = []
    real_drain = outbox_job.drain

    def drain_and_see_a_wake_up(*args: object, **kwargs: object) -> object:
        if not woken_during:  # a notice arrives while the first drain runs
            woken_during.append(outbox_job.request_drain(redis_client))
        return real_drain(*args, **kwargs)  # type: ignore[arg-type]

    outbox_job.drain = drain_and_see_a_wake_up  # type: ignore[assignment]
    try:
        run_burst(BurstSimpleWorker, redis_client, [queue_name("webhooks")])
    finally:
        outbox_job.drain = real_drain  # type: ignore[assignment]
    assert woken_during == [True], "a wake-up while a drain runs queues the next"
    assert [i.event["record_id"] for i in stream(redis_client)] == first
    # the job keeps the look-back's rows whatever margin it is given (here 0)
    assert [row[2] for row in outbox_rows(crm)] == first[-crm_outbox.LOOKBACK:]
    assert waiting_jobs(redis_client) == [], "the burst ran the second drain too"


def test_a_real_worker_process_runs_the_drain_by_name(
        crm: SuiteCRMClient, redis_client: redis.Redis, redis_url: str,
        sandbox: SuiteCRMSandbox) -> None:
    ids = [task(crm, f"Worker {n}") for n in range(4)]
    assert outbox_job.request_drain(redis_client)
    done = subprocess.run([sys.executable, "-m", "tests.outbox.worker", redis_url, sandbox.url],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert [i.event["record_id"] for i in stream(redis_client)] == ids
    # no option in this worker's runtime: the default margin of applied rows stays
    assert len(outbox_rows(crm)) == 4
    assert crm_outbox.waiting_to_prune(redis_client) == 4
    assert redis_client.exists(outbox_job.QUEUED_KEY) == 0


def test_a_drain_waits_for_the_running_one_then_drains_what_is_left(
        installed: runtime.Runtime, crm: SuiteCRMClient, redis_client: redis.Redis) -> None:
    ids = [task(crm, f"Locked {n}") for n in range(3)]
    held = redis_client.lock(outbox_job.LOCK_KEY, timeout=60)
    assert held.acquire(blocking=False)
    results: list[object] = []
    second = threading.Thread(target=lambda: results.append(
        outbox_job.drain_once(redis_client, installed)))
    second.start()
    second.join(timeout=0.5)
    assert stream(redis_client) == [], "nothing is drained while another drain holds the lock"
    held.release()
    second.join(timeout=60)
    assert not second.is_alive()
    assert [i.event["record_id"] for i in stream(redis_client)] == ids


def test_the_job_needs_the_worker_s_runtime(redis_client: redis.Redis) -> None:
    runtime.uninstall()
    with pytest.raises(runtime.RuntimeNotInstalled):
        outbox_job.drain_job()
