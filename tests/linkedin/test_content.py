"""Posts, comment threads, replies as the organization, reactions."""

from __future__ import annotations

from connectors.linkedin.records import ObjectDeletion
from connectors.social import Network, utc_from_epoch_millis
from sandboxes.linkedin import ORGANIZATION_URN


def test_posts_are_parsed_with_utc_times(client, sandbox) -> None:
    posts = list(client.posts(ORGANIZATION_URN))
    raw = {p["id"]: p for p in sandbox.state.posts}
    assert [p.external_id for p in posts] == [p["id"] for p in sandbox.state.posts]
    for post in posts:
        source = raw[post.external_id]
        assert post.network is Network.LINKEDIN
        assert post.owner_id == ORGANIZATION_URN
        assert post.body == source["commentary"]
        assert post.created_at == utc_from_epoch_millis(source["createdAt"])
        assert post.updated_at == utc_from_epoch_millis(source["lastModifiedAt"])
        assert post.is_published


def test_threads_carry_parents_and_non_ascii_text(client, sandbox) -> None:
    post = next(p["id"] for p in sandbox.state.posts
                if any(c["commentUrn"] in sandbox.state.comments
                       and sandbox.state.comments[c["commentUrn"]]
                       for c in sandbox.state.comments[p["id"]]))
    items = list(client.comment_sweep([post]))
    top = [c for c in items if c.parent_id is None]
    replies = [c for c in items if c.parent_id is not None]
    assert top and replies
    assert {c.post_id for c in items} == {post}
    assert {r.parent_id for r in replies} <= {t.external_id for t in top}
    texts = {c.external_id: c.body for c in items}
    for thread in [sandbox.state.comments[post]] + [sandbox.state.comments.get(t.external_id, [])
                                                    for t in top]:
        for raw in thread:
            assert texts[raw["commentUrn"]] == raw["message"]["text"]


def test_non_ascii_comment_survives_the_round_trip(client, sandbox) -> None:
    all_text = " ".join(c.body for c in client.comment_sweep(
        p["id"] for p in sandbox.state.posts))
    assert any(ch in all_text for ch in "日本🎉äöüé")


def test_reply_as_organization_to_comment_and_post(client, sandbox) -> None:
    post = sandbox.state.posts[0]["id"]
    comment = next(iter(client.comments(post)))
    reply = client.reply(comment.external_id, "Danke für die Frage! 🙏",
                         organization=ORGANIZATION_URN, post_urn=post)
    assert reply.parent_id == comment.external_id
    assert reply.author and reply.author.external_id == ORGANIZATION_URN
    assert reply.post_id == post
    thread = list(client.comments(comment.external_id, post_urn=post))
    assert reply.external_id in {c.external_id for c in thread}
    assert next(c for c in thread if c.external_id == reply.external_id).body == (
        "Danke für die Frage! 🙏")
    top = client.reply(post, "Thanks everyone!", organization=ORGANIZATION_URN)
    assert top.parent_id is None
    assert top.external_id in {c.external_id for c in client.comments(post)}
    post_entry = next(r for r in sandbox.requests if r["method"] == "POST")
    assert post_entry["path"].startswith("/rest/socialActions/urn:li:comment:")


def test_reaction_summaries_agree_between_both_methods(client, sandbox) -> None:
    posts = [p["id"] for p in sandbox.state.posts[:6]]
    batch = {s.object_id: s for s in client.reaction_summaries(posts)}
    for urn in posts:
        counted = client.counted_reactions(urn)
        assert batch[urn].by_type == counted.by_type
        assert batch[urn].total == counted.total == len(sandbox.state.reactions[urn])
        assert client.reaction_summary(urn) == batch[urn]
    assert client.counter.snapshot()[("linkedin", "GET /rest/socialMetadata")] == 1


def test_reaction_summaries_report_deleted_posts(client, sandbox) -> None:
    posts = [p["id"] for p in sandbox.state.posts[:3]]
    sandbox.delete(posts[1])
    results = list(client.reaction_summaries(posts))
    assert results[1] == ObjectDeletion(object_id=posts[1], kind="post")
    assert [r.object_id for r in results] == posts


def test_posts_by_creation_time_for_backfills(client, sandbox) -> None:
    oldest = min(sandbox.state.posts, key=lambda p: p["createdAt"])
    oldest["lastModifiedAt"] = sandbox.state.now_ms()  # edited just now
    by_modification = [p.external_id for p in client.posts(ORGANIZATION_URN)]
    posts = list(client.posts(ORGANIZATION_URN, sort_by="CREATED"))
    created = [p.created_at for p in posts]
    assert created == sorted(created, reverse=True)
    assert by_modification[0] == oldest["id"] == posts[-1].external_id
    assert any("sortBy=CREATED" in r["query"] for r in sandbox.requests)
