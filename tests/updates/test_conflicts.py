"""Edits from an older version: fields nobody else changed merge, a field someone else
changed is a conflict reported with the server's values and nothing is overwritten."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from connectors.suitecrm import Record, SuiteCRMClient
from tests.mobile.conftest import Api
from tests.updates.conftest import SALLY, make_record, post, status_of, unique

SERVICE_USER = "1"


@pytest.fixture()
def deal(crm: SuiteCRMClient) -> Record:
    return make_record(crm, "Opportunities", name=unique("Kayaks"), amount="5000",
                       sales_stage="Prospecting", date_closed=date(2026, 9, 30),
                       assigned_user_id=SALLY)


def move(deal: Record, base: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"type": "move_opportunity", "opportunity_id": deal.id, **changes}
    if base is not None:
        body["base_version"] = base
    return body


def outcome(api: Api, headers: dict[str, str], body: dict[str, Any],
            run_worker: Callable[..., object]) -> dict[str, Any]:
    answer = post(api, headers, body)
    assert answer.status_code == 202, answer.text
    run_worker()
    return status_of(api, headers, answer.json()["id"])


def test_a_field_changed_by_someone_else_is_a_conflict_and_nothing_is_written(
        api: Api, sally_headers: dict[str, str], crm: SuiteCRMClient, deal: Record,
        run_worker: Callable[..., object]) -> None:
    crm.update("Opportunities", deal.id, {"sales_stage": "Closed Lost"})  # a colleague
    state = outcome(api, sally_headers, move(
        deal, {"fields": {"sales_stage": "Prospecting", "amount": 5000}},
        sales_stage="Proposal/Price Quote", amount="7200"), run_worker)
    assert state["status"] == "conflict"
    assert state["record"] == {"module": "Opportunities", "id": deal.id}
    assert state["conflict"] == {
        "fields": ["sales_stage"],
        "server": {"sales_stage": "Closed Lost", "amount": "5000"},
        "base": {"sales_stage": "Prospecting", "amount": "5000"},
        "yours": {"sales_stage": "Proposal/Price Quote", "amount": "7200"}}
    stored = crm.get("Opportunities", deal.id)
    assert stored["sales_stage"] == "Closed Lost"
    assert Decimal(str(stored["amount"])) == 5000, "all or nothing: the amount is not written"
    assert stored["modified_user_id"] == SERVICE_USER


def test_fields_nobody_else_changed_merge_with_someone_else_s_change(
        api: Api, sally_headers: dict[str, str], crm: SuiteCRMClient, deal: Record,
        run_worker: Callable[..., object]) -> None:
    crm.update("Opportunities", deal.id, {"amount": "6100"})  # a colleague, another field
    state = outcome(api, sally_headers, move(
        deal, {"fields": {"sales_stage": "Prospecting"}}, sales_stage="Qualification"),
        run_worker)
    assert state["status"] == "applied", state
    stored = crm.get("Opportunities", deal.id)
    assert stored["sales_stage"] == "Qualification"
    assert Decimal(str(stored["amount"])) == 6100, "the colleague's change is kept"
    assert stored["modified_user_id"] == SALLY


def test_a_value_someone_already_set_is_not_a_conflict_and_not_written_again(
        api: Api, sally_headers: dict[str, str], crm: SuiteCRMClient, deal: Record,
        run_worker: Callable[..., object]) -> None:
    crm.update("Opportunities", deal.id, {"sales_stage": "Closed Won"})
    state = outcome(api, sally_headers, move(
        deal, {"fields": {"sales_stage": "Prospecting"}}, sales_stage="Closed Won"),
        run_worker)
    assert state["status"] == "applied"
    assert crm.get("Opportunities", deal.id)["modified_user_id"] == SERVICE_USER


def test_without_field_values_the_record_s_date_modified_decides(
        api: Api, sally_headers: dict[str, str], crm: SuiteCRMClient, deal: Record,
        run_worker: Callable[..., object]) -> None:
    changed = crm.update("Opportunities", deal.id, {"description": "a colleague's edit"})
    modified = changed.datetime("date_modified")
    assert modified is not None
    older = {"date_modified": (modified - timedelta(minutes=3)).isoformat()}
    stale = outcome(api, sally_headers, move(deal, older, sales_stage="Qualification"),
                    run_worker)
    assert stale["status"] == "conflict" and stale["conflict"]["fields"] == ["sales_stage"]
    assert crm.get("Opportunities", deal.id)["sales_stage"] == "Prospecting"
    current = {"date_modified": modified.isoformat()}
    fresh = outcome(api, sally_headers, move(deal, current, sales_stage="Qualification"),
                    run_worker)
    assert fresh["status"] == "applied"
    assert crm.get("Opportunities", deal.id)["sales_stage"] == "Qualification"


def test_contact_fields_merge_and_conflict_one_by_one(
        api: Api, sally_headers: dict[str, str], crm: SuiteCRMClient,
        run_worker: Callable[..., object]) -> None:
    person = make_record(crm, "Contacts", first_name="Олег", last_name=unique("Иванов"),
                         assigned_user_id=SALLY, email1="Oleg@Example.com",
                         phone_work="+7 495 000 00 00", title="Инженер")
    crm.update("Contacts", person.id, {"title": "Главный инженер"})  # a colleague
    base = {"fields": {"email": "oleg@example.com", "phone_work": "+7 495 000 00 00"}}
    merged = outcome(api, sally_headers, {
        "type": "update_contact", "contact_id": person.id, "base_version": base,
        "email": "oleg.ivanov@example.ru", "phone_work": "+7 495 111 22 33"}, run_worker)
    assert merged["status"] == "applied", "an address compares without case"
    stored = crm.get("Contacts", person.id, fields=["email1", "phone_work", "title"])
    assert (stored["email1"], stored["phone_work"], stored["title"]) == (
        "oleg.ivanov@example.ru", "+7 495 111 22 33", "Главный инженер")
    clash = outcome(api, sally_headers, {
        "type": "update_contact", "contact_id": person.id,
        "base_version": {"fields": {"title": "Инженер"}}, "title": "Ведущий инженер"},
        run_worker)
    assert clash["status"] == "conflict"
    assert clash["conflict"]["server"] == {"title": "Главный инженер"}


def test_an_interaction_status_edit_checks_its_base_too(
        api: Api, sally_headers: dict[str, str], crm: SuiteCRMClient,
        run_worker: Callable[..., object]) -> None:
    interaction = make_record(crm, "SCRM_SocialInteractions", name="Tent leaks",
                              network="facebook", external_id=unique("1042_9"),
                              kind="comment", direction="inbound", status="new",
                              occurred_at=date(2026, 1, 5).isoformat() + " 10:00:00",
                              assigned_user_id=SALLY)
    crm.update("SCRM_SocialInteractions", interaction.id, {"status": "assigned"})
    state = outcome(api, sally_headers, {
        "type": "set_interaction_status", "interaction_id": interaction.id,
        "status": "closed", "base_version": {"fields": {"status": "new"}}}, run_worker)
    assert state["status"] == "conflict"
    assert state["conflict"]["server"] == {"status": "assigned"}
    assert crm.get("SCRM_SocialInteractions", interaction.id)["status"] == "assigned"
