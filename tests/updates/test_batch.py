"""An offline queue flushed in one request: one result per item in order, each item its
own update (key, client time, body), applied in the order sent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from connectors.suitecrm import Record, SuiteCRMClient
from tests.mobile.conftest import Api
from tests.updates.conftest import SALLY, InProcess, post, status_of, unique
from workers.jobs import updates as jobs
from workers.queues import queue


def item(key: str, body: dict[str, Any], client_time: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"idempotency_key": key, "body": body}
    if client_time:
        entry["client_time"] = client_time
    return entry


def flush(api: Api, headers: dict[str, str], *items: dict[str, Any]) -> list[dict[str, Any]]:
    answer = api("POST", "/updates/batch", json={"items": list(items)}, headers=headers)
    assert answer.status_code == 200, answer.text
    results: list[dict[str, Any]] = answer.json()["results"]
    return results


def task_then_done(contact: Record, create_key: str) -> tuple[dict[str, Any], ...]:
    return (
        item(create_key, {"type": "create_task", "subject": "Отправить каталог",
                          "date_due": "2026-04-01T09:00:00+03:00",
                          "parent": {"module": "Contacts", "id": contact.id}},
             "2026-03-30T08:00:00+03:00"),
        item(unique("done"), {"type": "complete_task", "task_id": f"ref:{create_key}"},
             "2026-03-30T08:05:00+03:00"),
        item(unique("note"), {"type": "add_note", "subject": "Каталог отправлен 📬",
                              "text": "по почте", "parent": {"module": "Contacts",
                                                              "id": contact.id}}),
    )


def test_a_batch_is_accepted_and_applied_in_order(
        api: Api, sally_headers: dict[str, str], crm: SuiteCRMClient, contact: Record,
        run_worker: Callable[..., object]) -> None:
    create_key = unique("task")
    items = task_then_done(contact, create_key)
    results = flush(api, sally_headers, *items)
    assert [(r["index"], r["idempotency_key"], r["outcome"]) for r in results] == [
        (n, i["idempotency_key"], "accepted") for n, i in enumerate(items)]
    assert results[0]["update"]["client_time"] == "2026-03-30T05:00:00+00:00"
    run_worker()
    states = [status_of(api, sally_headers, r["update"]["id"]) for r in results]
    assert [s["status"] for s in states] == ["applied"] * 3, states
    task_id = states[0]["record"]["id"]
    assert states[1]["record"] == {"module": "Tasks", "id": task_id}
    task = crm.get("Tasks", task_id)
    assert (task["name"], task["status"], task["created_by"]) == (
        "Отправить каталог", "Completed", SALLY)
    assert task.datetime("date_due") == datetime(2026, 4, 1, 6, 0, tzinfo=UTC)


def test_a_later_item_never_applies_before_an_earlier_one(
        api: Api, sally_headers: dict[str, str], crm: SuiteCRMClient, contact: Record,
        in_process: InProcess) -> None:
    """Whichever job of the rep runs first applies the rep's queue from its head."""
    results = flush(api, sally_headers, *task_then_done(contact, unique("task")))
    ids = [r["update"]["id"] for r in results]
    done = jobs.apply_updates(ids[2])  # the last item's job runs first
    assert (done["applied"], done["failed"]) == (3, 0)
    for update_id in ids:  # the others' jobs find nothing left to do
        assert jobs.apply_updates(update_id)["applied"] == 0
    task_id = status_of(api, sally_headers, ids[0])["record"]["id"]
    assert crm.get("Tasks", task_id)["status"] == "Completed"
    in_process.run_jobs("crm")
    assert len(queue(api.redis, "crm")) == 0


def test_each_item_gets_its_own_result_and_a_bad_one_stops_nothing(
        api: Api, sally_headers: dict[str, str], contact: Record) -> None:
    parent = {"module": "Contacts", "id": contact.id}
    sent_before = {"type": "add_note", "subject": "Sent online", "text": "x",
                   "parent": parent}
    earlier_key = unique("online")
    earlier = post(api, sally_headers, sent_before, earlier_key).json()
    reused = unique("reused")
    results = flush(
        api, sally_headers,
        item(earlier_key, sent_before),
        item(unique("bad"), {"type": "log_call", "subject": "", "direction": "sideways",
                             "parent": parent}),
        item(unique("unknown"), {"type": "teleport"}),
        item(reused, {"type": "add_note", "subject": "A", "text": "a", "parent": parent}),
        item(reused, {"type": "add_note", "subject": "B", "text": "b", "parent": parent}),
        item(unique("ref"), {"type": "complete_task", "task_id": "ref:never-sent"}),
        item(unique("fine"), {"type": "add_note", "subject": "C", "text": "c",
                              "parent": parent}),
    )
    assert [r["outcome"] for r in results] == [
        "replayed", "rejected", "rejected", "accepted", "rejected", "rejected", "accepted"]
    assert results[0]["update"]["id"] == earlier["id"]
    assert results[1]["code"] == 422
    assert set(results[1]["errors"]["body"]) == {"subject", "direction"}
    assert set(results[2]["errors"]["body"]) == {"type"}
    assert results[4]["code"] == 409 and "update" not in results[4]
    assert results[5]["code"] == 422 and "task_id" in results[5]["errors"]["body"]


def test_a_malformed_envelope_is_refused_whole(
        api: Api, sally_headers: dict[str, str], contact: Record) -> None:
    note = {"type": "add_note", "subject": "n", "text": "t",
            "parent": {"module": "Contacts", "id": contact.id}}
    envelope: Any
    for envelope in ({"items": []}, {"items": [item(unique("k"), note)] * 101},
                     {"items": [{"body": note}]}, {"items": [item(" padded ", note)]},
                     {"items": "all of them"}, {}):
        answer = api("POST", "/updates/batch", json=envelope, headers=sally_headers)
        assert answer.status_code == 422, (envelope, answer.text)
        assert answer.json()["errors"]["json"]
    assert api.redis.keys("socialcrm:updates:*") == []
