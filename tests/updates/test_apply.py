# ruff: noqa: RUF001 - Cyrillic text is the test data
"""Every update type, posted over HTTP and applied by a real ``socialcrm worker`` process,
reads back from SuiteCRM as written, with the rep (never the service account) as the
record's creator or modifier."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from connectors.suitecrm import Record, SuiteCRMClient
from tests.mobile.conftest import Api
from tests.updates.conftest import (
    SALLY,
    WORLD_TEXT,
    make_record,
    post,
    status_of,
    unique,
)
from workers import feed

SERVICE_USER = "1"  # the service account acts as SuiteCRM's admin


def applied(api: Api, headers: dict[str, str], update_id: str) -> dict[str, Any]:
    state = status_of(api, headers, update_id)
    assert state["status"] == "applied", state
    return state


def accepted(answer: Any) -> str:
    assert answer.status_code == 202, answer.text
    body = answer.json()
    assert body["status"] == "queued"
    assert answer.headers["Location"].endswith(f"/api/v1/updates/{body['id']}")
    return str(body["id"])


def by_the_rep(record: Record, *, created: bool) -> None:
    assert record.get("modified_user_id") == SALLY
    if created:
        assert record.get("created_by") == SALLY
        assert record.get("assigned_user_id") == SALLY


def test_every_type_is_written_as_the_rep_and_reads_back_as_written(
        api: Api, sally_headers: dict[str, str], crm: SuiteCRMClient, contact: Record,
        run_worker: Callable[..., object]) -> None:
    started = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    due = datetime(2026, 3, 9, 16, 0, tzinfo=UTC)
    colleague_task = make_record(crm, "Tasks", name=unique("Send brochure"),
                                 status="In Progress", priority="Low",
                                 assigned_user_id=SALLY)
    deal = make_record(crm, "Opportunities", name=unique("Tents"), amount="1000",
                       sales_stage="Prospecting", date_closed=date(2026, 6, 30),
                       assigned_user_id=SALLY)
    person = make_record(crm, "Contacts", first_name="Li", last_name=unique("Wei"),
                         assigned_user_id=SALLY, email1="li.wei@example.com")
    comment = make_record(crm, "SCRM_SocialInteractions", name="Where is my order?",
                          network="facebook", external_id=unique("1042_77"),
                          kind="comment", direction="inbound", status="new",
                          occurred_at=started, assigned_user_id=SALLY)
    parent = {"module": "Contacts", "id": contact.id}
    ids = {
        "call": accepted(post(api, sally_headers, {
            "type": "log_call", "subject": "Звонок 客户 👍🏽", "direction": "outbound",
            "duration_minutes": 75, "status": "held", "date_start": started.isoformat(),
            "parent": parent, "description": WORLD_TEXT})),
        "note": accepted(post(api, sally_headers, {
            "type": "add_note", "subject": WORLD_TEXT, "parent": parent,
            "text": WORLD_TEXT + "\nвторая строка, 第二行 🎉"})),
        "task": accepted(post(api, sally_headers, {
            "type": "create_task", "subject": "Задача 任务 ✅", "priority": "high",
            "date_due": due.isoformat(), "parent": parent})),
        "done": accepted(post(api, sally_headers, {
            "type": "complete_task", "task_id": colleague_task.id})),
        "deal": accepted(post(api, sally_headers, {
            "type": "move_opportunity", "opportunity_id": deal.id,
            "sales_stage": "Negotiation/Review", "amount": "12500.50",
            "date_closed": "2026-05-15"})),
        "person": accepted(post(api, sally_headers, {
            "type": "update_contact", "contact_id": person.id,
            "phone_mobile": "+86 10 6552 9988", "title": "Закупщица 采购 📦",
            "email": "wei.li@example.cn"})),
        "status": accepted(post(api, sally_headers, {
            "type": "set_interaction_status", "interaction_id": comment.id,
            "status": "closed"})),
    }
    run_worker()

    call = crm.get("Calls", applied(api, sally_headers, ids["call"])["record"]["id"])
    by_the_rep(call, created=True)
    assert (call["name"], call["description"]) == ("Звонок 客户 👍🏽", WORLD_TEXT)
    assert (call["direction"], call["status"]) == ("Outbound", "Held")
    assert (call["duration_hours"], call["duration_minutes"]) in (("1", "15"), (1, 15))
    assert call.datetime("date_start") == started
    assert (call["parent_type"], call["parent_id"]) == ("Contacts", contact.id)
    linked = [r.id for r in crm.related("Calls", call.id, "contacts")]
    assert linked == [contact.id], "a call on a person shows in their activities"

    note = crm.get("Notes", applied(api, sally_headers, ids["note"])["record"]["id"])
    by_the_rep(note, created=True)
    assert note["name"] == WORLD_TEXT
    assert note["description"] == WORLD_TEXT + "\nвторая строка, 第二行 🎉"
    assert (note["parent_id"], note["contact_id"]) == (contact.id, contact.id)

    task = crm.get("Tasks", applied(api, sally_headers, ids["task"])["record"]["id"])
    by_the_rep(task, created=True)
    assert (task["name"], task["priority"], task["status"]) == (
        "Задача 任务 ✅", "High", "Not Started")
    assert task.datetime("date_due") == due

    done = crm.get("Tasks", colleague_task.id)
    assert applied(api, sally_headers, ids["done"])["record"] == {
        "module": "Tasks", "id": colleague_task.id}
    assert done["status"] == "Completed" and done["modified_user_id"] == SALLY
    assert done["created_by"] == SERVICE_USER, "an edit leaves the creator alone"

    moved = crm.get("Opportunities", deal.id)
    assert moved["modified_user_id"] == SALLY
    assert moved["sales_stage"] == "Negotiation/Review"
    assert Decimal(str(moved["amount"])) == Decimal("12500.50")
    assert moved["date_closed"] == "2026-05-15"

    changed = crm.get("Contacts", person.id, fields=["phone_mobile", "title", "email1",
                                                     "modified_user_id", "last_name"])
    assert changed["modified_user_id"] == SALLY
    assert (changed["phone_mobile"], changed["title"]) == ("+86 10 6552 9988",
                                                           "Закупщица 采购 📦")
    assert changed["email1"] == "wei.li@example.cn"
    assert changed["last_name"] == person["last_name"], "fields not sent stay as they were"

    closed = crm.get("SCRM_SocialInteractions", comment.id)
    assert closed["status"] == "closed" and closed["modified_user_id"] == SALLY


def test_the_result_shows_in_the_rep_s_feed_at_once(
        api: Api, sally_headers: dict[str, str], contact: Record,
        run_worker: Callable[..., object]) -> None:
    update_id = accepted(post(api, sally_headers, {
        "type": "add_note", "subject": "Обещала перезвонить 📞", "text": "В пятницу",
        "parent": {"module": "Contacts", "id": contact.id}}))
    run_worker()
    note_id = applied(api, sally_headers, update_id)["record"]["id"]
    page = feed.timeline(api.redis, SALLY, limit=10)
    mine = [item for item in page.items if item.record_id == note_id]
    assert len(mine) == 1, "no drain of the change stream ran: this is the update's own"
    assert (mine[0].kind, mine[0].title) == ("note", "Обещала перезвонить 📞")


def test_a_call_logged_offline_starts_at_the_client_time_by_default(
        api: Api, sally_headers: dict[str, str], crm: SuiteCRMClient, contact: Record,
        run_worker: Callable[..., object]) -> None:
    when = (datetime.now(UTC) - timedelta(days=2)).replace(second=0, microsecond=0)
    update_id = accepted(post(api, sally_headers, {
        "type": "log_call", "subject": "On the road", "direction": "inbound",
        "client_time": when.isoformat(), "parent": {"module": "Contacts", "id": contact.id}}))
    run_worker()
    call = crm.get("Calls", applied(api, sally_headers, update_id)["record"]["id"])
    assert call.datetime("date_start") == when
    assert (call["status"], call["duration_hours"] in ("0", 0)) == ("Held", True)


def test_the_rep_s_own_update_is_read_back_at_once_not_from_the_cache(
        api: Api, sally_headers: dict[str, str], contact: Record,
        run_worker: Callable[..., Any]) -> None:
    """Records are cached 30 s per rep; the rep's own write drops what it made stale."""
    before = api("GET", f"/records/contacts/{contact.id}", headers=sally_headers)
    assert before.status_code == 200 and before.json()["title"] == "Buyer"
    update = post(api, sally_headers, {"type": "update_contact", "contact_id": contact.id,
                                       "title": "Head of purchasing 采购"})
    assert update.status_code == 202
    run_worker()
    applied(api, sally_headers, update.json()["id"])
    after = api("GET", f"/records/contacts/{contact.id}", headers=sally_headers)
    assert after.json()["title"] == "Head of purchasing 采购"
