"""Replies as the organization: the URN LinkedIn names is the URN the sweep reads, the
post a reply names is the post the sweep names, and no reply is ever posted twice blindly.
"""

from __future__ import annotations

import pytest

from connectors.errors import OutcomeUnknownError, RetryLaterError
from connectors.social import SocialComment
from sandboxes.linkedin import ORGANIZATION_URN

ANSWERS = ["full", "id", "urn", "encoded-urn"]


def post_with_comments(sandbox) -> str:
    return next(p["id"] for p in sandbox.state.posts if p["id"].startswith("urn:li:share:")
                and len(sandbox.state.comments[p["id"]]) >= 2)


def swept(client, post: str) -> dict[str, SocialComment]:
    return {c.external_id: c for c in client.comment_sweep([post])
            if isinstance(c, SocialComment)}


def same_record(left: SocialComment, right: SocialComment) -> bool:
    keys = ("external_id", "post_id", "parent_id", "author", "body")
    return all(getattr(left, key) == getattr(right, key) for key in keys)


def copies(sandbox, text: str) -> int:
    return sum(1 for thread in sandbox.state.comments.values() for c in thread
               if c["message"]["text"] == text and c["actor"] == ORGANIZATION_URN)


@pytest.mark.parametrize("answer", ANSWERS)
def test_reply_urn_is_the_urn_the_sweep_reads(client, sandbox, answer) -> None:
    post = post_with_comments(sandbox)
    comment = sandbox.state.comments[post][0]["commentUrn"]
    sandbox.comment_answer(answer)
    on_post = client.reply(post, f"Thanks, all ({answer})!", organization=ORGANIZATION_URN)
    on_comment = client.reply(comment, f"Danke ({answer}) 🙏", organization=ORGANIZATION_URN,
                              post_urn=post)
    sandbox.comment_answer("full")
    records = swept(client, post)
    for reply in (on_post, on_comment):
        assert reply.external_id.count("urn:li:comment:") == 1  # never nested
        assert reply.external_id in records, (answer, reply.external_id)
        assert same_record(reply, records[reply.external_id])
    assert on_post.post_id == on_comment.post_id == post
    assert (on_post.parent_id, on_comment.parent_id) == (None, comment)


def test_a_bare_id_on_a_post_is_looked_up_not_guessed(client, sandbox) -> None:
    post = post_with_comments(sandbox)
    sandbox.comment_answer("id")
    reply = client.reply(post, "Looked up", organization=ORGANIZATION_URN)
    assert [(r["method"], r["status"]) for r in sandbox.requests] == [("POST", 201),
                                                                      ("GET", 200)]
    number = reply.external_id.rsplit(",", 1)[1].rstrip(")")
    assert sandbox.requests[1]["path"].endswith(f"/comments/{number}")
    assert reply.external_id.startswith("urn:li:comment:(urn:li:activity:")  # not the share


def test_replies_to_a_comment_must_name_their_post(client, sandbox) -> None:
    post = post_with_comments(sandbox)
    comment = sandbox.state.comments[post][0]["commentUrn"]
    with pytest.raises(ValueError, match="post_urn"):
        client.reply(comment, "Which post?", organization=ORGANIZATION_URN)
    with pytest.raises(ValueError, match="post_urn"):
        client.comments(comment)
    assert sandbox.requests == []  # refused before anything was sent
    nested = list(client.comments(comment, post_urn=post))
    assert {c.post_id for c in nested} <= {post}


def test_reply_whose_answer_was_lost_is_found_not_posted_again(client, sandbox) -> None:
    post = post_with_comments(sandbox)
    text = "Our team will reach out today 🙂"
    sandbox.outage(calls=1, applied=True)  # LinkedIn writes the comment, then fails
    with pytest.raises(OutcomeUnknownError) as raised:
        client.reply(post, text, organization=ORGANIZATION_URN)
    assert not isinstance(raised.value, RetryLaterError)
    assert [r["method"] for r in sandbox.requests] == ["POST"]  # not repeated
    assert copies(sandbox, text) == 1
    found = client.find_reply(post, text, organization=ORGANIZATION_URN)
    assert found is not None and found.post_id == post
    assert found.external_id in swept(client, post)
    assert copies(sandbox, text) == 1


def test_reply_that_never_landed_is_not_found_and_can_be_posted(client, sandbox) -> None:
    post = post_with_comments(sandbox)
    comment = sandbox.state.comments[post][1]["commentUrn"]
    text = "Merci, nous vous contactons."
    sandbox.outage(calls=1)  # refused before LinkedIn wrote anything
    with pytest.raises(OutcomeUnknownError):
        client.reply(comment, text, organization=ORGANIZATION_URN, post_urn=post)
    assert client.find_reply(comment, text, organization=ORGANIZATION_URN,
                             post_urn=post) is None
    posted = client.reply(comment, text, organization=ORGANIZATION_URN, post_urn=post)
    assert client.find_reply(comment, text, organization=ORGANIZATION_URN,
                             post_urn=post) == posted
    assert copies(sandbox, text) == 1


def test_created_reply_whose_urn_cannot_be_read_is_outcome_unknown(client, sandbox) -> None:
    post = post_with_comments(sandbox)
    text = "Reply with a lost id"
    sandbox.comment_answer("id")
    sandbox.outage(calls=10, after=1)  # the POST lands; every read of its URN fails
    with pytest.raises(OutcomeUnknownError, match="find_reply"):
        client.reply(post, text, organization=ORGANIZATION_URN)
    assert [r["method"] for r in sandbox.requests].count("POST") == 1
    sandbox.outage(calls=0)
    assert client.find_reply(post, text, organization=ORGANIZATION_URN) is not None
    assert copies(sandbox, text) == 1


def test_find_reply_takes_the_newest_match_since_a_time(client, sandbox) -> None:
    post = post_with_comments(sandbox)
    first = client.reply(post, "Same words", organization=ORGANIZATION_URN)
    second = client.reply(post, "Same words", organization=ORGANIZATION_URN)
    found = client.find_reply(post, "Same words", organization=ORGANIZATION_URN)
    assert found is not None and found.external_id in {first.external_id, second.external_id}
    later = max(first.created_at, second.created_at)
    assert found.created_at == later
    assert client.find_reply(post, "Other words", organization=ORGANIZATION_URN) is None
    beyond = later.replace(year=later.year + 1)
    assert client.find_reply(post, "Same words", organization=ORGANIZATION_URN,
                             since=beyond) is None
