"""The Page's answer in Messenger stops the customer's SLA clock, whether the answer
arrives as a webhook echo or is read by a poll, and both paths put a conversation's
messages in one thread (real workers, the sandboxes over HTTP)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from rq.job import Job
from rq.registry import ScheduledJobRegistry

from connectors.suitecrm import Record
from plugin.sync.sla import SlaPolicy
from tests.messenger.conftest import Messenger, psid
from workers.jobs.responses import JOB_PREFIX, SECOND_LOOK
from workers.queues import queue
from workers.sla_watch import MARKER, watch

ASKED = "Где мой заказ? 😟 我的订单在哪里？"
AGAIN = "Алло? 👀"
ANSWER = "Здравствуйте! Посылка уже в пути 📦"


def answered(record: Record, answer: Record) -> None:
    """``record`` got ``answer`` as its first response, within its SLA."""
    due = record.datetime("sla_due_at")
    first = record.datetime("first_response_at")
    assert due is not None, "a message waits for an answer, so it has a due time"
    assert (first, record["status"]) == (answer.datetime("occurred_at"), "responded")
    assert first is not None and first <= due, "SLA met"


def test_the_page_s_answer_by_webhook_stops_the_clock_and_no_breach_is_raised(
        messenger: Messenger) -> None:
    customer, ignored = psid(), psid()
    now = int(time.time())
    asked = messenger.customer_writes(customer, ASKED, ts=now - 300)
    again = messenger.customer_writes(customer, AGAIN, ts=now - 240)
    unanswered = messenger.customer_writes(ignored, "Hello? Anyone there?", ts=now - 300)
    answer = messenger.page_answers(customer, ANSWER)
    messenger.deliver(asked, again, unanswered, answer)  # the answer comes as an echo

    messenger.work("webhooks")

    reply = messenger.interaction(answer)
    assert (reply["kind"], reply["direction"], reply["body"]) == ("message", "outbound",
                                                                 ANSWER)
    waiting = [messenger.interaction(mid) for mid in (asked, again)]
    assert {r["thread_external_id"] for r in [*waiting, reply]} == {messenger.thread(customer)}
    for record in waiting:
        answered(record, reply)
    control = messenger.interaction(unanswered)
    assert control["thread_external_id"] == messenger.thread(ignored)
    assert control.datetime("first_response_at") is None, "another customer still waits"

    dues = [r.datetime("sla_due_at") for r in (*waiting, control)]
    due = max(d for d in dues if d is not None)
    watch(messenger.api.redis, messenger.crm, policy=SlaPolicy(), managers=[],
          now=due + timedelta(minutes=1))
    breached = {r.id for r in (*waiting, control)
                if messenger.api.redis.exists(f"{MARKER}breached:{r.id}")}
    assert breached == {control.id}, "only the unanswered customer is a breach"


@pytest.mark.parametrize("path", ["poll", "webhook then poll"])
def test_a_polled_conversation_has_the_webhook_s_thread_and_the_same_first_response(
        messenger: Messenger, path: str) -> None:
    customer = psid()
    now = int(time.time())
    asked = messenger.customer_writes(customer, ASKED, ts=now - 600)
    if path == "webhook then poll":  # the question came by webhook, the answer by poll
        messenger.deliver(asked)
        messenger.work("webhooks")
        assert messenger.interaction(asked)["thread_external_id"] == messenger.thread(customer)
    answer = messenger.page_answers(customer, ANSWER)

    messenger.poll()
    messenger.work("sync")

    reply = messenger.interaction(answer)
    question = messenger.interaction(asked)
    assert reply["direction"] == "outbound"
    assert question["thread_external_id"] == reply["thread_external_id"] == \
        messenger.thread(customer)
    answered(question, reply)


def test_an_answer_written_before_its_question_is_found_by_the_second_look(
        messenger: Messenger) -> None:
    # The race of two workers: the Page's echo is applied before the customer's message it
    # answers, so the answer's own look at the conversation finds no one waiting.
    customer = psid()
    asked = messenger.customer_writes(customer, ASKED, ts=int(time.time()) - 300)
    answer = messenger.page_answers(customer, ANSWER)
    before = datetime.now(UTC).replace(microsecond=0)
    messenger.deliver(answer)
    messenger.work("webhooks")
    after = datetime.now(UTC)
    messenger.deliver(asked)
    messenger.work("webhooks")
    question = messenger.interaction(asked)
    assert question.datetime("first_response_at") is None, "the race: the message waits"

    sync = queue(messenger.api.redis, "sync")
    scheduled = ScheduledJobRegistry(queue=sync)
    (look,) = [Job.fetch(job_id, connection=messenger.api.redis)
               for job_id in scheduled.get_job_ids() if job_id.startswith(JOB_PREFIX)]
    due = scheduled.get_scheduled_time(look)  # to the second
    assert before + SECOND_LOOK <= due <= after + SECOND_LOOK, \
        "the second look comes SECOND_LOOK after the answer was applied"
    scheduled.remove(look)
    sync.enqueue_job(look)  # its time has come
    messenger.work("sync")

    answered(messenger.interaction(asked), messenger.interaction(answer))
    messenger.work("sync")  # the look is not planned again: nothing more to run
    assert not [j for j in scheduled.get_job_ids() if j.startswith(JOB_PREFIX)]
