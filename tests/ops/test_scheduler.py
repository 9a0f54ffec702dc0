"""``socialcrm scheduler`` on RQ's own cron scheduler: the table's jobs really get
enqueued on time, run on a worker, and leave their alerts; one leader at a time."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from rq.cron import get_cron_job_ids

from tests.ops.conftest import ROOT
from workers import alerts
from workers.jobs.checks import CHECK_API_VERSIONS
from workers.queues import queue
from workers.schedule import LEADER_KEY, SCHEDULE, Periodic, build_scheduler


def test_list_prints_the_table_and_bad_overrides_name_the_entries(run):
    listed = run("scheduler", "--list", "--every", "api-versions=30", "--alert-days", "9")
    assert listed.code == 0, listed.text
    assert all(entry.name in listed.out for entry in SCHEDULE)
    assert "every 30s" in listed.out and "alert_days=9" in listed.out
    bad = run("scheduler", "--list", "--every", "backfill=5")
    assert bad.code == 2 and "no schedule entry backfill" in bad.err
    assert all(entry.name in bad.err for entry in SCHEDULE)


def wait_for(condition, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_the_scheduler_enqueues_periodic_jobs_that_workers_run(run, env, redis_client):
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "socialcrm", "scheduler", "--every", "api-versions=1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: len(get_cron_job_ids("api-versions", redis_client)) >= 2), \
            "the API-version check was not enqueued twice"
        assert len(get_cron_job_ids("token-expiry", redis_client)) == 1  # every 6 h: once
        assert redis_client.get(LEADER_KEY) is not None
    finally:
        scheduler.send_signal(signal.SIGTERM)
        _, err = scheduler.communicate(timeout=30)
    assert scheduler.returncode == 0, err
    assert redis_client.get(LEADER_KEY) is None  # the lease is handed back on a clean stop

    sync = queue(redis_client, "sync")
    assert sync.count >= 3
    assert {job.func_name for job in sync.jobs} >= {CHECK_API_VERSIONS}
    old_graph = {**env, "FACEBOOK_GRAPH_VERSION": "v22.0"}  # the oldest Graph still served
    done = run("worker", "--burst", "--queues", "sync", environment=old_graph)
    assert done.code == 0, done.text
    assert sync.count == 0 and sync.failed_job_registry.count == 0
    stored = {a.key: a.finding for a in alerts.all_alerts(redis_client)}
    assert stored["versions:facebook"].level == "WARN"
    assert "FACEBOOK_GRAPH_VERSION" in stored["versions:facebook"].fix
    assert "versions:linkedin" not in stored  # the LinkedIn version is fine: no alert


def test_only_the_leader_enqueues_and_a_standby_takes_over(redis_client):
    probe = Periodic("probe", "tests.ops.sample_jobs.record", every=1,
                     kwargs={"key": "ops:probe", "label": "x"})
    leader, standby = build_scheduler(redis_client, [probe]), \
        build_scheduler(redis_client, [probe])
    for scheduler in (leader, standby):
        scheduler.register_birth()  # as ``start()`` does
    assert [job.name for job in leader.enqueue_jobs()] == ["probe"]
    assert standby.enqueue_jobs() == []  # the lease is the leader's
    leader.register_death()
    assert [job.name for job in standby.enqueue_jobs()] == ["probe"]
    assert redis_client.get(LEADER_KEY) == standby.name.encode()
    assert queue(redis_client, "sync").count == 2
