"""Bodies are checked at once: a mistake is a 422 naming the fields (never a 500, never
queued), and the OpenAPI document describes every update type and every answer."""

from __future__ import annotations

from typing import Any

import pytest

from tests.mobile.conftest import Api
from tests.updates.conftest import post, unique

CONTACT = "6f1c1c1e-0000-4000-8000-000000000001"
PARENT = {"module": "Contacts", "id": CONTACT}
CALL = {"type": "log_call", "subject": "Call", "direction": "inbound", "parent": PARENT}
DEAL = {"type": "move_opportunity", "opportunity_id": CONTACT}

# (body, the json fields the 422 must name)
BAD_BODIES: list[tuple[Any, set[str]]] = [
    ([CALL], {"_schema"}),
    ("log_call", {"_schema"}),
    ({}, {"type"}),
    ({"type": "teleport"}, {"type"}),
    ({"type": None}, {"type"}),
    ({"type": "log_call"}, {"subject", "direction", "parent"}),
    ({**CALL, "subject": "📞" * 6}, {"subject"}),  # 6 x 9 stored characters > 50
    ({**CALL, "subject": "   "}, {"subject"}),
    ({**CALL, "direction": "sideways", "status": "maybe"}, {"direction", "status"}),
    ({**CALL, "duration_minutes": -5}, {"duration_minutes"}),
    ({**CALL, "date_start": "2026-03-01T10:00:00"}, {"date_start"}),  # no time zone
    ({**CALL, "date_start": "0001-01-01T00:00:00+05:00"}, {"date_start"}),
    ({**CALL, "client_time": "9999-12-31T23:59:59-05:00"}, {"client_time"}),
    ({**CALL, "subject": "nul\u0000byte", "description": "bell\u0007"},
     {"subject", "description"}),
    ({**CALL, "parent": {"module": "Users", "id": CONTACT}}, {"parent"}),
    ({**CALL, "parent": {"module": "Contacts", "id": "../../etc"}}, {"parent"}),
    ({**CALL, "base_version": {"fields": {}}}, {"base_version"}),
    ({**CALL, "colour": "red"}, {"colour"}),
    ({"type": "add_note", "subject": "s", "parent": PARENT}, {"text"}),
    ({"type": "create_task", "subject": "s", "date_due": "tomorrow"}, {"date_due"}),
    ({"type": "complete_task", "task_id": "ref:"}, {"task_id"}),
    (DEAL, {"_schema"}),
    ({**DEAL, "amount": "12.345"}, {"amount"}),
    ({**DEAL, "amount": -1}, {"amount"}),
    ({**DEAL, "amount": "NaN"}, {"amount"}),
    ({**DEAL, "amount": "Infinity", "date_closed": "0001-01-01"}, {"amount", "date_closed"}),
    ({**DEAL, "sales_stage": "Won-ish"}, {"sales_stage"}),
    ({**DEAL, "opportunity_id": "ref:some-key", "date_closed": "2026-02-30"},
     {"opportunity_id", "date_closed"}),
    ({**DEAL, "amount": 5, "base_version": {"fields": {"colour": "red"}}}, {"base_version"}),
    ({"type": "update_contact", "contact_id": CONTACT, "email": "not-an-address"}, {"email"}),
    ({"type": "update_contact", "contact_id": CONTACT}, {"_schema"}),
    ({"type": "reply", "interaction_id": CONTACT, "text": "x" * 8001}, {"text"}),
    ({"type": "set_interaction_status", "interaction_id": CONTACT, "status": "deleted"},
     {"status"}),
]


@pytest.mark.parametrize(("body", "fields"), BAD_BODIES,
                         ids=[f"bad-{n}" for n in range(len(BAD_BODIES))])
def test_bad_bodies_get_field_errors_and_nothing_is_stored(
        api: Api, sally_headers: dict[str, str], body: Any, fields: set[str]) -> None:
    answer = post(api, sally_headers, body)
    assert answer.status_code == 422, answer.text
    error = answer.json()
    assert (error["code"], error["status"]) == (422, "Unprocessable Entity")
    assert set(error["errors"]["json"]) == fields
    assert api.redis.keys("socialcrm:updates:*") == []


def test_what_is_not_json_is_a_client_error(api: Api, sally_headers: dict[str, str]) -> None:
    for data, content_type in (("{not json", "application/json"), ("", "application/json"),
                               ("type=log_call", "application/x-www-form-urlencoded")):
        answer = api("POST", "/updates", data=data, headers={
            **sally_headers, "Idempotency-Key": unique("k"), "Content-Type": content_type})
        assert 400 <= answer.status_code < 500, (data, answer.status_code, answer.text)
        assert "message" in answer.json()


def test_limits_count_emoji_as_suitecrm_stores_them(
        api: Api, sally_headers: dict[str, str]) -> None:
    assert post(api, sally_headers, {**CALL, "subject": "📞" * 5}).status_code == 202
    assert post(api, sally_headers, {**CALL, "subject": "Ж" * 50}).status_code == 202
    assert post(api, sally_headers, {**CALL, "subject": "Ж" * 51}).status_code == 422


def test_a_reference_to_no_earlier_update_is_a_field_error(
        api: Api, sally_headers: dict[str, str]) -> None:
    answer = post(api, sally_headers, {"type": "complete_task", "task_id": "ref:nothing"})
    assert answer.status_code == 422
    assert "task_id" in answer.json()["errors"]["json"]


def test_the_openapi_document_describes_every_type_and_answer(api: Api) -> None:
    document = api("GET", "/openapi.json").json()
    schemas = document["components"]["schemas"]
    body = document["paths"]["/api/v1/updates"]["post"]
    choices = body["requestBody"]["content"]["application/json"]["schema"]["oneOf"]
    types = [schemas[ref["$ref"].rsplit("/", 1)[1]]["properties"]["type"]["enum"]
             for ref in choices]
    assert sorted(t for (t,) in types) == sorted([
        "log_call", "add_note", "create_task", "complete_task", "move_opportunity",
        "update_contact", "reply", "set_interaction_status"])
    assert {p["name"] for p in body["parameters"] if p["in"] == "header"} == {
        "Idempotency-Key"}
    assert set(body["responses"]) >= {"200", "202", "400", "401", "409", "422"}
    assert set(document["paths"]["/api/v1/updates/{update_id}"]["get"]["responses"]) >= {
        "200", "401", "404"}
    batch = document["paths"]["/api/v1/updates/batch"]["post"]
    item = batch["requestBody"]["content"]["application/json"]["schema"]["properties"][
        "items"]["items"]
    assert item["properties"]["body"]["type"] == "object", "an invalid body rejects its item"
    mine = [document["paths"][p] for p in document["paths"] if p.startswith("/api/v1/updates")]
    for ref in _refs(mine):
        _, components, kind, name = ref.split("/")
        assert name in document[components][kind], f"unresolved {ref}"


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []
