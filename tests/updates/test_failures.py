"""What goes wrong: a lost answer (retried, one record), SuiteCRM down (retried, then a
reason), and refusals that are never retried (no permission, record gone, signed out).
Jobs run in RQ's worker in this process, so SuiteCRM's faults can be staged between runs."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

import redis

from connectors.suitecrm import Filter, Record, SuiteCRMClient
from sandboxes.suitecrm import SuiteCRMSandbox
from tests.mobile.conftest import Api
from tests.updates.conftest import SALLY, InProcess, make_record, post, status_of, unique
from workers.jobs import suitecrm_back
from workers.jobs.updates import apply_job_id
from workers.queues import queue
from workers.updates.runner import BROKE, GAVE_UP, SIGNED_OUT
from workers.updates.store import UpdateStore, update_key


def accepted(api: Api, headers: dict[str, str], body: dict[str, Any]) -> str:
    answer = post(api, headers, body)
    assert answer.status_code == 202, answer.text
    return str(answer.json()["id"])


def retry_now(client: redis.Redis, *, last: bool = False) -> list[str]:
    """Move the crm queue's jobs waiting for their retry back onto the queue now
    (``last``: as their final attempt)."""
    crm_queue = queue(client, "crm")
    registry = crm_queue.scheduled_job_registry
    moved = []
    for job_id in registry.get_job_ids():
        job = crm_queue.fetch_job(job_id)
        assert job is not None
        registry.remove(job)
        if last:
            job.retries_left = 0
            job.save()
        crm_queue.enqueue_job(job)
        moved.append(job_id)
    return moved


def task_body(subject: str) -> dict[str, Any]:
    return {"type": "create_task", "subject": subject, "date_due": "2026-05-01T12:00:00Z"}


def test_a_job_retried_after_a_lost_answer_makes_one_record(
        api: Api, sally_headers: dict[str, str], crm: SuiteCRMClient,
        suitecrm: SuiteCRMSandbox, in_process: InProcess) -> None:
    subject = unique("Lost answer")
    update_id = accepted(api, sally_headers, task_body(subject))
    # SuiteCRM carries out the create and every retry of it, and no answer comes back.
    suitecrm.faults.configure(lose_answer_next=4)
    try:
        in_process.run_jobs("crm")
    finally:
        suitecrm.faults.clear()
    assert status_of(api, sally_headers, update_id)["status"] == "queued"
    assert retry_now(api.redis) == [apply_job_id(update_id)], "RQ retries it later"
    in_process.run_jobs("crm")
    state = status_of(api, sally_headers, update_id)
    assert state["status"] == "applied"
    found = list(crm.iterate("Tasks", filter=Filter.where(name=subject)))
    assert [t.id for t in found] == [state["record"]["id"]]
    assert found[0]["created_by"] == SALLY


def test_suitecrm_down_is_retried_then_given_up_with_a_reason(
        api: Api, sally_headers: dict[str, str], crm: SuiteCRMClient,
        suitecrm: SuiteCRMSandbox, in_process: InProcess) -> None:
    first = accepted(api, sally_headers, task_body(unique("Down")))
    second = accepted(api, sally_headers, task_body(unique("After")))
    suitecrm.faults.configure(fail_next=1000, fail_status=503)
    try:
        in_process.run_jobs("crm")
        assert [status_of(api, sally_headers, i)["status"] for i in (first, second)] == [
            "queued", "queued"], "the rep's queue waits while SuiteCRM is down"
        assert len(retry_now(api.redis)) == 2
        in_process.run_jobs("crm")
        assert status_of(api, sally_headers, first)["status"] == "queued"
        retry_now(api.redis, last=True)
        suitecrm.faults.configure(fail_next=4, fail_status=503)  # one last call fails
        in_process.run_jobs("crm")
    finally:
        suitecrm.faults.clear()
    given_up = status_of(api, sally_headers, first)
    assert (given_up["status"], given_up["reason"]) == ("failed", GAVE_UP)
    assert status_of(api, sally_headers, second)["status"] == "applied", \
        "the queue goes on behind an update that gave up"


def test_an_update_that_waited_for_suitecrm_runs_as_soon_as_it_answers(
        api: Api, sally_headers: dict[str, str], crm: SuiteCRMClient,
        suitecrm: SuiteCRMSandbox, in_process: InProcess) -> None:
    update_id = accepted(api, sally_headers, task_body(unique("Back again")))

    def answers() -> object:
        return crm.list("Users", fields=["user_name"], page_size=1)

    suitecrm.faults.configure(fail_next=1000, fail_status=503)
    try:
        in_process.run_jobs("crm")
        assert status_of(api, sally_headers, update_id)["status"] == "queued"
        assert [job.id for _, job in suitecrm_back.waiting_jobs(api.redis)] == [
            apply_job_id(update_id)], "marked as waiting for SuiteCRM"
        assert suitecrm_back.run_waiting(api.redis, answers) == [], \
            "SuiteCRM still away: the job keeps its backoff"
        assert len(queue(api.redis, "crm").scheduled_job_registry) == 1
    finally:
        suitecrm.faults.clear()
    assert suitecrm_back.run_waiting(api.redis, answers) == [apply_job_id(update_id)]
    assert len(queue(api.redis, "crm").scheduled_job_registry) == 0, "on its queue now"
    in_process.run_jobs("crm")
    assert status_of(api, sally_headers, update_id)["status"] == "applied"
    assert suitecrm_back.waiting_jobs(api.redis) == []


def test_a_job_refused_for_another_reason_is_not_taken_for_one_waiting_for_suitecrm(
        api: Api, sally_headers: dict[str, str], crm: SuiteCRMClient,
        suitecrm: SuiteCRMSandbox, in_process: InProcess) -> None:
    update_id = accepted(api, sally_headers, task_body(unique("Throttled")))
    suitecrm.faults.configure(fail_next=1000, fail_status=429)  # busy, not away
    try:
        in_process.run_jobs("crm")
    finally:
        suitecrm.faults.clear()
    assert status_of(api, sally_headers, update_id)["status"] == "queued"
    assert len(queue(api.redis, "crm").scheduled_job_registry) == 1, "retried later"
    assert suitecrm_back.waiting_jobs(api.redis) == [], "throttling is not an outage"


def test_a_rep_who_logged_out_gets_log_in_again(
        api: Api, sally_headers: dict[str, str], in_process: InProcess) -> None:
    update_id = accepted(api, sally_headers, task_body(unique("Signed out")))
    assert api("DELETE", "/auth/token", headers=sally_headers).status_code == 204
    in_process.run_jobs("crm")
    update = UpdateStore(api.redis).get(update_id)  # her token is gone: read the store
    assert update is not None
    assert (update.status, update.result["reason"]) == ("failed", SIGNED_OUT)
    assert len(queue(api.redis, "crm").scheduled_job_registry) == 0, "never retried"


def test_suitecrm_s_roles_apply_and_refusals_are_not_retried(
        api: Api, sally_headers: dict[str, str], max_headers: dict[str, str],
        crm: SuiteCRMClient, in_process: InProcess) -> None:
    """Max's role lets him see and change only his own records."""
    deal = make_record(crm, "Opportunities", name=unique("Sally's deal"), amount="900",
                       sales_stage="Prospecting", date_closed=date(2026, 8, 1),
                       assigned_user_id=SALLY)
    sallys_contact = make_record(crm, "Contacts", last_name=unique("Sallys"),
                                 assigned_user_id=SALLY)
    moved = accepted(api, max_headers, {"type": "move_opportunity", "opportunity_id": deal.id,
                                        "sales_stage": "Closed Lost"})
    noted = accepted(api, max_headers, {
        "type": "add_note", "subject": "Sneaky", "text": "x",
        "parent": {"module": "Contacts", "id": sallys_contact.id}})
    in_process.run_jobs("crm")
    refused = status_of(api, max_headers, moved)
    assert (refused["status"], refused["reason"]) == (
        "failed", "SuiteCRM does not allow you to change this opportunity")
    assert status_of(api, max_headers, noted)["reason"] == (
        f"SuiteCRM does not let you see the contact {sallys_contact.id}")
    assert crm.get("Opportunities", deal.id)["sales_stage"] == "Prospecting"
    assert len(queue(api.redis, "crm").scheduled_job_registry) == 0


