"""POST /replies/check: the verdict an app shows before sending, the same the worker
gives (the shipped policy, signed with the rep's own name)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from connectors.suitecrm import SuiteCRMClient
from tests.approvals.conftest import INTERACTIONS, SALLY, ok, unique
from tests.mobile.conftest import Api


def check(api: Api, headers: dict[str, str], **body: Any) -> Any:
    return api("POST", "/replies/check", json=body, headers=headers)


def test_the_verdict_names_its_reasons_and_where_they_are(
        api: Api, sally_headers: dict[str, str]) -> None:
    text = "Вам положена компенсация, пишите на olga@example.com\n— Sally"
    answer = ok(check(api, sally_headers, network="facebook", text=text))
    assert (answer["decision"], answer["network"], answer["kind"], answer["language"]) == (
        "blocked", "facebook", "public", "ru")
    found = {(r["code"], r["decision"], text[r["spans"][0][0]:r["spans"][0][1]])
             for r in answer["reasons"]}
    assert found == {("personal_data", "blocked", "olga@example.com"),
                     ("commitment", "needs_approval", "компенсация")}
    assert answer["reason"] == "an email address must not be posted publicly"
    assert "olga@example.com" not in str(answer), "a verdict never quotes personal data"

    private = ok(check(api, sally_headers, network="facebook", kind="private", text=text))
    assert private["decision"] == "needs_approval", "emails may go in a private message"


def test_the_signature_must_be_the_rep_s_own_name(
        api: Api, sally_headers: dict[str, str], max_headers: dict[str, str]) -> None:
    text = "Thanks for the kind words! 🙏\n— Sally"
    assert ok(check(api, sally_headers, network="linkedin", text=text))["decision"] == \
        "allowed"
    as_max = ok(check(api, max_headers, network="linkedin", text=text))
    assert as_max["decision"] == "blocked"
    assert [r["code"] for r in as_max["reasons"]] == ["missing_signature"]
    assert "Max" in as_max["reason"]
    assert ok(check(api, sally_headers, network="linkedin",
                    text="x" * 1250 + "\n— Sally"))["reasons"][0]["code"] == "too_long"


def test_an_interaction_names_the_network(
        api: Api, sally_headers: dict[str, str], crm: SuiteCRMClient) -> None:
    comment = crm.create(INTERACTIONS, {
        "name": "Question", "network": "linkedin", "kind": "comment",
        "external_id": f"urn:li:comment:(urn:li:activity:1,{unique('c')})",
        "direction": "inbound", "status": "new", "occurred_at": datetime.now(UTC),
        "assigned_user_id": SALLY})
    message = crm.create(INTERACTIONS, {
        "name": "DM", "network": "facebook", "kind": "message", "external_id": unique("m"),
        "direction": "inbound", "status": "new", "occurred_at": datetime.now(UTC),
        "assigned_user_id": SALLY})
    text = "我们保证明天发货。\n— Sally"
    answer = ok(check(api, sally_headers, interaction_id=comment.id, text=text))
    assert (answer["network"], answer["decision"]) == ("linkedin", "needs_approval")
    assert answer["reasons"][0]["subject"] == "保证"

    private = ok(check(api, sally_headers, interaction_id=message.id, text=text))
    assert (private["network"], private["kind"]) == ("facebook", "private")
    too_long = ok(check(api, sally_headers, interaction_id=message.id, text="好" * 2001))
    assert too_long["decision"] == "blocked" and "2000" in str(too_long["reasons"])
    lead = crm.create(INTERACTIONS, {
        "name": "Form", "network": "facebook", "kind": "lead_form", "external_id": unique("l"),
        "direction": "inbound", "status": "new", "occurred_at": datetime.now(UTC),
        "assigned_user_id": SALLY})
    refused = check(api, sally_headers, interaction_id=lead.id, text=text)
    assert refused.status_code == 422
    assert "interaction_id" in refused.json()["errors"]["json"]
    unknown = check(api, sally_headers, interaction_id="1" * 20, text=text)
    assert unknown.status_code == 404


def test_bodies_that_name_no_single_target_are_refused(
        api: Api, sally_headers: dict[str, str]) -> None:
    for body in ({"text": "hi"}, {"network": "facebook", "interaction_id": "1", "text": "hi"},
                 {"kind": "public", "interaction_id": "1", "text": "hi"},
                 {"network": "myspace", "text": "hi"}, {"network": "facebook"}):
        answer = check(api, sally_headers, **body)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.json()["errors"]["json"]
    assert api("POST", "/replies/check", json={"network": "facebook", "text": "x"}
               ).status_code == 401
    empty = ok(check(api, sally_headers, network="facebook", text="  "))
    assert (empty["decision"], empty["reasons"][0]["code"]) == ("blocked", "empty")
