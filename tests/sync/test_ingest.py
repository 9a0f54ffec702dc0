"""The ingest job with real Redis and RQ: one job per event, the item's records once, bad
data failed at once with a reason, SuiteCRM failures retried until applied."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import redis
from rq import Queue
from rq.job import Job, JobStatus

from connectors.errors import AuthenticationError
from connectors.suitecrm import SuiteCRMClient
from connectors.transport import CallCounter
from sandboxes.suitecrm import SuiteCRMSandbox
from tests.sync.conftest import (
    MODULE,
    fb_item,
    finished_functions,
    interactions,
    person,
)
from tests.sync.events import facebook
from tests.sync.worker_process import BurstWorker
from workers import feed, own_writes, runtime
from workers.crm_outbox import drain
from workers.jobs import feed as feed_jobs
from workers.jobs import ingest
from workers.queues import JobPolicy, queue, queue_name

ASSIGNEE = "seed_sally_id"
AT_ONCE = JobPolicy(retries=3, backoff_seconds=(0,))  # retried in the same burst


@pytest.fixture()
def worker_runtime(redis_url: str, crm: SuiteCRMClient) -> Iterator[None]:
    runtime.install(runtime.Runtime(redis_url=redis_url, suitecrm=lambda: crm))
    yield
    runtime.uninstall()


def work(client: redis.Redis, purpose: str = "webhooks") -> None:
    """Drain one queue in this process with RQ's own worker (burst mode)."""
    BurstWorker([Queue(queue_name(purpose), connection=client)],  # type: ignore[arg-type]
                connection=client).work(burst=True, logging_level="WARNING")


def comment_event(uid: str, **options) -> dict:
    return facebook("comment", comment_id=f"{uid}_1", post_id=f"104200000000001_{uid}",
                    sender_id=f"p{uid}", **options)


def test_ingest_with_applies_an_intake_event_and_says_what_it_did(
        redis_client: redis.Redis, crm: SuiteCRMClient, uid: str):
    summary = ingest.ingest_with(redis_client, crm, comment_event(uid, text="Спасибо 🙏"))
    assert summary["outcome"] == "created"
    assert summary["interaction"]["outcome"] == summary["profile"]["outcome"] == "created"
    assert (summary["kind"], summary["external_id"]) == ("comment", f"{uid}_1")
    (record,) = interactions(crm, f"{uid}_1")
    assert record["body"] == "Спасибо 🙏" and record["author_name"] == "Sandbox Visitor"
    profile = crm.get("SCRM_SocialProfiles", summary["profile"]["id"])
    for module, written in ((MODULE, record), ("SCRM_SocialProfiles", profile)):
        assert own_writes.is_own(redis_client, module, written.id, written["date_modified"])
    again = ingest.ingest_with(redis_client, crm, comment_event(uid, text="Спасибо 🙏"))
    assert again["outcome"] == "unchanged" and again["profile"]["outcome"] == "unchanged"


def test_a_reaction_is_skipped_not_failed(redis_client: redis.Redis, crm: SuiteCRMClient):
    summary = ingest.ingest_with(redis_client, crm, facebook("reaction"))
    assert summary["outcome"] == "skipped" and "reaction" in summary["reason"]


def test_the_same_event_enqueued_three_times_is_one_job(redis_client: redis.Redis, uid: str):
    event = comment_event(uid)
    assert [ingest.enqueue_event(redis_client, event) for _ in range(3)] == [True, False,
                                                                               False]
    edit = comment_event(uid, verb="edited", text="changed")
    assert ingest.enqueue_event(redis_client, edit)  # another event of the item: its own job
    assert not ingest.enqueue_event(redis_client, facebook("reaction"))
    assert len(queue(redis_client, "webhooks")) == 2


def test_a_polled_item_is_queued_on_the_sync_queue_once_per_reading(
        redis_client: redis.Redis, uid: str):
    item = fb_item(f"{uid}_1", snapshot=True, author=person(f"p{uid}"))
    assert ingest.enqueue_item(redis_client, item)
    assert not ingest.enqueue_item(redis_client, item)
    (job,) = queue(redis_client, "sync").jobs
    assert job.func_name == ingest.FUNCTION and job.args[0]["external_id"] == f"{uid}_1"


def test_jobs_run_by_an_rq_worker_write_each_item_once(
        redis_client: redis.Redis, crm: SuiteCRMClient, uid: str, worker_runtime: None):
    for _ in range(3):
        ingest.enqueue_event(redis_client, comment_event(uid, text="once"))
    work(redis_client)
    (record,) = interactions(crm, f"{uid}_1")
    assert record["body"] == "once"
    finished = finished_functions(Queue(queue_name("webhooks"), connection=redis_client))
    assert finished[ingest.FUNCTION] == 1


def test_bad_data_fails_at_once_with_a_readable_reason(
        redis_client: redis.Redis, worker_runtime: None, uid: str):
    event = {**comment_event(uid), "occurred_at": "last tuesday"}
    assert ingest.enqueue_event(redis_client, event, policy=AT_ONCE)
    work(redis_client)
    job = Job.fetch(ingest.job_id(event), connection=redis_client)
    assert job.get_status() == JobStatus.FAILED
    assert len(job.results()) == 1  # one run, never retried: no retry can mend the data
    assert (f"IngestFailed: facebook comment {uid}_1: the event cannot be applied: not an "
            "ISO 8601 time: 'last tuesday'") in job.latest_result().exc_string


