"""Reading a Page over HTTP: posts, every comment and reply, Messenger, reactions."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import pytest
import requests

from connectors.errors import AuthenticationError, BadResponseError, ObjectDeletedError
from connectors.facebook import FacebookClient
from sandboxes.facebook import FacebookSandbox


def _all_comment_ids(sandbox: FacebookSandbox) -> set[str]:
    return set(sandbox.store.ids_of("comment"))


def test_threads_of_seeded_page_hold_every_comment_and_reply(
        sandbox: FacebookSandbox, client: FacebookClient) -> None:
    threads = list(client.iter_threads(sandbox.page_id))
    read = {c.external_id for t in threads for c in t.comments}
    assert read == _all_comment_ids(sandbox)
    assert len(threads) == 11
    recall = next(t for t in threads if t.post.external_id.endswith("_4008"))
    assert recall.total_count == len(recall.comments) > 200  # several nested pages
    replies = [c for c in recall.comments if c.parent_id]
    assert replies and all(c.parent_id in {x.external_id for x in recall.comments}
                           for c in replies)
    times = [c.created_at for c in recall.comments]
    assert times == sorted(times)


def test_visitor_post_and_hidden_comment_are_read(sandbox: FacebookSandbox,
                                                  client: FacebookClient) -> None:
    threads = {t.post.external_id: t for t in client.iter_threads(sandbox.page_id)}
    visitor = threads[f"{sandbox.page_id}_4007"]
    assert visitor.post.author is not None and visitor.post.author.name == "Sarah O'Brien"
    hidden = [c for c in visitor.comments if c.is_hidden]
    assert [c.body for c in hidden] == ["Cheap sunglasses 👉 bit.ly/xyz"]


def test_non_ascii_bodies_survive_the_wire(sandbox: FacebookSandbox,
                                           client: FacebookClient) -> None:
    posts = {p.external_id: p for p in client.iter_posts(sandbox.page_id)}
    assert posts[f"{sandbox.page_id}_4006"].body.startswith("新しい防水ジャケット")
    assert "„Fjäll 45“" in posts[f"{sandbox.page_id}_4002"].body
    assert posts[f"{sandbox.page_id}_4001"].comment_count == 61


def test_iter_comments_follows_every_page_with_small_limit(
        sandbox: FacebookSandbox, client: FacebookClient) -> None:
    post_id = f"{sandbox.page_id}_4005"
    comments = list(client.iter_comments(post_id, limit=7))
    expected = {n["id"] for n in sandbox.store.stream(post_id)}
    assert [c.external_id for c in comments] == [n["id"] for n in sandbox.store.stream(post_id)]
    assert {c.external_id for c in comments} == expected
    assert client.counter.snapshot()[("facebook", "GET /{object}/comments")] == -(-141 // 7)


def test_replies_of_a_comment(sandbox: FacebookSandbox, client: FacebookClient) -> None:
    post_id = f"{sandbox.page_id}_4001"
    top = next(n for n in sandbox.store.children(post_id, "comments")
               if sandbox.store.children(n["id"], "comments"))
    replies = list(client.iter_replies(top["id"], post_id))
    assert replies
    assert {r.parent_id for r in replies} == {top["id"]}
    assert {r.post_id for r in replies} == {post_id}


def test_comments_of_many_posts_uses_batches(sandbox: FacebookSandbox,
                                             client: FacebookClient) -> None:
    post_ids = [f"{sandbox.page_id}_{n}" for n in ("4001", "4005", "4008", "4010")]
    read = client.comments_of(post_ids, limit=50)
    for post_id in post_ids:
        assert [c.external_id for c in read.by_object[post_id]] == [
            n["id"] for n in sandbox.store.stream(post_id)]
    snapshot = client.counter.snapshot()
    assert set(snapshot) == {("facebook", "POST /batch")}
    assert snapshot[("facebook", "POST /batch")] == 5  # 231 comments / 50 per page


def test_conversations_with_all_messages(sandbox: FacebookSandbox,
                                         client: FacebookClient) -> None:
    conversations = {c.external_id: c for c in client.iter_conversations(
        sandbox.page_id, message_limit=2)}
    assert len(conversations) == 4
    sarah = conversations["t_3100"]
    assert sarah.messages[0].body.startswith("Hi, my stove arrived")
    assert len(sarah.messages) == 4
    assert [m.is_echo for m in sarah.messages] == [False, True, False, True]
    assert sarah.messages[0].recipient_id == sandbox.page_id
    assert {p.name for p in sarah.participants} == {"Sarah O'Brien", "Northwind Outdoor Gear"}
    assert all(p.email is None for p in sarah.participants)  # relay addresses dropped


def test_reactions_summary_by_type(sandbox: FacebookSandbox, client: FacebookClient) -> None:
    summary = client.reactions(f"{sandbox.page_id}_4001")
    assert summary.total == 269
    assert summary.by_type["LIKE"] == 212 and summary.by_type["LOVE"] == 48
    many, deleted = client.reactions_of([f"{sandbox.page_id}_4001", f"{sandbox.page_id}_4004"])
    assert many[f"{sandbox.page_id}_4004"].by_type["ANGRY"] == 1
    assert deleted == frozenset()


def test_single_post_and_comment(sandbox: FacebookSandbox, client: FacebookClient) -> None:
    post_id = f"{sandbox.page_id}_4003"
    post = client.post(post_id, sandbox.page_id)
    assert post.body.startswith("¡Nuevo punto de venta en Sevilla!")
    comment_id = sandbox.store.children(post_id, "comments")[0]["id"]
    comment = client.comment(comment_id, post_id)
    assert comment.post_id == post_id and comment.author is not None
    sandbox.store.delete(comment_id)
    with pytest.raises(ObjectDeletedError):
        client.comment(comment_id, post_id)


def test_next_link_to_another_host_is_refused(client: FacebookClient) -> None:
    with pytest.raises(BadResponseError):
        client.graph.split_next("https://evil.example/v25.0/1/comments?after=x")
    path, params = client.graph.split_next(
        f"{client.graph.base_url}/v19.0/1_2/comments?after=A&access_token=leak&limit=5")
    assert path == "1_2/comments" and params == {"after": "A", "limit": "5"}


def test_token_travels_in_header_never_in_url(sandbox: FacebookSandbox,
                                              client: FacebookClient) -> None:
    assert len(list(client.iter_threads(sandbox.page_id))) == 11
    client.read_leads(client.lead_forms(sandbox.page_id))
    stats = sandbox.state.stats()
    assert stats["http_calls"] >= 4 and stats["token_in_query"] == 0
    response = client.graph.transport.session.get(f"{sandbox.url}/v25.0/me", timeout=5)
    assert response.json()["error"]["code"] == 104  # the session holds no credentials
    requests.get(f"{sandbox.url}/v25.0/me", params={"access_token": sandbox.page_token},
                 timeout=5)
    assert sandbox.state.stats()["token_in_query"] == 1  # what the check would catch


def test_token_as_parameter_when_asked_is_warned_about(
        sandbox: FacebookSandbox, make_client: Callable[..., FacebookClient],
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="connectors.facebook.graph"):
        client = make_client(token_in_header=False)
    assert "token_in_header=False" in caplog.text
    assert len(client.lead_forms(sandbox.page_id)) == 3
    assert sandbox.state.stats()["token_in_query"] == 1


def test_stale_cursor_in_batched_reads_is_repaired(sandbox: FacebookSandbox,
                                                   client: FacebookClient) -> None:
    post_id = f"{sandbox.page_id}_4008"
    stream = [n["id"] for n in sandbox.store.stream(post_id)]
    # deleted right after Graph served page one: the cursor to page two names it
    sandbox.state.add_fault(kind="delete_after", path=f"/{post_id}/comments",
                            object_id=stream[49])
    read = client.comments_of([post_id, f"{sandbox.page_id}_4005"], limit=50)
    got = [c.external_id for c in read.by_object[post_id]]
    assert len(got) == len(set(got)) and set(got) >= set(stream) - {stream[49]}
    assert read.deleted == frozenset()


def test_stale_cursor_in_thread_sweep_is_repaired(sandbox: FacebookSandbox,
                                                  client: FacebookClient) -> None:
    post_id = f"{sandbox.page_id}_4008"
    stream = [n["id"] for n in sandbox.store.stream(post_id)]
    # deleted once the feed (10 posts, 100 comments expanded on each) is served
    sandbox.state.add_fault(kind="delete_after", path=f"/{sandbox.page_id}/feed",
                            object_id=stream[99])
    threads = {t.post.external_id: t for t in client.iter_threads(sandbox.page_id,
                                                                  post_limit=10)}
    got = [c.external_id for c in threads[post_id].comments]
    assert len(got) == len(set(got)) and set(got) >= set(stream) - {stream[99]}
    assert threads[post_id].total_count == len(stream) - 1  # Graph's latest count


def test_lost_page_access_is_an_auth_failure_not_mass_deletions(
        sandbox: FacebookSandbox, client: FacebookClient) -> None:
    posts = [f"{sandbox.page_id}_4001", f"{sandbox.page_id}_4005"]
    comment_id = sandbox.store.children(posts[0], "comments")[0]["id"]
    sandbox.state.set_page_access(sandbox.page_token, False)  # every object answers 100/33
    reads: list[Callable[[], object]] = [
        lambda: client.comments_of(posts), lambda: client.reactions_of(posts),
        lambda: list(client.iter_threads(sandbox.page_id)),
        lambda: list(client.iter_posts(sandbox.page_id)),
        lambda: client.post(posts[0], sandbox.page_id),
        lambda: client.comment(comment_id, posts[0])]
    for read in reads:
        with pytest.raises(AuthenticationError) as caught:
            read()
        assert caught.value.reason == "missing_permission"
    sandbox.state.set_page_access(sandbox.page_token, True)
    sandbox.store.delete(posts[0])  # a real deletion is still reported as one
    assert client.comments_of(posts).deleted == {posts[0]}
    with pytest.raises(ObjectDeletedError):
        client.post(posts[0], sandbox.page_id)


def test_conversations_longer_than_twenty_messages(sandbox: FacebookSandbox,
                                                   client: FacebookClient) -> None:
    user = "100000000000011"
    conv = sandbox.store.add_conversation("t_3999", user, 1_790_000_000)
    for n in range(45):
        sender, recipient = (user, sandbox.page_id) if n % 2 == 0 else (sandbox.page_id, user)
        sandbox.store.add_message(conv["id"], f"message {n}", 1_790_000_000 + 60 * n,
                                  sender, recipient)
    read = {c.external_id: c for c in client.iter_conversations(sandbox.page_id)}
    assert [m.body for m in read["t_3999"].messages] == [f"message {n}" for n in range(45)]
    by_endpoint = sandbox.state.stats()["by_endpoint"]
    assert by_endpoint == {"GET /{id}/conversations": 1, "POST /batch": 1}  # 20 + 25 more


def test_stored_raw_json_holds_no_paging_links_or_tokens(
        sandbox: FacebookSandbox, client: FacebookClient) -> None:
    thread = next(t for t in client.iter_threads(sandbox.page_id, post_limit=10)
                  if t.post.external_id.endswith("_4008"))
    message = next(iter(client.iter_conversations(sandbox.page_id))).messages[0]
    for raw in (thread.post.raw, thread.comments[-1].raw, message.raw):
        text = json.dumps(raw)
        assert sandbox.page_token not in text and "paging" not in text
    assert thread.post.raw["comments"]["summary"]["total_count"] == 231  # the rest is kept


def test_endless_time_paged_feed_stops(sandbox: FacebookSandbox, client: FacebookClient,
                                       caplog: pytest.LogCaptureFixture) -> None:
    sandbox.state.config.time_paged_feed = True  # past the oldest post: empty pages forever
    with caplog.at_level(logging.WARNING, logger="connectors.facebook.pagination"):
        posts = list(client.iter_posts(sandbox.page_id, limit=5))
    assert len(posts) == len(set(p.external_id for p in posts)) == 11
    assert "empty pages in a row" in caplog.text
    assert sandbox.state.stats()["http_calls"] == 3 + 10
    sandbox.state.reset_stats()
    oldest_wanted = min(p.created_at for p in posts[:7])
    recent = list(client.iter_posts(sandbox.page_id, limit=5, since=oldest_wanted))
    assert len(recent) == 7
    assert sandbox.state.stats()["http_calls"] <= 3  # stopped once until < since
