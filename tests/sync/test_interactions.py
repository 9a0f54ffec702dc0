"""Interactions on the SuiteCRM sandbox over HTTP: one record per item, whatever the order,
text kept exactly, and only what changed written."""

from __future__ import annotations

from connectors.suitecrm import SuiteCRMClient
from connectors.transport import CallCounter
from plugin.sync import ids
from plugin.sync.interactions import upsert_interaction
from plugin.sync.versions import decode_payload
from sandboxes.suitecrm import SuiteCRMSandbox
from tests.sync.conftest import MODULE, PAGE, T0, fb_item, interactions, later, person, record_calls

TEXT = "Сломали гитару 😡 你好 — O'Brien says \"a < b\" & 5 > 3 🇺🇦\nвторая строка"  # noqa: RUF001


def test_the_same_event_three_times_makes_one_record(crm: SuiteCRMClient, uid: str):
    item = fb_item(f"{uid}_1", body="Hello")
    outcomes = [upsert_interaction(crm, item).outcome for _ in range(3)]
    assert outcomes == ["created", "unchanged", "unchanged"]
    (record,) = interactions(crm, f"{uid}_1")
    assert record.id == ids.interaction_id("facebook", f"{uid}_1")
    assert (record["body"], record["status"], record["kind"]) == ("Hello", "new", "comment")


def test_a_new_item_costs_one_call_and_a_redelivery_two_without_a_write(
        crm: SuiteCRMClient, counter: CallCounter, uid: str, sandbox: SuiteCRMSandbox):
    upsert_interaction(crm, fb_item(f"{uid}_1"))
    assert record_calls(counter) == 1
    sandbox.request_log.clear()
    upsert_interaction(crm, fb_item(f"{uid}_1"))
    methods = [entry["method"] for entry in sandbox.request_log.entries()]
    assert methods == ["POST", "GET"]  # create refused, read, nothing to write


def test_text_reads_back_identical(crm: SuiteCRMClient, uid: str):
    author = person(f"p{uid}", name="Алексей 李 🎸 O'Neil")
    upsert_interaction(crm, fb_item(f"{uid}_1", body=TEXT, author=author))
    (record,) = interactions(crm, f"{uid}_1")
    assert record["body"] == TEXT
    assert record["author_name"] == "Алексей 李 🎸 O'Neil"
    assert record["name"].startswith("Алексей 李 🎸 O'Neil: Сломали гитару 😡 你好")
    state, _source = decode_payload(record["raw_payload"])
    assert state.content is not None and state.content.at == T0


def test_an_edit_before_its_create_ends_with_the_edited_text(crm: SuiteCRMClient, uid: str):
    created_at, edited_at = T0, later(60)
    edit = fb_item(f"{uid}_1", verb="edit", body="edited ✍️", at=edited_at)
    create = fb_item(f"{uid}_1", verb="add", body="original", at=created_at)
    assert upsert_interaction(crm, edit).outcome == "created"
    assert upsert_interaction(crm, create).outcome == "updated"  # only the creation time
    (record,) = interactions(crm, f"{uid}_1")
    assert record["body"] == "edited ✍️" and record["status"] == "new"
    assert record.datetime("occurred_at") == created_at


def test_an_old_edit_after_a_newer_one_changes_nothing(crm: SuiteCRMClient, uid: str):
    upsert_interaction(crm, fb_item(f"{uid}_1", body="v1"))
    upsert_interaction(crm, fb_item(f"{uid}_1", verb="edit", body="v3", at=later(30)))
    assert upsert_interaction(
        crm, fb_item(f"{uid}_1", verb="edit", body="v2", at=later(20))).outcome == "unchanged"
    (record,) = interactions(crm, f"{uid}_1")
    assert record["body"] == "v3"


def test_two_edits_in_the_same_minute_keep_their_order(crm: SuiteCRMClient, uid: str):
    """SuiteCRM answers times to the minute; the order is kept to the microsecond."""
    upsert_interaction(crm, fb_item(f"{uid}_1", verb="edit", body="second", at=later(2)))
    upsert_interaction(crm, fb_item(f"{uid}_1", verb="edit", body="first", at=later(1)))
    (record,) = interactions(crm, f"{uid}_1")
    assert record["body"] == "second"


def test_a_delete_then_a_late_create_stays_deleted_with_its_text(crm: SuiteCRMClient,
                                                                 uid: str):
    upsert_interaction(crm, fb_item(f"{uid}_1", verb="remove", body=None, at=later(90)))
    (record,) = interactions(crm, f"{uid}_1")
    assert record["status"] == "deleted" and record["body"] in ("", None)
    upsert_interaction(crm, fb_item(f"{uid}_1", verb="add", body="late create"))
    (record,) = interactions(crm, f"{uid}_1")
    assert (record["status"], record["body"]) == ("deleted", "late create")
    assert record.datetime("occurred_at") == T0


def test_a_delete_is_final_unless_a_later_event_says_otherwise(crm: SuiteCRMClient,
                                                               uid: str):
    upsert_interaction(crm, fb_item(f"{uid}_1", body="hi"))
    upsert_interaction(crm, fb_item(f"{uid}_1", verb="remove", body=None, at=later(10)))
    upsert_interaction(crm, fb_item(f"{uid}_1", verb="edit", body="older", at=later(5)))
    (record,) = interactions(crm, f"{uid}_1")
    assert (record["status"], record["body"]) == ("deleted", "older")
    upsert_interaction(crm, fb_item(f"{uid}_1", verb="edit", body="back", at=later(20)))
    (record,) = interactions(crm, f"{uid}_1")
    assert (record["status"], record["body"]) == ("new", "back")


