"""The change-event consumer group on a real Redis stream, reading the SuiteCRM sandbox."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rq import Queue

from connectors.errors import RetryLaterError
from tests.feed.conftest import (
    CRM_STREAM,
    MAX,
    SALLY,
    WILL,
    account,
    append_event,
    create,
    crm_event,
    interaction,
    whole_timeline,
)
from workers import feed, runtime
from workers.feed_codec import api_item
from workers.jobs import feed as jobs
from workers.queues import queue_name
from workers.worker import QuickExitWorker

ROOT = Path(__file__).resolve().parents[2]

# A consumer that reads (and maybe applies) its entries, then dies before acknowledging.
CRASHING_CONSUMER = """
import os, sys
import redis
from connectors.suitecrm import SuiteCRMClient
from sandboxes.suitecrm import DEMO_SYNC_CLIENT
from workers.jobs import feed as jobs

client = redis.Redis.from_url(sys.argv[1])
crm = SuiteCRMClient.service_account(sys.argv[2], *DEMO_SYNC_CLIENT)
jobs.ensure_group(client, jobs.CRM_STREAMS)
entries = jobs.read_new(client, "crashed", jobs.CRM_STREAMS)
if sys.argv[3] == "after-publishing":
    for entry in entries:
        jobs.handle(client, crm, entry)