def test_records_that_are_gone_fail_with_a_reason(
        api: Api, sally_headers: dict[str, str], crm: SuiteCRMClient, contact: Record,
        in_process: InProcess) -> None:
    task = make_record(crm, "Tasks", name=unique("Deleted"), status="Not Started",
                       priority="Low", assigned_user_id=SALLY)
    crm.delete("Tasks", task.id)
    missing_lead = str(uuid.uuid4())
    done = accepted(api, sally_headers, {"type": "complete_task", "task_id": task.id})
    orphan = accepted(api, sally_headers, {
        "type": "log_call", "subject": "To nobody", "direction": "outbound",
        "parent": {"module": "Leads", "id": missing_lead}})
    fine = accepted(api, sally_headers, {
        "type": "add_note", "subject": "Still fine", "text": "ok",
        "parent": {"module": "Contacts", "id": contact.id}})
    in_process.run_jobs("crm")
    assert status_of(api, sally_headers, done)["reason"] == (
        "the task does not exist in SuiteCRM (any more)")
    assert status_of(api, sally_headers, orphan)["reason"] == (
        f"the lead {missing_lead} does not exist in SuiteCRM (any more)")
    assert status_of(api, sally_headers, fine)["status"] == "applied"


def test_an_email_change_on_a_contact_without_one_fails_before_writing_anything(
        api: Api, sally_headers: dict[str, str], crm: SuiteCRMClient,
        in_process: InProcess) -> None:
    person = make_record(crm, "Contacts", last_name=unique("NoMail"), title="Old",
                         assigned_user_id=SALLY)
    update_id = accepted(api, sally_headers, {
        "type": "update_contact", "contact_id": person.id, "title": "New",
        "email": "new@example.com"})
    in_process.run_jobs("crm")
    state = status_of(api, sally_headers, update_id)
    assert state["status"] == "failed" and "no email address" in state["reason"]
    assert crm.get("Contacts", person.id)["title"] == "Old"


def test_an_update_that_breaks_the_worker_does_not_block_the_queue_for_ever(
        api: Api, sally_headers: dict[str, str], in_process: InProcess) -> None:
    broken = accepted(api, sally_headers, task_body(unique("Broken")))
    behind = accepted(api, sally_headers, task_body(unique("Behind")))
    key = update_key(broken)
    document = json.loads(api.redis.hget(key, "document") or b"{}")
    del document["fields"]["subject"]  # what no valid body can produce: a bug's doing
    api.redis.hset(key, "document", json.dumps(document))
    in_process.run_jobs("crm")
    assert status_of(api, sally_headers, behind)["status"] == "queued", "order is kept"
    retry_now(api.redis, last=True)
    in_process.run_jobs("crm")
    assert (status_of(api, sally_headers, broken)["reason"],
            status_of(api, sally_headers, behind)["status"]) == (BROKE, "applied")
