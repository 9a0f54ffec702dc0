"""POST /webhooks/suitecrm: signed, time-stamped notices; stale ones refused, replays dropped."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from plugin.crm_events import MAX_BODY_BYTES, sign
from tests.webhooks.conftest import CRM_SECRET


def event(event_id: str | None = None) -> dict[str, Any]:
    return {"event_id": event_id or str(uuid.uuid4()), "module": "Calls",
            "record_id": str(uuid.uuid4()), "action": "update", "changed_fields": ["status"],
            "assigned_user_id": "1", "modified_user_id": "1",
            "occurred_at": "2026-11-22T08:03:51Z"}


DRAIN = "workers.jobs.outbox.drain_job"
TAKE_IN = "workers.jobs.intake.take_in"


def notice(*events: dict[str, Any], pad: str = "") -> bytes:
    data: dict[str, Any] = {"schema": 2, "notice_id": str(uuid.uuid4()),
                            "events": list(events), "unsent": 0}
    if pad:
        data["pad"] = pad
    return json.dumps(data).encode()


def post(service, http, body: bytes, *, sent_at: int | None = None):
    stamp = int(time.time()) if sent_at is None else sent_at
    return http.post(f"{service.url}/webhooks/suitecrm", data=body, headers={
        "Content-Type": "application/json", "X-SocialCRM-Timestamp": str(stamp),
        "X-SocialCRM-Signature": sign(body, CRM_SECRET, stamp)})


def test_a_notice_wakes_the_outbox_drain_and_adds_nothing_itself(service, http):
    """The outbox in SuiteCRM's database is the record of what changed; a notice only
    makes the drain run now."""
    answer = post(service, http, notice(event(), event()))
    assert answer.status_code == 200, answer.text
    assert len(service.job_ids()) == 1
    service.run_worker()
    assert service.stream("suitecrm") == []
    assert sorted(service.functions_run()) == sorted([DRAIN, TAKE_IN])


def test_notice_outside_the_window_is_403_with_the_reason(service, http):
    answer = post(service, http, notice(event()), sent_at=int(time.time()) - 3600)
    assert answer.status_code == 403
    assert answer.json()["reason"] == "too_old"
    assert service.redis.keys("*") == []


def test_replayed_event_ids_are_dropped(service, http):
    seen, fresh = event(), event()
    body = notice(seen)
    assert post(service, http, body).status_code == 200
    replay = post(service, http, body)  # the same notice again
    assert replay.status_code == 200 and replay.json()["status"] == "duplicate"
    mixed = post(service, http, notice(event(seen["event_id"]), fresh))  # new notice id
    assert mixed.status_code == 200
    assert len(service.job_ids()) == 2
    service.run_worker()
    # Two notices taken in, one drain woken: a drain already waiting is not queued twice.
    assert sorted(service.functions_run()) == sorted([DRAIN, TAKE_IN, TAKE_IN])


def test_malformed_notice_is_400_naming_the_field(service, http):
    bad = event()
    bad["module"] = "not a module!"
    answer = post(service, http, notice(bad))
    assert answer.status_code == 400
    assert answer.json()["field"] == "events[0].module"
    assert service.redis.keys("*") == []


def test_oversized_notice_is_413(service, http):
    answer = post(service, http, notice(event(), pad="x" * MAX_BODY_BYTES))
    assert answer.status_code == 413
    assert service.redis.keys("*") == []
