"""``socialcrm worker`` runs real jobs in real processes; ``socialcrm jobs`` shows and
mends what failed. Jobs are put on the queues through the one enqueue facade."""

from __future__ import annotations

import uuid

import pytest
from rq.job import Job

from workers.queues import JobPolicy, enqueue, queue

SAMPLE = "tests.ops.sample_jobs."
NO_RETRY = JobPolicy(retries=0)


def put(redis_client, purpose, function, *args, **kwargs) -> str:
    """Enqueue through the facade (keyword arguments, which it does not take, directly)."""
    job_id = f"test-{uuid.uuid4().hex[:12]}"
    if kwargs:
        queue(redis_client, purpose).enqueue_call(SAMPLE + function, args=args, kwargs=kwargs,
                                                  job_id=job_id)
    else:
        assert enqueue(redis_client, purpose, SAMPLE + function, *args, job_id=job_id,
                       policy=NO_RETRY)
    return job_id


def test_a_burst_worker_runs_a_job_with_the_runtime_built_from_settings(run, redis_client):
    job_id = put(redis_client, "crm", "note_service_user", "ops:users")
    done = run("worker", "--burst")
    assert done.code == 0, done.text
    assert Job.fetch(job_id, connection=redis_client).get_status() == "finished"
    user, _, pid = redis_client.lrange("ops:users", 0, -1)[0].decode().partition(":")
    assert user == "admin" and pid.isdigit()


def test_jobs_are_taken_in_priority_order_a_backfill_waits(run, redis_client):
    put(redis_client, "sync", "record", "ops:order", "sync")
    put(redis_client, "webhooks", "record", "ops:order", "webhooks")
    put(redis_client, "crm", "record", "ops:order", "crm")
    assert run("worker", "--burst").code == 0
    assert redis_client.lrange("ops:order", 0, -1) == [b"crm", b"webhooks", b"sync"]


def test_a_worker_serves_only_the_queues_it_is_given(run, redis_client):
    put(redis_client, "sync", "record", "ops:served", "sync")
    put(redis_client, "outbound", "record", "ops:served", "outbound")
    assert run("worker", "--burst", "--queues", "outbound").code == 0
    assert redis_client.lrange("ops:served", 0, -1) == [b"outbound"]
    assert queue(redis_client, "sync").count == 1
    bad = run("worker", "--burst", "--queues", "backfill")
    assert bad.code == 2 and "unknown queue backfill" in bad.err


def test_a_pool_of_processes_runs_every_job(run, redis_client):
    ids = [put(redis_client, "crm", "note_service_user", "ops:pool") for _ in range(4)]
    done = run("worker", "--burst", "--processes", "2")
    assert done.code == 0, done.text
    assert [Job.fetch(i, connection=redis_client).get_status() for i in ids] == ["finished"] * 4
    assert redis_client.llen("ops:pool") == 4


def test_failed_job_shows_its_reason_requeue_runs_it_again_purge_empties(run, redis_client):
    job_id = put(redis_client, "webhooks", "needs_flag", "ops:flag")
    assert run("worker", "--burst").code == 0
    failed = run("jobs", "failed")
    assert failed.code == 0
    assert job_id in failed.out and "reason: LookupError: flag ops:flag is not set" in failed.out
    assert "Traceback" not in failed.out
    assert "Traceback" in run("jobs", "failed", "--verbose").out

    redis_client.set("ops:flag", "1")
    requeued = run("jobs", "requeue", job_id)
    assert requeued.code == 0 and f"requeued {job_id}" in requeued.out
    assert run("worker", "--burst").code == 0
    assert Job.fetch(job_id, connection=redis_client).get_status() == "finished"
    assert "no failed jobs" in run("jobs", "failed").out

    others = [put(redis_client, "sync", "needs_flag", "ops:never") for _ in range(2)]
    assert run("worker", "--burst").code == 0
    assert all(i in run("jobs", "failed").out for i in others)
    purged = run("jobs", "purge", "--yes")
    assert purged.code == 0 and "deleted 2 failed job(s)" in purged.out
    assert queue(redis_client, "sync").failed_job_registry.count == 0
    assert "no failed jobs" in run("jobs", "failed").out


def test_requeue_all_puts_every_failed_job_back(run, redis_client):
    ids = [put(redis_client, "crm", "needs_flag", "ops:all") for _ in range(3)]
    assert run("worker", "--burst").code == 0
    redis_client.set("ops:all", "1")
    assert "requeued 3 job(s)" in run("jobs", "requeue", "--all").out
    assert run("worker", "--burst").code == 0
    assert {Job.fetch(i, connection=redis_client).get_status() for i in ids} == {"finished"}


@pytest.mark.parametrize("job_id", ["no-such-job", None])
def test_requeue_of_a_job_that_is_not_failed_is_one_line_exit_1(run, redis_client, job_id):
    if job_id is None:
        job_id = put(redis_client, "crm", "record", "ops:x", "queued")  # queued, not failed
    done = run("jobs", "requeue", job_id)
    assert done.code == 1
    assert len(done.err.strip().splitlines()) == 1 and job_id in done.err


def test_jobs_list_counts_and_lists_jobs_with_secrets_masked(run, redis_client, env):
    key = env["SOCIALCRM_SECRET_KEY"]
    job_id = put(redis_client, "outbound", "record", "ops:list", key,
                 access_token="EAAG-should-never-show-123456")
    done = run("jobs", "list")
    assert done.code == 0, done.text
    row = next(line for line in done.out.splitlines() if line.startswith("socialcrm-outbound"))
    assert row.split()[1:] == ["1", "0", "0", "0", "0"]
    assert job_id in done.out and SAMPLE + "record" in done.out
    assert key not in done.out and "EAAG-should-never-show" not in done.out
    assert "access_token=***" in done.out


def test_commands_need_redis_url_and_say_so(run, env):
    without = {k: v for k, v in env.items() if k != "REDIS_URL"}
    for args in (("worker", "--burst"), ("jobs", "list")):
        done = run(*args, environment=without)
        assert done.code == 1 and "REDIS_URL is not set" in done.err
