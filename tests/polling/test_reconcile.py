"""The reconcile pass on the SuiteCRM sandbox over HTTP and the real Redis: a change that
sent no notice reaches the stream once; a change whose notice arrived is not repeated."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import redis
import requests

from connectors.suitecrm import SuiteCRMClient
from plugin.crm_events import sign
from tests.sync.events import facebook as facebook_event
from tests.webhooks.conftest import CRM_SECRET, Service
from workers import runtime, watermarks
from workers.crm_outbox import drain
from workers.jobs.ingest import ingest_with
from workers.jobs.reconcile import reconcile_changes
from workers.reconcile import STREAM, reconcile
from workers.watermarks import StreamKey

NO_SETTLE = timedelta(0)


def stream_events(client: redis.Redis) -> list[dict[str, Any]]:
    return [json.loads(fields[b"event"]) for _, fields in client.xrange(STREAM)]


def send_notice(receiver: Service, session: requests.Session, module: str, record_id: str,
                when: datetime) -> None:
    """The signed notice the plugin's hook sends for one saved record."""
    body = json.dumps({"schema": 2, "notice_id": str(uuid.uuid4()), "unsent": 0, "events": [{
        "event_id": str(uuid.uuid4()), "module": module, "record_id": record_id,
        "action": "update", "changed_fields": ["status"], "assigned_user_id": "1",
        "modified_user_id": "1", "occurred_at": when.strftime("%Y-%m-%dT%H:%M:%SZ")}]}).encode()
    stamp = int(time.time())
    answer = session.post(f"{receiver.url}/webhooks/suitecrm", data=body, headers={
        "Content-Type": "application/json", "X-SocialCRM-Timestamp": str(stamp),
        "X-SocialCRM-Signature": sign(body, CRM_SECRET, stamp)})
    assert answer.status_code == 200, answer.text


def test_a_change_that_sent_no_notice_reaches_the_stream_once(
        redis_client: redis.Redis, crm: SuiteCRMClient):
    start = datetime.now(UTC) - timedelta(minutes=1)
    contact = crm.create("Contacts", {"last_name": "Иванова 🌷", "first_name": "Анна"})

    first = reconcile(redis_client, crm, since=start, settle=NO_SETTLE)

    (event,) = stream_events(redis_client)
    assert (event["module"], event["record_id"], event["source"]) == (
        "Contacts", contact.id, "reconcile")
    assert event["action"] == "create"
    assert (first.appended, first.known) == (1, 0)
    again = reconcile(redis_client, crm, settle=NO_SETTLE)
    assert (again.appended, again.known) == (0, 1)  # its watermark overlap met it again
    assert len(stream_events(redis_client)) == 1


def test_a_change_the_outbox_carried_is_not_repeated_but_a_later_one_is(
        redis_client: redis.Redis, crm: SuiteCRMClient):
    start = datetime.now(UTC) - timedelta(minutes=1)
    call = crm.create("Calls", {"name": "Follow up 📞", "direction": "Outbound",
                                "status": "Planned"})
    crm.update("Calls", call.id, {"status": "Held"})
    drain(redis_client, crm)  # the outbox carries the create and the update
    quiet = crm.create("Meetings", {"name": "Встреча без уведомления"})

    result = reconcile(redis_client, crm, since=start, settle=NO_SETTLE)

    events = stream_events(redis_client)
    assert [(e["module"], e.get("source")) for e in events] == [
        ("Calls", "outbox"), ("Calls", "outbox"), ("Meetings", "reconcile")]
    assert events[2]["record_id"] == quiet.id
    assert (result.appended, result.known) == (1, 1)


def test_changes_inside_the_settle_time_wait_for_the_next_pass(
        redis_client: redis.Redis, crm: SuiteCRMClient):
    start = datetime.now(UTC) - timedelta(minutes=1)
    task = crm.create("Tasks", {"name": "Позвонить клиенту"})

    early = reconcile(redis_client, crm, since=start)  # default settle: two minutes
    assert (early.appended, early.deferred) == (0, 1)
    assert stream_events(redis_client) == []
    later = reconcile(redis_client, crm, now=datetime.now(UTC) + timedelta(minutes=3))

    assert [e["record_id"] for e in stream_events(redis_client)] == [task.id]
    assert later.appended == 1


def test_each_module_has_its_watermark_and_it_moves_after_the_append(
        redis_client: redis.Redis, crm: SuiteCRMClient):
    moment = datetime.now(UTC)
    reconcile(redis_client, crm, modules=("Notes", "Cases"), settle=NO_SETTLE, now=moment)
    for module in ("Notes", "Cases"):
        mark = watermarks.load(redis_client, StreamKey("suitecrm", "reconcile", module))
        assert (mark.time, mark.version) == (moment, 1)
    untouched = watermarks.load(redis_client, StreamKey("suitecrm", "reconcile", "Calls"))
    assert untouched.time is None


def test_the_job_runs_a_pass_with_the_runtime_client_and_a_busy_pass_waits(
        redis_client: redis.Redis, redis_url: str, crm: SuiteCRMClient):
    crm.create("Notes", {"name": "Заметка 📝"})
    runtime.install(runtime.Runtime(redis_url=redis_url, suitecrm=lambda: crm))
    try:
        with redis_client.lock("socialcrm:reconcile:lock", timeout=30):
            assert "busy" in reconcile_changes()
        done = reconcile_changes()
    finally:
        runtime.uninstall()
    assert done["deferred"] == 1  # made seconds ago: inside the default settle time
    assert done["modules"]["Notes"] == "moved"


def test_the_syncs_own_writes_are_marked_own_and_a_persons_are_not(
        redis_client: redis.Redis, crm: SuiteCRMClient):
    start = datetime.now(UTC) - timedelta(minutes=1)
    written = ingest_with(redis_client, crm, facebook_event(
        "comment", comment_id="4001_777", post_id="104200000000001_4001", text="Привет 👋"))
    by_person = crm.create("Contacts", {"last_name": "Ли", "first_name": "Анна"})

    reconcile(redis_client, crm, since=start, settle=NO_SETTLE,
              modules=("Contacts", "SCRM_SocialInteractions"))

    own = {e["record_id"]: e["own"] for e in stream_events(redis_client)}
    assert own == {by_person.id: False, written["interaction"]["id"]: True}
