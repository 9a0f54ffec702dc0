"""First response: the Page's answer stops the answered customers' clocks, and only theirs."""

from __future__ import annotations

from connectors.social import Network, SocialIdentity
from connectors.suitecrm import Filter, SuiteCRMClient
from plugin.sync.ids import interaction_id
from plugin.sync.pipeline import apply_item
from plugin.sync.responses import answered_by
from tests.sync.conftest import MODULE, PAGE, fb_item, later, person

THE_PAGE = SocialIdentity(network=Network.FACEBOOK, external_id=PAGE, name="The Page")


def stored(crm: SuiteCRMClient, external_id: str) -> dict[str, object]:
    record = crm.get(MODULE, interaction_id("facebook", external_id),
                     fields=["first_response_at", "status"])
    return {"first_response_at": record.datetime("first_response_at"),
            "status": record.get("status")}


def test_a_page_reply_answers_the_comment_and_its_thread_not_the_rest_of_the_post(
        crm: SuiteCRMClient, uid: str) -> None:
    post = f"{PAGE}_{uid}"
    asked = fb_item(f"{uid}_a", parent_id=post, thread_id=post, author=person(f"p{uid}"),
                    body="Где мой заказ? 😡", at=later(0))
    follow_up = fb_item(f"{uid}_b", parent_id=f"{uid}_a", thread_id=post, at=later(60),
                        author=person(f"q{uid}"), body="Same here")
    elsewhere = fb_item(f"{uid}_c", parent_id=post, thread_id=post, at=later(120),
                        author=person(f"r{uid}"), body="Love it")
    for item in (asked, follow_up, elsewhere):
        apply_item(crm, item)
    answer = fb_item(f"{uid}_d", parent_id=f"{uid}_a", thread_id=post, author=THE_PAGE,
                     body="We are on it", at=later(600), direction="outbound")
    applied = apply_item(crm, answer)
    assert applied.interaction.outcome == "created"

    written = answered_by(crm, answer)
    assert {r.id for r in written} == {interaction_id("facebook", f"{uid}_a"),
                                       interaction_id("facebook", f"{uid}_b")}
    for answered in (f"{uid}_a", f"{uid}_b"):
        assert stored(crm, answered) == {"first_response_at": later(600),
                                         "status": "responded"}
    assert stored(crm, f"{uid}_c") == {"first_response_at": None, "status": "new"}

    again = fb_item(f"{uid}_e", parent_id=f"{uid}_a", thread_id=post, author=THE_PAGE,
                    body="Shipped!", at=later(900), direction="outbound")
    apply_item(crm, again)
    assert answered_by(crm, again) == (), "the first answer wins"
    assert answered_by(crm, answer) == (), "a retried job changes nothing"


def test_a_messenger_reply_answers_the_earlier_messages_of_the_conversation(
        crm: SuiteCRMClient, uid: str) -> None:
    conversation = f"t_{uid}"
    first = fb_item(f"m_{uid}_1", kind="message", thread_id=conversation, at=later(0),
                    author=person(f"p{uid}"), body="你好，我的订单在哪里？")
    second = fb_item(f"m_{uid}_2", kind="message", thread_id=conversation, at=later(60),
                     author=person(f"p{uid}"), body="请回复")
    late = fb_item(f"m_{uid}_4", kind="message", thread_id=conversation, at=later(3600),
                   author=person(f"p{uid}"), body="谢谢")
    for item in (first, second, late):
        apply_item(crm, item)
    reply = fb_item(f"m_{uid}_3", kind="message", thread_id=conversation, at=later(300),
                    author=THE_PAGE, body="您好！", direction="outbound")
    apply_item(crm, reply)
    assert len(answered_by(crm, reply)) == 2
    assert stored(crm, f"m_{uid}_1")["first_response_at"] == later(300)
    assert stored(crm, f"m_{uid}_4") == {"first_response_at": None, "status": "new"}, \
        "a message written after the answer still waits"


def test_inbound_items_and_the_page_s_own_posts_answer_no_one(
        crm: SuiteCRMClient, uid: str) -> None:
    post = f"{PAGE}_{uid}"
    comment = fb_item(f"{uid}_a", parent_id=post, thread_id=post, author=person(f"p{uid}"))
    apply_item(crm, comment)
    top_level = fb_item(f"{uid}_z", parent_id=post, thread_id=post, author=THE_PAGE,
                        at=later(60), direction="outbound")
    assert answered_by(crm, comment) == () and answered_by(crm, top_level) == ()
    assert stored(crm, f"{uid}_a")["first_response_at"] is None


def test_a_reply_sent_from_the_crm_is_not_recorded_twice_when_the_network_tells_of_it(
        crm: SuiteCRMClient, uid: str) -> None:
    post = f"{PAGE}_{uid}"
    sent = {"network": "facebook", "kind": "reply", "direction": "outbound",
            "thread_external_id": post, "parent_external_id": f"{uid}_a",
            "status": "closed", "name": "Reply", "occurred_at": later(600)}
    pending = crm.create(MODULE, {**sent, "external_id": f"pending:{uid}1",
                                  "body": "Мы уже отправили 📦"}).id
    known = crm.create(MODULE, {**sent, "external_id": f"{uid}_k", "body": "Done"}).id
    for external_id, body, expected in ((f"{uid}_p", "Мы уже отправили 📦", pending),
                                        (f"{uid}_k", "Done", known)):
        echo = fb_item(external_id, parent_id=f"{uid}_a", thread_id=post, author=THE_PAGE,
                       body=body, at=later(601), direction="outbound", kind="reply")
        applied = apply_item(crm, echo)
        assert applied.interaction.record_id == expected
    stored = list(crm.iterate(MODULE, filter=Filter.where(thread_external_id=post)))
    assert sorted(r.id for r in stored) == sorted([pending, known]), "no second record"
    other = fb_item(f"{uid}_n", parent_id=f"{uid}_a", thread_id=post, author=THE_PAGE,
                    body="Something else", at=later(700), direction="outbound", kind="reply")
    assert apply_item(crm, other).interaction.record_id == interaction_id("facebook",
                                                                          f"{uid}_n")
