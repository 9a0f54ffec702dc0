"""The service's own writes come back through the outbox marked ``own``; a rep's do not."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import redis

from connectors.suitecrm import SuiteCRMClient
from sandboxes.suitecrm import DEMO_MOBILE_CLIENT, DEMO_SYNC_CLIENT, SuiteCRMSandbox
from tests.outbox.conftest import NO_RETRY, SALLY, stream
from workers import own_writes
from workers.crm_outbox import drain


class Clock:
    """The sandbox's "now", moved by the test (SuiteCRM stamps date_modified with it)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 22, 8, 5, 10, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture()
def clock() -> Clock:
    return Clock()


@pytest.fixture()
def timed(clock: Clock) -> Iterator[SuiteCRMSandbox]:
    with SuiteCRMSandbox(seed=False, with_plugin=True, clock=clock) as running:
        yield running


def test_the_service_s_write_is_own_and_a_rep_s_edit_minutes_later_is_not(
        timed: SuiteCRMSandbox, clock: Clock, redis_client: redis.Redis) -> None:
    service = SuiteCRMClient.service_account(timed.url, *DEMO_SYNC_CLIENT, retry=NO_RETRY,
                                             clock=lambda: clock.now.timestamp())
    sally = SuiteCRMClient.login(timed.url, *DEMO_MOBILE_CLIENT, "sally", "sally-Passw0rd",
                                 retry=NO_RETRY, clock=lambda: clock.now.timestamp())
    # The sync writes a Call and remembers the date_modified SuiteCRM answered (cut to
    # the minute by V8), as it does after every write.
    written = service.create("Calls", {
        "name": "Обратный звонок 回电", "status": "Planned", "direction": "Outbound",
        "assigned_user_id": SALLY, "date_start": clock.now + timedelta(days=1),
        "duration_hours": 0, "duration_minutes": 15})
    stamp = written.datetime("date_modified")
    assert stamp is not None and stamp.second == 0, "V8 answers the minute only"
    own_writes.remember(redis_client, "Calls", written.id, stamp)

    clock.advance(minutes=2)
    sally.update("Calls", written.id, {"status": "Held"})
    clock.advance(minutes=1)
    updated = service.update("Calls", written.id, {"description": "Итог: доволен 😀"})
    own_writes.remember(redis_client, "Calls", written.id,
                        updated.datetime("date_modified") or clock.now)

    drain(redis_client, service, keep=0)
    assert [(i.event["action"], i.event["modified_user_id"], i.event["own"])
            for i in stream(redis_client)] == [
        ("create", "1", True), ("update", SALLY, False), ("update", "1", True)]


def test_a_dedicated_service_user_s_changes_are_own_by_who_made_them(
        timed: SuiteCRMSandbox, clock: Clock, redis_client: redis.Redis) -> None:
    """When the service account is a SuiteCRM user of its own, every change it made is
    its own, remembered or not; others' are not."""
    service = SuiteCRMClient.service_account(timed.url, *DEMO_SYNC_CLIENT, retry=NO_RETRY,
                                             clock=lambda: clock.now.timestamp())
    sally = SuiteCRMClient.login(timed.url, *DEMO_MOBILE_CLIENT, "sally", "sally-Passw0rd",
                                 retry=NO_RETRY, clock=lambda: clock.now.timestamp())
    service.create("Notes", {"name": "Written by the service"})
    sally.create("Notes", {"name": "Written by Sally"})
    drain(redis_client, service, keep=0, service_user_id="1")
    assert [(i.event["modified_user_id"], i.event["own"]) for i in stream(redis_client)] == [
        ("1", True), (SALLY, False)]


def test_remembered_writes_match_by_record_and_minute_and_expire(
        redis_client: redis.Redis) -> None:
    at = datetime(2026, 11, 22, 8, 5, 0, tzinfo=UTC)
    own_writes.remember(redis_client, "Cases", "case-1", at, ttl_seconds=120)
    assert own_writes.is_own(redis_client, "Cases", "case-1", at.replace(second=41))
    assert own_writes.is_own(redis_client, "Cases", "case-1", "2026-11-22T08:05:59Z")
    assert own_writes.is_own(redis_client, "Cases", "case-1", "2026-11-22 08:05:07")
    next_minute = at + timedelta(minutes=1, seconds=5)
    assert not own_writes.is_own(redis_client, "Cases", "case-1", next_minute)
    assert not own_writes.is_own(redis_client, "Cases", "case-2", at)
    assert not own_writes.is_own(redis_client, "Calls", "case-1", at)
    assert not own_writes.is_own(redis_client, "Cases", "case-1", None)
    assert 0 < redis_client.ttl(f"{own_writes.KEY_PREFIX}Cases:case-1") <= 120


def test_a_notice_stamped_just_after_the_minute_still_matches(redis_client: redis.Redis) -> None:
    """A notice carries the time its hook ran, a moment after the save stamped the record:
    08:06:01 for a record stamped 08:05:59."""
    own_writes.remember(redis_client, "Calls", "call-1", "2026-11-22T08:05:00+00:00")
    notice_item = {"module": "Calls", "record_id": "call-1", "action": "update",
                   "modified_user_id": "1", "occurred_at": "2026-11-22T08:06:01+00:00"}
    assert own_writes.mark(redis_client, notice_item)["own"] is True
    later = {**notice_item, "occurred_at": "2026-11-22T08:06:30+00:00"}
    assert own_writes.mark(redis_client, later)["own"] is False
    assert "own" not in notice_item, "mark returns a copy"


def test_bad_input_is_refused(redis_client: redis.Redis) -> None:
    with pytest.raises(ValueError, match="naive"):
        own_writes.remember(redis_client, "Calls", "c", datetime(2026, 11, 22, 8, 5))
    with pytest.raises(ValueError, match="module and a record id"):
        own_writes.remember(redis_client, "", "c", "2026-11-22T08:05:00Z")
    with pytest.raises(ValueError):
        own_writes.is_own(redis_client, "Calls", "c", "yesterday")
