# ruff: noqa: RUF001 - Cyrillic and Chinese text is the test data
"""Closing the loop in public: a rep closes a social Case in SuiteCRM (through V8, as
herself), the change outbox is drained onto the event stream, the ``close-loop`` group's
job (a real worker) drafts the reply in the customer's language from the resolution; the
rep sends it in one tap through the reply path: posted once, the interaction
``closed_publicly``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from connectors.suitecrm import Record, SuiteCRMClient
from sandboxes.facebook import FacebookSandbox
from tests.approvals.conftest import (
    INTERACTIONS,
    SALLY,
    feed_alerts,
    ok,
    page_replies,
    unique,
    update_state,
)
from tests.mobile.conftest import Api
from workers.close_loop import Templates
from workers.jobs.close_loop import FUNCTION
from workers.queues import enqueue

Worker = Callable[..., Any]


def social_case(crm: SuiteCRMClient, customer_comment: Any, text: str,
                language: str) -> tuple[Record, Record]:
    """A Case opened for a customer's public complaint, assigned to Sally."""
    case = crm.create("Cases", {"name": unique("Tent leaks"), "state": "Open",
                                "status": "Open_Assigned", "assigned_user_id": SALLY})
    inbound, _ = customer_comment(text, language=language, case_id=case.id)
    return crm.get("Cases", case.id), inbound


def set_case(sally_crm: SuiteCRMClient, case: Record, **values: str) -> None:
    sally_crm.update("Cases", case.id, values)


def close(sally_crm: SuiteCRMClient, case: Record, resolution: str,
          status: str = "Closed_Closed") -> None:
    set_case(sally_crm, case, state="Closed", status=status, resolution=resolution)


@pytest.fixture()
def take_in(api: Api, worker: Worker, drain_changes: Callable[[], None]) -> Callable[[], None]:
    """The outbox drained onto the stream, then the close-loop job run by a worker."""
    def run() -> None:
        drain_changes()
        enqueue(api.redis, "webhooks", FUNCTION, job_id=unique("close-loop-drain"))
        worker("webhooks")
    return run


def drafts_of(api: Api, headers: dict[str, str], case: Record) -> list[dict[str, Any]]:
    listed = ok(api("GET", "/drafts?limit=100", headers=headers))
    return [draft for draft in listed["items"] if draft["case"]["id"] == case.id]


def test_a_closed_case_drafts_a_reply_that_is_sent_once_and_closes_the_loop(
        api: Api, sally_headers: dict[str, str], crm: SuiteCRMClient,
        sally_crm: SuiteCRMClient, facebook: FacebookSandbox, worker: Worker,
        customer_comment: Any, take_in: Callable[[], None]) -> None:
    case, inbound = social_case(crm, customer_comment, "Палатка протекает по шву 😟", "ru")
    take_in()
    assert drafts_of(api, sally_headers, case) == [], "an open Case drafts nothing"
    resolution = "Заменили палатку на новую модель 🏕️, курьер привезёт её в пятницу."
    close(sally_crm, case, resolution)
    take_in()

    (draft,) = drafts_of(api, sally_headers, case)
    expected = (f"Хорошие новости: ваше обращение {case['case_number']} решено. "
                f"{resolution}\nСпасибо за терпение!\n— Sally")
    assert (draft["text"], draft["language"], draft["state"]) == (expected, "ru", "pending")
    assert draft["verdict"]["decision"] == "allowed", draft["verdict"]
    assert draft["interaction"]["id"] == inbound.id
    assert draft["interaction"]["body"] == "Палатка протекает по шву 😟"
    assert crm.get(INTERACTIONS, inbound.id)["status"] == "closed", "settled, not yet public"
    assert any(item["status"] == "draft" and item["summary"].startswith("Хорошие новости")
               for item in feed_alerts(api, sally_headers))
    take_in()
    assert len(drafts_of(api, sally_headers, case)) == 1, "once per closure"

    sent = api("POST", f"/drafts/{draft['id']}/send", headers=sally_headers)
    assert sent.status_code == 202, sent.text
    update_id = sent.json()["id"]
    assert sent.json()["idempotency_key"] == draft["id"]
    again = api("POST", f"/drafts/{draft['id']}/send", headers=sally_headers)
    assert (again.status_code, again.json()["id"]) == (200, update_id)
    worker("crm", "outbound")
    worker("crm", "outbound")

    (posted,) = page_replies(facebook, expected)
    state = update_state(api, sally_headers, update_id)
    assert (state["delivery"]["status"], state["delivery"]["external_id"]) == (
        "posted", posted["id"])
    answered = crm.get(INTERACTIONS, inbound.id)
    assert answered["status"] == "closed_publicly"
    assert answered["first_response_at"], "the closing reply was the first answer"
    outbound = crm.get(INTERACTIONS, state["record"]["id"])
    assert (outbound["body"], outbound["policy_verdict"], outbound["created_by"]) == (
        expected, "allowed", SALLY)
    assert ok(api("GET", f"/drafts/{draft['id']}", headers=sally_headers))["state"] == "sent"
    assert drafts_of(api, sally_headers, case) == []
    assert not any(item["status"] == "draft" for item in feed_alerts(api, sally_headers))
    edited = api("POST", f"/drafts/{draft['id']}/send", headers=sally_headers,
                 json={"text": "Another text\n— Sally"})
    assert edited.status_code == 409


