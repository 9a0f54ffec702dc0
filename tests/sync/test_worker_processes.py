"""Real `rq` worker processes (with a runtime) on the sandbox over HTTP: two workers on the
same items at once still make one record each, and an outage is retried until applied."""

from __future__ import annotations

import random
import time

import redis
from rq.job import Job, JobStatus

from connectors.suitecrm import Filter, SuiteCRMClient
from sandboxes.suitecrm import SuiteCRMSandbox
from tests.sync.conftest import interactions
from tests.sync.events import facebook
from tests.sync.processes import finish, run_workers, start_worker
from workers.jobs import ingest
from workers.queues import JobPolicy, queue_name

AT_ONCE = JobPolicy(retries=3, backoff_seconds=(0,))
POST = "104200000000001_4001"


def events_of(uid: str, n: int) -> list[dict]:
    """Add, two edits and a hide of one comment; times one minute apart, in order."""
    base = 1_770_000_000
    comment = f"{uid}_{n}"
    return [
        facebook("comment", comment_id=comment, post_id=POST, text=f"v1 {n}",
                 sender_id=f"p{uid}", created_time=base),
        facebook("comment", comment_id=comment, post_id=POST, text=f"v2 {n}", verb="edited",
                 sender_id=f"p{uid}", created_time=base + 60),
        facebook("comment", comment_id=comment, post_id=POST, text=f"v3 {n} ✅",
                 verb="edited", sender_id=f"p{uid}", created_time=base + 120),
        facebook("comment", comment_id=comment, post_id=POST, verb="hide",
                 sender_id=f"p{uid}", created_time=base + 180) | {"body": None},
    ]


def test_two_workers_on_the_same_items_at_once_make_one_record_each(
        redis_client: redis.Redis, redis_url: str, crm: SuiteCRMClient,
        sandbox: SuiteCRMSandbox, uid: str):
    events = [event for n in range(12) for event in events_of(uid, n)]
    random.Random(uid).shuffle(events)  # any delivery order
    assert all(ingest.enqueue_event(redis_client, e, policy=AT_ONCE) for e in events)
    run_workers(2, redis_url, sandbox.url, queue_name("webhooks"))
    statuses = {Job.fetch(ingest.job_id(e), connection=redis_client).get_status()
                for e in events}
    assert statuses == {JobStatus.FINISHED}
    for n in range(12):
        (record,) = interactions(crm, f"{uid}_{n}")
        assert (record["body"], record["status"]) == (f"v3 {n} ✅", "hidden")
    profiles = list(crm.iterate("SCRM_SocialProfiles",
                                filter=Filter.where(
                                    external_id=f"p{uid}")))
    assert len(profiles) == 1


def test_suitecrm_down_for_a_while_is_retried_by_a_worker_process_until_applied(
        redis_client: redis.Redis, redis_url: str, crm: SuiteCRMClient,
        sandbox: SuiteCRMSandbox, uid: str):
    event = facebook("comment", comment_id=f"{uid}_1", post_id=POST, text="пережили 🙂")
    ingest.enqueue_event(redis_client, event,
                         policy=JobPolicy(retries=5, backoff_seconds=(1,)))
    sandbox.pause_listening()  # connections refused: SuiteCRM is down
    try:
        finish(start_worker(redis_url, sandbox.url, queue_name("webhooks")))
    finally:
        sandbox.resume_listening()
    job = Job.fetch(ingest.job_id(event), connection=redis_client)
    assert job.get_status() == JobStatus.SCHEDULED  # failed once, retry planned
    assert interactions(crm, f"{uid}_1") == []
    for _ in range(20):  # each run first queues the retries that are due
        finish(start_worker(redis_url, sandbox.url, queue_name("webhooks")))
        if job.get_status(refresh=True) == JobStatus.FINISHED:
            break
        time.sleep(0.5)
    assert job.get_status() == JobStatus.FINISHED
    assert job.retries_left == 4
    (record,) = interactions(crm, f"{uid}_1")
    assert record["body"] == "пережили 🙂"
