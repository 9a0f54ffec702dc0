"""Managers decide on held replies: only managers, once; approved replies are posted
exactly once by the outbound queue, rejected ones never; the verdict and the approver
are on the outbound Social Interaction in SuiteCRM, the outcome in the rep's update and
feed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis

from connectors.suitecrm import SuiteCRMClient
from sandboxes.facebook import FacebookSandbox
from tests.approvals.conftest import (
    INTERACTIONS,
    SALLY,
    SARAH,
    feed_alerts,
    ok,
    page_replies,
    reply,
    unique,
    update_state,
)
from tests.mobile.conftest import Api
from workers.approvals import ApprovalRequest, ApprovalStore
from workers.queues import queue
from workers.updates.decisions import enqueue_decision, job_id

Worker = Callable[..., Any]
COMMITMENT = "Мы вернём деньги за палатку сегодня 🙏\n— Sally"


def held_reply(api: Api, headers: dict[str, str], worker: Worker, customer_comment: Any,
               text: str = COMMITMENT) -> tuple[str, str, Any]:
    """A reply the policy holds: (update id, approval id, the inbound interaction)."""
    inbound, _ = customer_comment("Палатка порвалась в первый же день")
    update_id = reply(api, headers, inbound, text)
    worker("crm")
    state = update_state(api, headers, update_id)
    assert state["status"] == "applied" and "delivery" not in state, state
    return update_id, state["record"]["id"], inbound


def test_only_managers_see_and_decide(
        api: Api, sally_headers: dict[str, str], max_headers: dict[str, str],
        sarah_headers: dict[str, str], admin_headers: dict[str, str], worker: Worker,
        customer_comment: Any) -> None:
    _, approval_id, _ = held_reply(api, sally_headers, worker, customer_comment)
    for headers in (sally_headers, max_headers):
        listed = api("GET", "/approvals", headers=headers)
        assert listed.status_code == 403, listed.text
        assert "managers" in listed.json()["message"]
        for action in ("approve", "reject"):
            assert api("POST", f"/approvals/{approval_id}/{action}",
                       headers=headers).status_code == 403
    assert api("GET", f"/approvals/{approval_id}", headers=max_headers).status_code == 404
    assert api("GET", "/approvals").status_code == 401
    for manager in (sarah_headers, admin_headers):  # a listed manager, an administrator
        waiting = ok(api("GET", "/approvals", headers=manager))
        assert [item["id"] for item in waiting["items"]] == [approval_id]
        assert waiting["total"] == 1
    unknown = api("POST", f"/approvals/{unique('x')}/approve", headers=sarah_headers)
    assert unknown.status_code == 404
    assert ok(api("GET", f"/approvals/{approval_id}", headers=sally_headers))["state"] == \
        "waiting", "nothing was decided by the refused calls"


def test_approving_twice_posts_once_and_records_the_approver(
        api: Api, sally_headers: dict[str, str], sarah_headers: dict[str, str],
        admin_headers: dict[str, str], crm: SuiteCRMClient, facebook: FacebookSandbox,
        worker: Worker, customer_comment: Any) -> None:
    update_id, approval_id, inbound = held_reply(api, sally_headers, worker,
                                                 customer_comment)
    first = ok(api("POST", f"/approvals/{approval_id}/approve", headers=sarah_headers,
                   json={"note": "Согласовано ✅"}))
    again = ok(api("POST", f"/approvals/{approval_id}/approve", headers=sarah_headers))
    by_admin = ok(api("POST", f"/approvals/{approval_id}/approve", headers=admin_headers))
    assert first["state"] == again["state"] == by_admin["state"] == "approved"
    assert first["decided_by"] == by_admin["decided_by"] == {"user_id": SARAH,
                                                             "name": "Sarah Smith"}
    assert by_admin["note"] == "Согласовано ✅", "the first decision stands"
    conflict = api("POST", f"/approvals/{approval_id}/reject", headers=admin_headers)
    assert conflict.status_code == 409 and "approved already" in conflict.json()["message"]
    assert ok(api("GET", "/approvals", headers=sarah_headers))["items"] == []

    worker("crm", "outbound")
    worker("crm", "outbound")  # nothing left to do: nothing more is posted
    (posted,) = page_replies(facebook, COMMITMENT)
    state = update_state(api, sally_headers, update_id)
    assert state["delivery"]["status"] == "posted"
    assert state["delivery"]["external_id"] == posted["id"]

    # The decision's job again (a retry, a redelivery): still one post.
    finished = queue(api.redis, "crm").fetch_job(job_id(approval_id))
    assert finished is not None
    finished.delete()
    assert enqueue_decision(api.redis, approval_id)
    worker("crm", "outbound")
    assert len(page_replies(facebook, COMMITMENT)) == 1

    outbound = crm.get(INTERACTIONS, approval_id)
    assert (outbound["policy_verdict"], outbound["policy_approver_id"],
            outbound["policy_approver_name"], outbound["policy_note"]) == (
        "approved", SARAH, "Sarah Smith", "Согласовано ✅")
    assert (outbound["external_id"], outbound["status"]) == (posted["id"], "closed")
    assert outbound["policy_reasons"].startswith("commitment:")
    assert crm.get(INTERACTIONS, inbound.id)["status"] == "responded"
    titles = [item["title"] for item in feed_alerts(api, sally_headers)]
    assert any(title.startswith("Sarah Smith approved your reply") for title in titles)
    assert not any("waits for a manager" in title for title in titles), "replaced"


def test_a_rejected_reply_is_never_posted_and_the_rep_reads_why(
        api: Api, sally_headers: dict[str, str], sarah_headers: dict[str, str],
        crm: SuiteCRMClient, facebook: FacebookSandbox, worker: Worker,
        customer_comment: Any) -> None:
    update_id, approval_id, inbound = held_reply(api, sally_headers, worker,
                                                 customer_comment)
    assert any(item["status"] == "needs_approval" for item in feed_alerts(api, sarah_headers))
    rejected = ok(api("POST", f"/approvals/{approval_id}/reject", headers=sarah_headers,
                      json={"note": "Предложите ремонт, не возврат"}))
    assert rejected["state"] == "rejected"
    late = api("POST", f"/approvals/{approval_id}/approve", headers=sarah_headers)
    assert late.status_code == 409
    worker("crm", "outbound")

    assert page_replies(facebook, COMMITMENT) == []
    delivery = update_state(api, sally_headers, update_id)["delivery"]
    assert delivery == {"status": "failed", "reason": (
        "Sarah Smith did not approve the reply: Предложите ремонт, не возврат")}
    outbound = crm.get(INTERACTIONS, approval_id)
    assert (outbound["policy_verdict"], outbound["policy_approver_id"],
            outbound["policy_approver_name"], outbound["policy_note"]) == (
        "rejected", SARAH, "Sarah Smith", "Предложите ремонт, не возврат")
    assert (outbound["external_id"], outbound["status"]) == (f"rejected:{update_id}", "closed")
    assert outbound["modified_user_id"] == SARAH, "written as the manager who decided"
    assert crm.get(INTERACTIONS, inbound.id)["status"] == "assigned", "still unanswered"
    assert not any(item["status"] == "needs_approval"
                   for item in feed_alerts(api, sarah_headers)), "the manager's item went"
    assert any(item["title"] == "Sarah Smith did not approve your reply"
               for item in feed_alerts(api, sally_headers))


def test_a_manager_cannot_approve_their_own_reply(
        api: Api, sarah_headers: dict[str, str], admin_headers: dict[str, str],
        worker: Worker, customer_comment: Any) -> None:
    text = "We will refund you today.\n— Sarah"
    _, approval_id, _ = held_reply(api, sarah_headers, worker, customer_comment, text)
    own = api("POST", f"/approvals/{approval_id}/approve", headers=sarah_headers)
    assert own.status_code == 403 and "another manager" in own.json()["message"]
    assert ok(api("POST", f"/approvals/{approval_id}/approve",
                  headers=admin_headers))["decided_by"]["name"] == "Administrator"


def request(approval_id: str, minutes_ago: int) -> ApprovalRequest:
    return ApprovalRequest(
        id=approval_id, update_id=unique("u"), author_id=SALLY, author_name="Sally",
        text="Вернём деньги", network="facebook", verdict={"decision": "needs_approval"},
        interaction={"id": "i"},
        requested_at=datetime.now(UTC) - timedelta(minutes=minutes_ago))


def test_the_waiting_list_is_oldest_first_and_drops_what_expired(
        redis_client: redis.Redis) -> None:
    store = ApprovalStore(redis_client)
    for name, age in (("new", 1), ("old", 30), ("middle", 10)):
        assert store.request(request(name, age))
    assert not store.request(request("old", 99)), "a repeated hold changes nothing"
    items, total = store.waiting(limit=2)
    assert ([a.id for a in items], total) == (["old", "middle"], 3)
    redis_client.delete("socialcrm:approvals:item:middle")  # expired
    items, total = store.waiting(limit=5)
    assert ([a.id for a in items], total) == (["old", "new"], 2)
    assert [a.id for a in store.waiting(limit=5, offset=1)[0]] == ["new"]


@pytest.mark.parametrize("decisions", [("approved", "approved"), ("approved", "rejected")])
def test_one_decision_wins_when_managers_decide_at_the_same_moment(
        redis_client: redis.Redis, decisions: tuple[str, str]) -> None:
    store = ApprovalStore(redis_client)
    store.request(request("race", 5))
    outcomes: list[tuple[str, str]] = []
    start = threading.Barrier(len(decisions) * 4)

    def decide(decision: Any, who: str) -> None:
        start.wait()
        outcome, _ = store.decide("race", decision, by_id=who, by_name=who, note="",
                                  at=datetime.now(UTC))
        outcomes.append((decision, outcome))

    threads = [threading.Thread(target=decide, args=(decision, f"{decision}-{n}"))
               for decision in decisions for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = store.get("race")
    assert final is not None
    assert [outcome for _, outcome in outcomes].count("decided") == 1
    assert final.decided_by_id.startswith(final.state)
    for decision, outcome in outcomes:
        expected = {"decided", "unchanged"} if decision == final.state else {"conflict"}
        assert outcome in expected, outcomes
