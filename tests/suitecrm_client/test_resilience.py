"""Retries, lost answers, refused connections and expiring tokens, on the wire."""

from __future__ import annotations

import logging

import pytest

from connectors.errors import UnavailableError
from connectors.suitecrm import Filter, SuiteCRMClient
from connectors.transport import RetryPolicy
from sandboxes.suitecrm import DEMO_SYNC_CLIENT
from tests.suitecrm_client.conftest import api_calls


def count_by_last_name(crm: SuiteCRMClient, last_name: str) -> int:
    return len(list(crm.iterate("Contacts", filter=Filter.where(last_name=last_name))))


def test_reads_are_retried_through_503s_with_backoff(crm, sandbox, sleeps):
    crm.current_user()  # token first, so the faults hit the read
    sandbox.faults.configure(fail_next=2)
    page = crm.list("Accounts", page_size=3)
    assert len(page) == 3
    assert [e["status"] for e in api_calls(sandbox, "GET", "/module/Accounts")] == [503, 503, 200]
    assert sleeps == [0.5, 1.0]


def test_retry_after_from_suitecrm_is_obeyed(crm, sandbox, sleeps):
    crm.current_user()
    sandbox.faults.configure(fail_next=1, retry_after=2)
    crm.list("Accounts", page_size=1)
    assert sleeps == [2.0]


def test_create_whose_answer_was_lost_is_applied_exactly_once(crm, sandbox):
    crm.current_user()
    sandbox.faults.configure(lose_answer_next=1)
    record = crm.create("Contacts", {"first_name": "Lost", "last_name": "AnswerOnce"})
    assert record["last_name"] == "AnswerOnce"
    assert len(api_calls(sandbox, "POST", "/Api/V8/module")) == 2  # sent again, recognised
    assert count_by_last_name(crm, "AnswerOnce") == 1


def test_update_whose_answer_was_lost_is_retried_and_holds(crm, sandbox):
    record = crm.create("Contacts", {"last_name": "PatchLost"})
    sandbox.faults.configure(lose_answer_next=1)
    updated = crm.update("Contacts", record.id, {"title": "Buyer"})
    assert updated["title"] == "Buyer"
    assert len(api_calls(sandbox, "PATCH", "/Api/V8/module")) == 2


def test_a_connection_dropped_before_processing_is_retried(crm, sandbox):
    crm.current_user()
    sandbox.faults.configure(drop_next=1)
    record = crm.create("Contacts", {"last_name": "DroppedOnce"})
    assert crm.get("Contacts", record.id).id == record.id
    assert count_by_last_name(crm, "DroppedOnce") == 1


def test_refused_connections_end_in_unavailable_then_recover(crm, sandbox, sleeps):
    crm.current_user()
    sandbox.pause_listening()
    try:
        with pytest.raises(UnavailableError) as err:
            crm.list("Accounts", page_size=1)
        assert err.value.attempts == 4
    finally:
        sandbox.resume_listening()
    assert len(crm.list("Accounts", page_size=1)) == 1


def test_a_slow_suitecrm_times_out_as_unavailable(sandbox, sleeps):
    crm = SuiteCRMClient.service_account(sandbox.url, *DEMO_SYNC_CLIENT, timeout=0.2,
                                         sleep=sleeps,
                                         retry=RetryPolicy(max_attempts=2, jitter=lambda: 0.0))
    crm.current_user()
    sandbox.faults.configure(latency_ms=500)
    with pytest.raises(UnavailableError):
        crm.list("Accounts", page_size=1)


def test_expired_tokens_are_renewed_transparently(crm, sandbox):
    crm.current_user()
    sandbox.expire_tokens()
    assert crm.list("Accounts", page_size=1).total_pages >= 1
    assert len(api_calls(sandbox, "POST", "/Api/access_token")) == 2


def test_token_renewed_ahead_of_expiry(sandbox):
    now = [1_000.0]
    crm = SuiteCRMClient.service_account(sandbox.url, *DEMO_SYNC_CLIENT, clock=lambda: now[0])
    crm.current_user()
    first = crm.token.access_token
    now[0] += 3600 - 30  # within the renewal margin of a one-hour token
    crm.current_user()
    assert crm.token.access_token != first
    assert len(api_calls(sandbox, "GET", "/current-user")) == 2
    assert all(e["status"] == 200 for e in api_calls(sandbox, "GET", "/current-user"))


def test_no_secret_reaches_the_logs_through_failures(crm, sandbox, caplog):
    caplog.set_level(logging.DEBUG)
    sandbox.faults.configure(fail_next=1)
    crm.current_user()
    token = crm.token.access_token
    sandbox.faults.configure(fail_next=1)
    crm.list("Accounts", page_size=1)
    assert DEMO_SYNC_CLIENT[1] not in caplog.text
    assert token not in caplog.text