print(len(entries), flush=True)
os._exit(9)
"""


def pending(client) -> dict[str, int]:
    return {row["name"].decode(): int(row["pending"])
            for row in client.xinfo_consumers(CRM_STREAM, jobs.GROUP)}


def some_changes(crm, count: int = 3) -> list[str]:
    company = account(crm, owner=MAX)
    calls = [create(crm, "Calls", name=f"Call {n} 📞 通话", status="Planned",
                    parent_type="Accounts", parent_id=company.id, assigned_user_id=SALLY,
                    direction="Outbound", duration_hours=0, duration_minutes=5)
             for n in range(count)]
    return [call.id for call in calls]


def test_change_events_become_items_and_are_acknowledged(redis_client, crm):
    call_ids = some_changes(crm)
    for call_id in call_ids:
        append_event(redis_client, crm_event("Calls", call_id))
    append_event(redis_client, crm_event("Calls", call_ids[0]))  # the same change twice
    summary = jobs.consume(redis_client, crm, consumer="c1")
    assert (summary.read, summary.published) == (4, 4)
    for user in (SALLY, MAX):
        assert sorted(i["record_id"] for i in whole_timeline(redis_client, user)) == \
            sorted(call_ids)
    assert pending(redis_client) == {"c1": 0}
    assert jobs.consume(redis_client, crm, consumer="c1").read == 0


def test_a_delete_event_removes_the_record_everywhere(redis_client, crm):
    call_ids = some_changes(crm, 2)
    for call_id in call_ids:
        append_event(redis_client, crm_event("Calls", call_id))
    jobs.consume(redis_client, crm, consumer="c1")
    crm.delete("Calls", call_ids[0])
    append_event(redis_client, crm_event("Calls", call_ids[0], action="delete"))
    assert jobs.consume(redis_client, crm, consumer="c1").removed == 1
    for user in (SALLY, MAX):
        assert [i["record_id"] for i in whole_timeline(redis_client, user)] == [call_ids[1]]


def test_an_update_event_for_a_record_deleted_since_removes_it(redis_client, crm):
    (call_id,) = some_changes(crm, 1)
    append_event(redis_client, crm_event("Calls", call_id))
    jobs.consume(redis_client, crm, consumer="c1")
    crm.delete("Calls", call_id)
    append_event(redis_client, crm_event("Calls", call_id))  # sent before the delete
    assert jobs.consume(redis_client, crm, consumer="c1").removed == 1
    assert whole_timeline(redis_client, SALLY) == []


@pytest.mark.parametrize("crash", ["after-reading", "after-publishing"])
def test_entries_of_a_crashed_consumer_are_reclaimed_once(redis_client, redis_url, sandbox,
                                                          crm, crash):
    call_ids = some_changes(crm)
    for call_id in call_ids:
        append_event(redis_client, crm_event("Calls", call_id))
    died = subprocess.run([sys.executable, "-c", CRASHING_CONSUMER, redis_url, sandbox.url,
                           crash], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert died.returncode == 9 and died.stdout.strip() == "3", died.stderr
    assert pending(redis_client) == {"crashed": 3}
    published_by_the_dead = len(whole_timeline(redis_client, SALLY))
    assert published_by_the_dead == (3 if crash == "after-publishing" else 0)

    summary = jobs.consume(redis_client, crm, consumer="survivor", min_idle_ms=0)
    assert (summary.reclaimed, summary.published) == (3, 3)
    assert pending(redis_client) == {"crashed": 0, "survivor": 0}
    for user in (SALLY, MAX):  # nothing lost, nothing doubled
        assert sorted(i["record_id"] for i in whole_timeline(redis_client, user)) == \
            sorted(call_ids)


def test_entries_wait_while_suitecrm_is_down(redis_client, sandbox, crm):
    call_ids = some_changes(crm, 2)
    crm.current_user()  # token in hand before the outage
    for call_id in call_ids:
        append_event(redis_client, crm_event("Calls", call_id))
    sandbox.pause_listening()
    try:
        with pytest.raises(RetryLaterError):
            jobs.consume(redis_client, crm, consumer="c1")
    finally:
        sandbox.resume_listening()
    assert pending(redis_client) == {"c1": 2}
    assert redis_client.xlen(jobs.DEAD_LETTERS) == 0
    summary = jobs.consume(redis_client, crm, consumer="c1", min_idle_ms=0)
    assert summary.published == 2 and pending(redis_client) == {"c1": 0}


def test_unreadable_and_always_failing_entries_go_to_the_dead_letters(redis_client, sandbox,
                                                                      crm):
    (call_id,) = some_changes(crm, 1)
    redis_client.xadd(CRM_STREAM, {"delivery_id": "x", "event": "{not json"})
    append_event(redis_client, crm_event("Calls", call_id))
    summary = jobs.consume(redis_client, crm, consumer="c1")
    assert (summary.dead, summary.published) == (1, 1)
    (dead,) = redis_client.xrange(jobs.DEAD_LETTERS)
    assert dead[1][b"reason"].startswith(b"unreadable event") and dead[1][b"event"] == \
        b"{not json"

    broken = interaction(crm, assignee=WILL, name="Never readable")
    append_event(redis_client, crm_event("SCRM_SocialInteractions", broken.id))
    for attempt in range(1, jobs.MAX_ATTEMPTS + 1):
        sandbox.faults.configure(fail_next=1, fail_status=200)  # an HTML page, not JSON
        if attempt < jobs.MAX_ATTEMPTS:
            with pytest.raises(Exception, match="not JSON"):
                jobs.consume(redis_client, crm, consumer="c1", min_idle_ms=0)
        else:
            assert jobs.consume(redis_client, crm, consumer="c1", min_idle_ms=0).dead == 1
    assert pending(redis_client) == {"c1": 0}
    assert redis_client.xlen(jobs.DEAD_LETTERS) == 2
    assert not redis_client.exists(jobs.ATTEMPTS)


def test_the_drain_job_runs_on_an_rq_worker_with_the_runtime(redis_client, redis_url, crm):
    call_ids = some_changes(crm, 2)
    for call_id in call_ids:
        append_event(redis_client, crm_event("Calls", call_id))
    other_stream = "socialcrm:events:test-outbox"
    note = create(crm, "Notes", name="Отчёт 📝", assigned_user_id=WILL)
    append_event(redis_client, crm_event("Notes", note.id), stream=other_stream)
    runtime.install(runtime.Runtime(
        redis_url=redis_url, suitecrm=lambda: crm,
        options={"feed_streams": [CRM_STREAM, other_stream], "feed_max_items": 50}))
    try:
        assert jobs.enqueue_drain(redis_client, bucket_seconds=3600)
        assert not jobs.enqueue_drain(redis_client, bucket_seconds=3600)  # one per window
        worker = QuickExitWorker([Queue(queue_name("webhooks"), connection=redis_client)],
                                 connection=redis_client)
        assert worker.work(burst=True)
    finally:
        runtime.uninstall()
    (job_id,) = [j for j in redis_client.scan_iter(match="rq:job:feed-drain-*")
                 if j.decode().count(":") == 2]
    result = Queue(queue_name("webhooks"), connection=redis_client).fetch_job(
        job_id.decode().removeprefix("rq:job:")).return_value()
    assert result["published"] == 3 and result["read"] == 3
    assert [i["title"] for i in whole_timeline(redis_client, WILL)] == ["Отчёт 📝"]
    (stored,) = feed.stored_page(redis_client, WILL).entries
    assert json.loads(api_item(stored[1]))["kind"] == "note"