def test_suitecrm_failing_for_a_while_is_retried_and_applied_once(
        redis_client: redis.Redis, crm: SuiteCRMClient, sandbox: SuiteCRMSandbox,
        worker_runtime: None, uid: str):
    """Every SuiteCRM answer fails (503) for the first two job attempts (the client's own
    two tries each); the third attempt finds SuiteCRM back; the first create's answer is
    lost on top, so the write lands while the client believes it failed."""
    event = comment_event(uid, text="after the outage")
    sandbox.faults.configure(fail_next=4)
    ingest.enqueue_event(redis_client, event, policy=AT_ONCE)
    work(redis_client)
    job = Job.fetch(ingest.job_id(event), connection=redis_client)
    assert job.get_status() == JobStatus.FINISHED
    assert job.retries_left == 1
    assert job.return_value()["outcome"] in ("created", "unchanged")
    (record,) = interactions(crm, f"{uid}_1")
    assert record["body"] == "after the outage"
    failed = [e for e in sandbox.request_log.entries() if e["status"] == 503]
    assert len(failed) == 4


def test_a_lost_answer_is_applied_once(redis_client: redis.Redis, crm: SuiteCRMClient,
                                       sandbox: SuiteCRMSandbox, worker_runtime: None,
                                       uid: str):
    event = comment_event(uid, text="lost answer")
    sandbox.faults.configure(lose_answer_next=2)  # the profile's and the interaction's
    ingest.enqueue_event(redis_client, event, policy=AT_ONCE)
    work(redis_client)
    assert Job.fetch(ingest.job_id(event), connection=redis_client).get_status() == \
        JobStatus.FINISHED
    (record,) = interactions(crm, f"{uid}_1")
    assert record["body"] == "lost answer"


def test_a_throttled_job_retries_when_suitecrm_said_and_keeps_its_retries(
        redis_client: redis.Redis, crm: SuiteCRMClient, sandbox: SuiteCRMSandbox,
        worker_runtime: None, uid: str):
    """429 with Retry-After: 7 on both of the client's tries (the client itself waits the
    7 s between them): the job is then scheduled 7 s later, not on the policy's immediate
    retry, and being throttled uses no retry."""
    event = comment_event(uid, text="throttled")
    sandbox.faults.configure(fail_next=2, fail_status=429, retry_after=7)
    try:
        ingest.enqueue_event(redis_client, event, policy=AT_ONCE)
        work(redis_client)
        after = datetime.now(UTC)
    finally:
        sandbox.faults.configure(fail_status=503, retry_after=None)
    job = Job.fetch(ingest.job_id(event), connection=redis_client)
    assert job.get_status() == JobStatus.SCHEDULED
    assert job.retries_left == AT_ONCE.retries
    scheduled = queue(redis_client, "webhooks").scheduled_job_registry
    (when,) = [scheduled.get_scheduled_time(job_id) for job_id in scheduled.get_job_ids()
               if job_id == job.id]
    assert timedelta(seconds=5) <= when - after <= timedelta(seconds=8)
    assert interactions(crm, f"{uid}_1") == []


def test_the_ingest_publishes_to_the_feed_and_its_own_change_is_not_read_again(
        redis_client: redis.Redis, crm: SuiteCRMClient, counter: CallCounter, uid: str):
    drain(redis_client, crm, keep=0)  # what earlier tests changed is not this test's
    feed_jobs.consume(redis_client, crm, consumer="test")
    ingest.ingest_with(redis_client, crm, comment_event(uid, text="Первый 😀"))
    (record,) = interactions(crm, f"{uid}_1")
    crm.update(MODULE, record.id, {"assigned_user_id": ASSIGNEE})  # a person assigns it
    ingest.ingest_with(redis_client, crm, comment_event(
        uid, verb="edited", text="Второй 😡"))
    (item,) = feed.timeline(redis_client, ASSIGNEE).items
    assert (item.record_id, item.summary) == (record.id, "Второй 😡"), \
        "in the assignee's feed at once, no drain needed"

    drain(redis_client, crm, keep=0)  # the changes come back through the outbox
    before = reads(counter)
    summary = feed_jobs.consume(redis_client, crm, consumer="test")
    assert summary.read >= 3 and summary.stale >= 3 and summary.dead == 0
    assert reads(counter) == before, "the feed holds what the sync wrote: nothing is read"
    (again,) = feed.timeline(redis_client, ASSIGNEE).items
    assert again.summary == "Второй 😡"


def reads(counter: CallCounter) -> int:
    """Records read one by one (the feed reads a changed record so)."""
    return counter.snapshot().get(("suitecrm", "GET /module/{id}"), 0)


def test_with_the_site_s_rules_a_comment_refreshes_its_author_s_advocate_score(
        redis_client: redis.Redis, crm: SuiteCRMClient, uid: str):
    from plugin.sync.rules import SyncRules
    from workers.jobs import advocates

    summary = ingest.ingest_with(redis_client, crm, comment_event(uid, text="Love it 😍"),
                                 site=SyncRules())
    (job,) = queue(redis_client, "sync").jobs
    assert job.func_name == advocates.FUNCTION
    assert job.args[0] == summary["profile"]["id"]
    ingest.ingest_with(redis_client, crm, comment_event(uid, text="Love it 😍", verb="edited"),
                       site=SyncRules())
    assert len(queue(redis_client, "sync")) == 1, "one refresh waits per profile"


def test_a_refused_token_names_the_service_that_refused_it(uid: str):
    """A lead read Graph refuses is the Page's token, not SuiteCRM's service account: the
    failed job says which to fix."""
    event = comment_event(uid)
    graph = AuthenticationError("leads: Graph error 190: access token expired",
                                service="facebook", reason="expired")
    crm = AuthenticationError("access token rejected (revoked)", service="suitecrm")
    assert "Facebook refused the account's token" in ingest._reason(event, graph)
    assert "socialcrm connect facebook" in ingest._reason(event, graph)
    assert "SuiteCRM refused the service account" in ingest._reason(event, crm)
