"""Every rep's reply gets the compliance policy's verdict in the real worker (the shipped
policy: its signature is "— {agent_first_name}"): allowed is posted once, blocked fails
with the reasons and is kept in SuiteCRM unposted, needs_approval is recorded and waits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from connectors.suitecrm import Filter, SuiteCRMClient
from sandboxes.facebook import FacebookSandbox
from tests.approvals.conftest import (
    INTERACTIONS,
    SALLY,
    ok,
    page_replies,
    reply,
    update_state,
)
from tests.mobile.conftest import Api
from workers.queues import queue

Worker = Callable[..., Any]


def test_an_allowed_reply_is_posted_once_and_recorded_as_allowed(
        api: Api, sally_headers: dict[str, str], crm: SuiteCRMClient,
        facebook: FacebookSandbox, worker: Worker, customer_comment: Any) -> None:
    inbound, _ = customer_comment("Палатка протекает 😟")
    text = "Ольга, замену отправили сегодня 📦 客户服务\n— Sally"
    update_id = reply(api, sally_headers, inbound, text)
    worker("crm", "outbound")
    state = update_state(api, sally_headers, update_id)
    assert (state["status"], state["delivery"]["status"]) == ("applied", "posted"), state
    (posted,) = page_replies(facebook, text)
    outbound = crm.get(INTERACTIONS, state["record"]["id"])
    assert (outbound["policy_verdict"], outbound["external_id"], outbound["body"]) == (
        "allowed", posted["id"], text)
    assert not outbound["policy_approver_id"]
    assert crm.get(INTERACTIONS, inbound.id)["status"] == "responded"


def test_a_blocked_reply_fails_with_the_policy_s_reasons_and_is_kept_unposted(
        api: Api, sally_headers: dict[str, str], crm: SuiteCRMClient,
        facebook: FacebookSandbox, worker: Worker, customer_comment: Any) -> None:
    inbound, _ = customer_comment("Где мой заказ?")
    insult = reply(api, sally_headers, inbound, "Shut up, idiot.\n— Sally")
    unsigned = reply(api, sally_headers, inbound, "Your order ships today.")
    wrong_name = reply(api, sally_headers, inbound, "Your order ships today.\n— Bob")
    worker("crm", "outbound")

    refused = update_state(api, sally_headers, insult)
    assert refused["status"] == "failed"
    assert refused["reason"] == ("the reply cannot be sent: “Shut up” is not allowed; "
                                 "“idiot” is not allowed")
    for update_id in (unsigned, wrong_name):
        state = update_state(api, sally_headers, update_id)
        assert state["status"] == "failed"
        assert "must end with the signature" in state["reason"], state
    assert "Sally" in update_state(api, sally_headers, wrong_name)["reason"]
    assert page_replies(facebook, "Shut up, idiot.\n— Sally") == []
    assert len(queue(api.redis, "outbound")) == 0

    (attempt,) = crm.list(INTERACTIONS, filter=Filter.where(external_id=f"blocked:{insult}"),
                          fields=["policy_verdict", "policy_reasons", "status", "body",
                                  "created_by"]).records
    assert attempt["body"] == "Shut up, idiot.\n— Sally"
    assert (attempt["policy_verdict"], attempt["status"], attempt["created_by"]) == (
        "blocked", "closed", SALLY)
    assert attempt["policy_reasons"].splitlines() == [
        "banned_term: “Shut up” is not allowed", "banned_term: “idiot” is not allowed"]
    assert crm.get(INTERACTIONS, inbound.id)["status"] == "assigned", "not answered"


def test_a_reply_that_needs_approval_is_recorded_and_waits(
        api: Api, sally_headers: dict[str, str], sarah_headers: dict[str, str],
        crm: SuiteCRMClient, facebook: FacebookSandbox, worker: Worker,
        customer_comment: Any) -> None:
    inbound, _ = customer_comment("我的帐篷漏水了", language="zh", author="李雷")
    text = "很抱歉！我们会给您退款。\n— Sally"
    update_id = reply(api, sally_headers, inbound, text)
    worker("crm", "outbound")

    state = update_state(api, sally_headers, update_id)
    assert state["status"] == "applied" and "delivery" not in state, "recorded, not posted"
    outbound = crm.get(INTERACTIONS, state["record"]["id"])
    assert (outbound["policy_verdict"], outbound["status"]) == ("needs_approval", "assigned")
    assert outbound["external_id"] == f"pending:{update_id}"
    assert outbound["policy_reasons"] == "commitment: “退款” needs a manager's approval"
    assert page_replies(facebook, text) == []

    waiting = ok(api("GET", "/approvals", headers=sarah_headers))
    (held,) = [item for item in waiting["items"] if item["update_id"] == update_id]
    assert held["id"] == outbound.id and held["state"] == "waiting"
    assert (held["text"], held["network"]) == (text, "facebook")
    assert held["author"] == {"user_id": SALLY, "name": "Sally Bronsen"}
    assert held["interaction"]["id"] == inbound.id
    assert held["interaction"]["body"] == "我的帐篷漏水了"
    (reason,) = held["verdict"]["reasons"]
    start, end = reason["spans"][0]
    assert (reason["code"], reason["decision"], text[start:end]) == (
        "commitment", "needs_approval", "退款")
    # The rep follows her own reply there (its id is her update's record).
    mine = ok(api("GET", f"/approvals/{outbound.id}", headers=sally_headers))
    assert mine["state"] == "waiting" and mine["decided_by"] is None
