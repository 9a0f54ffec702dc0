"""The poll jobs on real ``socialcrm worker --burst`` processes (connected mode on the
sandboxes, the Page connected with ``socialcrm connect``): one job per account at a time,
a finished one replaced, and a missing permission that fails the job only after the
streams it could read were committed."""

from __future__ import annotations

import redis
from rq.job import Job, JobStatus

from connectors.suitecrm import SuiteCRMClient
from sandboxes.facebook import FacebookSandbox
from tests.polling.conftest import by_external_id, socialcrm
from workers import watermarks
from workers.jobs import poll
from workers.queues import queue
from workers.watermarks import StreamKey


def connect(env: dict[str, str], sandbox: FacebookSandbox) -> None:
    done = socialcrm(env, "connect", "facebook", "--page-id", sandbox.page_id, "--token",
                     sandbox.page_token, "--no-subscribe")
    assert done.returncode == 0, done.stdout + done.stderr


def work(env: dict[str, str]) -> None:
    done = socialcrm(env, "worker", "--burst", "--queues", "sync")
    assert done.returncode == 0, done.stdout + done.stderr


def test_one_poll_per_account_is_queued_run_by_a_worker_and_then_replaced(
        env: dict[str, str], redis_client: redis.Redis, crm: SuiteCRMClient,
        facebook_sandbox: FacebookSandbox):
    connect(env, facebook_sandbox)
    page = facebook_sandbox.page_id
    assert poll.queue_polls(redis_client) == {"queued": 1, "already_queued": 0}
    assert poll.queue_polls(redis_client) == {"queued": 0, "already_queued": 1}
    assert not poll.enqueue_poll(redis_client, "facebook", page)  # one is already queued
    assert len(queue(redis_client, "sync")) == 1

    work(env)

    job = Job.fetch(poll.job_id("facebook", page), connection=redis_client)
    assert job.get_status() == JobStatus.FINISHED
    store = facebook_sandbox.store
    expected = set(store.ids_of("post")) | set(store.ids_of("comment")) | set(
        store.ids_of("lead"))
    assert set(by_external_id(crm)) == expected
    assert job.return_value()["created"] == len(expected)
    assert poll.enqueue_poll(redis_client, "facebook", page)  # the finished job is replaced


def test_a_missing_permission_fails_the_job_after_the_readable_streams_are_committed(
        env: dict[str, str], redis_client: redis.Redis, crm: SuiteCRMClient,
        facebook_sandbox: FacebookSandbox):
    connect(env, facebook_sandbox)
    page = facebook_sandbox.page_id
    facebook_sandbox.state.remove_scopes(facebook_sandbox.page_token, ["leads_retrieval"])
    assert poll.enqueue_poll(redis_client, "facebook", page)

    work(env)

    job = Job.fetch(poll.job_id("facebook", page), connection=redis_client)
    assert job.get_status() == JobStatus.FAILED
    latest = job.latest_result()
    assert latest is not None and latest.exc_string
    reason = latest.exc_string.strip().splitlines()[-1]
    assert "leads" in reason and "socialcrm connect" in reason
    assert set(facebook_sandbox.store.ids_of("comment")) <= set(by_external_id(crm))
    comments = watermarks.load(redis_client, StreamKey("facebook", page, "comments"))
    leads = watermarks.load(redis_client, StreamKey("facebook", page, "leads"))
    assert (comments.version, leads.version) == (1, 0)
    assert poll.enqueue_poll(redis_client, "facebook", page)  # a failed poll is replaced