def test_a_reopened_case_withdraws_its_draft_and_closing_again_drafts_again(
        api: Api, sally_headers: dict[str, str], max_headers: dict[str, str],
        crm: SuiteCRMClient, sally_crm: SuiteCRMClient, customer_comment: Any,
        take_in: Callable[[], None]) -> None:
    case, inbound = social_case(crm, customer_comment, "The zipper broke", "en")
    crm.update(INTERACTIONS, inbound.id, {"status": "responded"})
    close(sally_crm, case, "We sent a new zipper.")
    take_in()
    (first,) = drafts_of(api, sally_headers, case)
    assert first["text"].startswith(f"Good news: your case {case['case_number']} is "
                                    "resolved. We sent a new zipper.")
    assert api("GET", f"/drafts/{first['id']}", headers=max_headers).status_code == 404

    set_case(sally_crm, case, state="Open", status="Open_Pending Input")
    take_in()
    withdrawn = ok(api("GET", f"/drafts/{first['id']}", headers=sally_headers))
    assert withdrawn["state"] == "withdrawn"
    assert crm.get(INTERACTIONS, inbound.id)["status"] == "responded", "given back"
    refused = api("POST", f"/drafts/{first['id']}/send", headers=sally_headers)
    assert refused.status_code == 409 and "reopened" in refused.json()["message"]

    close(sally_crm, case, "We sent a new zipper, and a spare one.")
    take_in()
    (second,) = drafts_of(api, sally_headers, case)
    assert second["id"] != first["id"]
    assert "and a spare one" in second["text"]

    # While it waits, a corrected resolution redrafts it; a discarded one goes away.
    set_case(sally_crm, case, resolution="We sent two new zippers.")
    take_in()
    (redrafted,) = drafts_of(api, sally_headers, case)
    assert redrafted["id"] == second["id"] and "two new zippers" in redrafted["text"]
    assert api("DELETE", f"/drafts/{second['id']}", headers=sally_headers).status_code == 204
    assert drafts_of(api, sally_headers, case) == []
    assert crm.get(INTERACTIONS, inbound.id)["status"] == "closed"


def test_a_draft_that_needs_approval_is_held_then_posted_once_approved(
        api: Api, sally_headers: dict[str, str], sarah_headers: dict[str, str],
        crm: SuiteCRMClient, sally_crm: SuiteCRMClient, facebook: FacebookSandbox,
        worker: Worker, customer_comment: Any, take_in: Callable[[], None]) -> None:
    case, inbound = social_case(crm, customer_comment, "我的订单丢了", "zh")
    close(sally_crm, case, "我们已全额退款。")
    take_in()
    (draft,) = drafts_of(api, sally_headers, case)
    assert draft["text"] == (f"好消息：您的问题（编号 {case['case_number']}）已解决。"
                             "我们已全额退款。\n感谢您的耐心！\n— Sally")
    assert draft["verdict"]["decision"] == "needs_approval"
    assert draft["verdict"]["reasons"][0]["subject"] == "退款"

    update_id = ok(api("POST", f"/drafts/{draft['id']}/send", headers=sally_headers),
                   202)["id"]
    worker("crm", "outbound")
    assert page_replies(facebook, draft["text"]) == []
    (held,) = ok(api("GET", "/approvals", headers=sarah_headers))["items"]
    assert (held["draft_id"], held["update_id"]) == (draft["id"], update_id)
    ok(api("POST", f"/approvals/{held['id']}/approve", headers=sarah_headers))
    worker("crm", "outbound")

    assert len(page_replies(facebook, draft["text"])) == 1
    assert crm.get(INTERACTIONS, inbound.id)["status"] == "closed_publicly"
    outbound = crm.get(INTERACTIONS, held["id"])
    assert (outbound["policy_verdict"], outbound["policy_approver_name"]) == (
        "approved", "Sarah Smith")


def test_only_cases_with_a_public_thread_and_a_real_resolution_draft(
        api: Api, sally_headers: dict[str, str], crm: SuiteCRMClient,
        sally_crm: SuiteCRMClient, customer_comment: Any,
        take_in: Callable[[], None]) -> None:
    duplicate, _ = social_case(crm, customer_comment, "Same as before", "en")
    german, _ = social_case(crm, customer_comment, "Das Zelt ist undicht", "de")
    silent = crm.create("Cases", {"name": unique("By email"), "state": "Open",
                                  "status": "Open_Assigned", "assigned_user_id": SALLY})
    close(sally_crm, duplicate, "Duplicate of an older case", status="Closed_Duplicate")
    close(sally_crm, german, "Neues Zelt ist unterwegs.")
    close(sally_crm, crm.get("Cases", silent.id), "Answered by email")
    take_in()
    assert drafts_of(api, sally_headers, duplicate) == []
    assert drafts_of(api, sally_headers, crm.get("Cases", silent.id)) == []
    (fallback,) = drafts_of(api, sally_headers, german)
    assert fallback["language"] == "en" and fallback["text"].startswith("Good news:")


def test_templates_fill_their_placeholders_and_refuse_unknown_ones() -> None:
    templates = Templates({"en": "Done: {resolution}\n\n— {agent_first_name}",
                           "ru": "Готово. {resolution} Спасибо!"})
    assert templates.render("en-GB", {"resolution": "  ", "agent_first_name": "Ann"}) == (
        "en", "Done:\n— Ann")
    assert templates.render("RU", {"resolution": "Замена"}) == ("ru", "Готово. Замена Спасибо!")
    assert templates.render("", {"resolution": "x"})[0] == "en"
    with pytest.raises(ValueError, match=r"templates\.en: unknown placeholder \{agent\}"):
        Templates({"en": "Hi {agent}"})
    with pytest.raises(ValueError, match="fallback"):
        Templates({"ru": "Привет"})
