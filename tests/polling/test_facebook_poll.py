"""Incremental polls of a Facebook Page on the sandboxes: the gap webhooks left is filled
exactly, a failure leaves the watermark in place, edits inside the overlap are seen, and
comments that show up late on old posts are still found."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis
import requests

from connectors.errors import ConnectorError
from connectors.facebook import FacebookClient
from connectors.suitecrm import SuiteCRMClient
from sandboxes.facebook import FacebookSandbox
from sandboxes.facebook.sender import send_facebook_webhook
from sandboxes.suitecrm import SuiteCRMSandbox
from tests.polling.conftest import by_external_id, crm_client, graph_comment_ids, interactions
from tests.sync.processes import finish, start_worker
from tests.webhooks.conftest import FB_SECRET, Service
from workers import watermarks
from workers.polling import PollBusy, poll_page
from workers.polling.core import account_lock
from workers.polling.facebook import whole_read_cost
from workers.queues import queue_name
from workers.watermarks import StreamKey

TEXTS = ("Доставка опоздала на неделю 😡", "质量很好，谢谢！🎉", "Where is my refund?",
         "Отличный сервис 👍", "请尽快回复", "Great job, team 🚀")


def visitor(sandbox: FacebookSandbox, post_id: str, text: str, n: int,
            parent_id: str | None = None) -> dict[str, Any]:
    return sandbox.add_visitor_comment(post_id, text, author_id=f"10000000000{n:04d}",
                                       author_name=f"Visitor {n}", parent_id=parent_id)


def posts_of(sandbox: FacebookSandbox) -> list[str]:
    return sorted(sandbox.store.ids_of("post"))


def deliver(receiver: Service, session: requests.Session, node: dict[str, Any],
            page_id: str, name: str) -> None:
    """The webhook Meta would send for a new comment, signed, to the real receiver."""
    post_id = node["__post"]
    answer = send_facebook_webhook(
        f"{receiver.url}/webhooks/facebook", FB_SECRET, "comment", page_id=page_id,
        session=session, post_id=post_id, comment_id=node["id"],
        parent_id=node.get("parent") or post_id, text=node["message"],
        sender_id=node["from"], sender_name=name, created_time=node["__ts"])
    assert answer.status_code == 200


def test_the_first_poll_writes_every_post_comment_and_lead_once(
        redis_client: redis.Redis, crm: SuiteCRMClient, facebook: FacebookClient,
        facebook_sandbox: FacebookSandbox):
    result = poll_page(redis_client, crm, facebook, facebook_sandbox.page_id)
    store = facebook_sandbox.store
    expected = (set(store.ids_of("post")) | graph_comment_ids(facebook_sandbox)
                | set(store.ids_of("lead")))
    found = by_external_id(crm)
    assert set(found) == expected
    assert all(len(records) == 1 for records in found.values())
    assert (result.fetched, result.created, result.updated) == (len(expected),) * 2 + (0,)
    assert result.streams == {"comments": "moved", "messages": "moved", "leads": "moved"}
    assert result.calls["facebook"] == facebook.counter.total("facebook")


def test_polling_after_missed_webhooks_fills_the_gap_exactly(
        redis_client: redis.Redis, redis_url: str, suitecrm: SuiteCRMSandbox,
        crm: SuiteCRMClient, facebook: FacebookClient, facebook_sandbox: FacebookSandbox,
        service: Service, http: requests.Session):
    page = facebook_sandbox.page_id
    poll_page(redis_client, crm, facebook, page)
    before = set(by_external_id(crm))
    posts = posts_of(facebook_sandbox)
    new = [visitor(facebook_sandbox, posts[n % len(posts)], text, n)
           for n, text in enumerate(TEXTS)]
    new.append(visitor(facebook_sandbox, posts[0], "Ответ на ответ ✅", 7,
                       parent_id=new[0]["id"]))
    delivered, missed = new[0::2], new[1::2]
    for node in delivered:
        number = int(node["from"][-4:])
        deliver(service, http, node, page, f"Visitor {number}")
    finish(start_worker(redis_url, suitecrm.url, queue_name("webhooks")))
    assert {n["id"] for n in delivered} <= set(by_external_id(crm))
    assert not {n["id"] for n in missed} & set(by_external_id(crm))

    result = poll_page(redis_client, crm, facebook, page)

    found = by_external_id(crm)
    assert result.created == len(missed)
    assert set(found) == before | {node["id"] for node in new}
    assert all(len(records) == 1 for records in found.values())
    for node in new:
        (record,) = found[node["id"]]
        assert record["body"] == node["message"]
    reply = found[new[-1]["id"]][0]
    assert (reply["kind"], reply["parent_external_id"]) == ("reply", new[0]["id"])


class FailingAfter(requests.Session):
    """A session that switches the SuiteCRM sandbox's failures on after ``creates``
    record creations went through: SuiteCRM goes down in the middle of a batch."""

    def __init__(self, sandbox: SuiteCRMSandbox, creates: int) -> None:
        super().__init__()
        self.sandbox = sandbox
        self.left = creates

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        if request.method == "POST" and (request.url or "").endswith("/Api/V8/module"):
            self.left -= 1
            if self.left < 0:
                self.sandbox.faults.configure(fail_next=1000)
        return super().send(request, **kwargs)


def test_suitecrm_failing_mid_batch_keeps_the_watermark_and_the_next_poll_completes_once(
        redis_client: redis.Redis, suitecrm: SuiteCRMSandbox, crm: SuiteCRMClient,
        facebook: FacebookClient, facebook_sandbox: FacebookSandbox):
    page = facebook_sandbox.page_id
    poll_page(redis_client, crm, facebook, page)
    comments = StreamKey("facebook", page, "comments")
    mark = watermarks.load(redis_client, comments)
    memory = watermarks.memory(redis_client, comments)
    posts = posts_of(facebook_sandbox)
    new = [visitor(facebook_sandbox, posts[n % len(posts)], f"{text} #{n}", n)
           for n, text in enumerate(TEXTS * 2)]
    failing = crm_client(suitecrm, session=FailingAfter(suitecrm, creates=9))

    with pytest.raises(ConnectorError):
        poll_page(redis_client, failing, facebook, page)

    suitecrm.faults.clear()
    written = {node["id"] for node in new} & set(by_external_id(crm))
    assert 0 < len(written) < len(new)  # it did fail in the middle
    after_failure = watermarks.load(redis_client, comments)
    assert (after_failure.time, after_failure.version) == (mark.time, mark.version)
    assert watermarks.memory(redis_client, comments) == memory

    result = poll_page(redis_client, crm, facebook, page)

    found = by_external_id(crm)
    assert result.created == len(new) - len(written)
    assert result.streams["comments"] == "moved"
    assert all(len(found[node["id"]]) == 1 for node in new)
    assert len(interactions(crm)) == sum(len(records) for records in found.values())
    assert watermarks.load(redis_client, comments).version == mark.version + 1


def test_edits_and_hides_inside_the_overlap_are_seen_by_the_next_poll(
        redis_client: redis.Redis, crm: SuiteCRMClient, facebook: FacebookClient,
        facebook_sandbox: FacebookSandbox):
    page = facebook_sandbox.page_id
    poll_page(redis_client, crm, facebook, page)
    posts = posts_of(facebook_sandbox)
    edited = visitor(facebook_sandbox, posts[1], "Первая версия", 1)
    hidden = visitor(facebook_sandbox, posts[2], "spam spam 🥫", 2)
    poll_page(redis_client, crm, facebook, page)
    edited["message"] = "Вторая версия, исправлено ✍️"  # the customer edits the comment
    assert facebook.hide_comment(hidden["id"])

    result = poll_page(redis_client, crm, facebook, page)

    found = by_external_id(crm)
    assert result.updated == 2 and result.created == 0
    assert found[edited["id"]][0]["body"] == "Вторая версия, исправлено ✍️"
    assert found[hidden["id"]][0]["status"] == "hidden"


def test_a_comment_that_shows_up_late_on_an_old_post_is_still_found(
        redis_client: redis.Redis, crm: SuiteCRMClient, facebook: FacebookClient,
        facebook_sandbox: FacebookSandbox):
    page = facebook_sandbox.page_id
    poll_page(redis_client, crm, facebook, page)
    store = facebook_sandbox.store
    hour_ago = int((datetime.now(UTC) - timedelta(hours=1)).timestamp())
    late = store.add_comment(posts_of(facebook_sandbox)[3], "Written an hour ago, shown now",
                             hour_ago, next(iter(store.ids_of("user"))))

    result = poll_page(redis_client, crm, facebook, page)

    assert result.created == 1
    assert by_external_id(crm)[late["id"]][0]["body"] == "Written an hour ago, shown now"


def test_a_quiet_page_costs_no_suitecrm_call_and_a_new_comment_one_post_read(
        redis_client: redis.Redis, crm: SuiteCRMClient, facebook: FacebookClient,
        facebook_sandbox: FacebookSandbox):
    page = facebook_sandbox.page_id
    poll_page(redis_client, crm, facebook, page)
    facebook_sandbox.state.reset_stats()
    quiet = poll_page(redis_client, crm, facebook, page)
    assert (quiet.fetched, quiet.calls["suitecrm"]) == (0, 0)
    assert quiet.calls["facebook_charged"] == facebook_sandbox.state.stats()["charged_calls"]
    visitor(facebook_sandbox, posts_of(facebook_sandbox)[0], "One new comment", 1)

    busy = poll_page(redis_client, crm, facebook, page)

    assert (busy.fetched, busy.created) == (1, 1)
    # the same listings as the quiet poll, plus the comments of the one post that changed
    assert busy.calls["facebook_charged"] == quiet.calls["facebook_charged"] + 1


def test_a_second_poll_of_the_same_page_at_once_is_refused(
        redis_client: redis.Redis, crm: SuiteCRMClient, facebook: FacebookClient,
        facebook_sandbox: FacebookSandbox):
    page = facebook_sandbox.page_id
    with account_lock(redis_client, "facebook", page), pytest.raises(PollBusy):
        poll_page(redis_client, crm, facebook, page)
    assert interactions(crm) == []


def test_when_more_posts_changed_than_a_whole_read_costs_the_page_is_read_whole(
        redis_client: redis.Redis, crm: SuiteCRMClient, facebook: FacebookClient,
        facebook_sandbox: FacebookSandbox):
    page = facebook_sandbox.page_id
    poll_page(redis_client, crm, facebook, page)
    quiet = poll_page(redis_client, crm, facebook, page)
    posts = posts_of(facebook_sandbox)
    new = [visitor(facebook_sandbox, post, f"每个帖子都有新评论 {n} ✔", n)
           for n, post in enumerate(posts)]

    result = poll_page(redis_client, crm, facebook, page)

    # every post changed: one charged read per post would cost more than the Page whole
    assert result.calls["facebook_charged"] < quiet.calls["facebook_charged"] + len(posts)
    assert (result.created, result.fetched) == (len(new), len(new))  # the window's only
    found = by_external_id(crm)
    assert all(found[node["id"]][0]["body"] == node["message"] for node in new)


def test_the_whole_read_estimate_counts_feed_pages_and_further_comment_pages():
    served = {"post_limit": 25, "comment_limit": 25}
    assert whole_read_cost([25] * 200, served) == 8
    assert whole_read_cost([26] * 44 + [25] * 156, served) == 8 + 44
    assert whole_read_cost([0, 120, None], served) == 1 + 4
    assert whole_read_cost([3, 4], {}) is None  # never read whole: no estimate