def test_hide_and_unhide_keep_a_persons_status(crm: SuiteCRMClient, uid: str):
    upsert_interaction(crm, fb_item(f"{uid}_1", body="spam?"))
    record_id = ids.interaction_id("facebook", f"{uid}_1")
    crm.update(MODULE, record_id, {"status": "assigned", "sentiment_score": "-0.8123"})
    upsert_interaction(crm, fb_item(f"{uid}_1", verb="hide", body=None, at=later(10)))
    assert crm.get(MODULE, record_id)["status"] == "hidden"
    upsert_interaction(crm, fb_item(f"{uid}_1", verb="hide", body=None, at=later(5)))
    upsert_interaction(crm, fb_item(f"{uid}_1", verb="unhide", body=None, at=later(7)))
    assert crm.get(MODULE, record_id)["status"] == "hidden"  # older than the hide
    upsert_interaction(crm, fb_item(f"{uid}_1", verb="unhide", body=None, at=later(20)))
    record = crm.get(MODULE, record_id)
    assert (record["status"], record["sentiment_score"]) == ("assigned", "-0.8123")


def test_a_redelivery_writes_only_what_changed(crm: SuiteCRMClient, uid: str,
                                               sandbox: SuiteCRMSandbox):
    upsert_interaction(crm, fb_item(f"{uid}_1", body="v1"))
    record_id = ids.interaction_id("facebook", f"{uid}_1")
    crm.update(MODULE, record_id, {"status": "responded", "language": "en"})
    result = upsert_interaction(crm, fb_item(f"{uid}_1", verb="edit", body="v2",
                                             at=later(5)))
    assert result.outcome == "updated"
    record = crm.get(MODULE, record_id)
    assert (record["body"], record["status"], record["language"]) == ("v2", "responded", "en")


def test_replies_are_linked_to_their_thread(crm: SuiteCRMClient, uid: str):
    post_id, comment_id, reply_id = f"{PAGE}_{uid}", f"{uid}_1", f"{uid}_2"
    upsert_interaction(crm, fb_item(post_id, kind="post", body="New guitars",
                                    thread_id=post_id))
    upsert_interaction(crm, fb_item(comment_id, body="Price?", parent_id=post_id,
                                    thread_id=post_id))
    upsert_interaction(crm, fb_item(reply_id, kind="reply", body="100€",
                                    parent_id=comment_id, thread_id=post_id))
    got = {r["external_id"]: (r["kind"], r["parent_external_id"], r["thread_external_id"])
           for r in (interactions(crm, x)[0] for x in (post_id, comment_id, reply_id))}
    assert got == {post_id: ("post", "", post_id), comment_id: ("comment", post_id, post_id),
                   reply_id: ("reply", comment_id, post_id)}


def test_a_reply_first_announced_bare_learns_its_parent(crm: SuiteCRMClient, uid: str):
    upsert_interaction(crm, fb_item(f"{uid}_2", verb="remove", body=None, at=later(9)))
    upsert_interaction(crm, fb_item(f"{uid}_2", kind="reply", parent_id=f"{uid}_1",
                                    thread_id="post"))
    (record,) = interactions(crm, f"{uid}_2")
    assert (record["kind"], record["parent_external_id"], record["thread_external_id"]) == (
        "reply", f"{uid}_1", "post")


def test_a_messenger_message_is_a_message_and_an_echo_is_outbound(crm: SuiteCRMClient,
                                                                  uid: str):
    upsert_interaction(crm, fb_item(f"m_{uid}", kind="message", body="Где мой заказ?"))
    upsert_interaction(crm, fb_item(f"m_{uid}e", kind="message", body="Уже в пути",
                                    direction="outbound"))
    (inbound,) = interactions(crm, f"m_{uid}")
    (outbound,) = interactions(crm, f"m_{uid}e")
    assert (inbound["kind"], inbound["direction"]) == ("message", "inbound")
    assert (outbound["kind"], outbound["direction"]) == ("message", "outbound")


def test_an_interaction_deleted_in_suitecrm_is_not_recreated(crm: SuiteCRMClient, uid: str):
    upsert_interaction(crm, fb_item(f"{uid}_1"))
    crm.delete(MODULE, ids.interaction_id("facebook", f"{uid}_1"))
    result = upsert_interaction(crm, fb_item(f"{uid}_1", verb="edit", body="x", at=later(1)))
    assert result.outcome == "skipped" and "deleted in SuiteCRM" in result.reason
    assert interactions(crm, f"{uid}_1") == []


def test_a_lost_answer_to_the_create_still_makes_one_record(crm: SuiteCRMClient, uid: str,
                                                            sandbox: SuiteCRMSandbox):
    sandbox.faults.configure(lose_answer_next=1)
    result = upsert_interaction(crm, fb_item(f"{uid}_1", body="once"))
    assert result.outcome == "created"
    (record,) = interactions(crm, f"{uid}_1")
    assert record["body"] == "once"


def test_a_poll_reading_an_unchanged_item_again_writes_nothing(crm: SuiteCRMClient,
                                                               uid: str):
    for verb in ("add", "hide"):
        first = fb_item(f"{uid}_{verb}", verb=verb, snapshot=True, at=later(10),
                        occurred=T0)
        again = fb_item(f"{uid}_{verb}", verb=verb, snapshot=True, at=later(70),
                        occurred=T0)
        assert upsert_interaction(crm, first).outcome == "created"
        assert upsert_interaction(crm, again).outcome == "unchanged"
    changed = fb_item(f"{uid}_add", snapshot=True, body="changed", at=later(90), occurred=T0)
    assert upsert_interaction(crm, changed).outcome == "updated"
    (record,) = interactions(crm, f"{uid}_hide")
    assert (record["status"], record.datetime("occurred_at")) == ("hidden", T0)
