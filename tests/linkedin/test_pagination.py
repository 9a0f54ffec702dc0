"""No record missed, none repeated: regular, irregular, lying totals, capped, token pages."""

from __future__ import annotations

import pytest

from connectors.errors import BadResponseError
from connectors.linkedin.pagination import Listing, OffsetPaginator, TokenPaginator
from connectors.linkedin.records import ObjectDeletion
from sandboxes.linkedin import ORGANIZATION_URN


def expected_posts(sandbox) -> set[str]:
    return {p["id"] for p in sandbox.state.posts}


def expected_comments(sandbox) -> set[str]:
    return {c["commentUrn"] for thread in sandbox.state.comments.values() for c in thread}


def read_everything(client, sandbox) -> tuple[set[str], list[str]]:
    posts = [p.external_id for p in client.posts(ORGANIZATION_URN)]
    assert set(posts) == expected_posts(sandbox)
    delivered = [c.external_id for c in client.comment_sweep(posts)]
    return set(delivered), delivered


@pytest.mark.parametrize("total", ["exact", "omit", "low", "high", "random"])
def test_irregular_pages_with_any_total_miss_nothing(client, sandbox, total) -> None:
    sandbox.set_paging(irregular=True, total=total)
    ids, delivered = read_everything(client, sandbox)
    assert ids == expected_comments(sandbox)
    assert len(delivered) == len(ids)  # no duplicates


def test_irregular_mode_really_serves_short_and_empty_pages(client, sandbox) -> None:
    sandbox.set_paging(irregular=True)
    list(client.posts(ORGANIZATION_URN))
    sizes = [r for r in sandbox.requests if r["path"] == "/rest/posts"]
    assert len(sizes) > 24 // 10 + 1  # more calls than regular pages would need


def test_page_cap_echoed_in_count_is_followed(client, sandbox) -> None:
    sandbox.set_paging(page_cap=4)
    posts = list(client.posts(ORGANIZATION_URN))
    assert {p.external_id for p in posts} == expected_posts(sandbox)


def test_token_paging_style_reads_everything(make_client, sandbox) -> None:
    client = make_client(token_paged=frozenset({"posts", "comments"}))
    sandbox.set_paging(irregular=True)
    ids, delivered = read_everything(client, sandbox)
    assert ids == expected_comments(sandbox)
    assert len(delivered) == len(ids)
    assert all("pageSize=" in r["query"] for r in sandbox.requests if r["path"] == "/rest/posts")


def test_5000_comments_on_200_posts_with_irregular_pages(make_client, big_sandbox) -> None:
    big_sandbox.set_paging(irregular=True, total="random")
    try:
        client = make_client(big_sandbox, page_size=100)
        ids, delivered = read_everything(client, big_sandbox)
    finally:
        big_sandbox.set_paging()
    first_level = {c["commentUrn"] for p in big_sandbox.state.posts
                   for c in big_sandbox.state.comments[p["id"]]}
    assert len(first_level) == 5000
    assert ids == expected_comments(big_sandbox)
    assert len(delivered) == len(ids)


def test_paging_that_does_not_advance_is_an_error_not_a_loop() -> None:
    def fetch(params):
        return {"elements": [{"id": "a"}], "paging": {"start": 0, "count": 1, "links": [
            {"rel": "next", "href": "/rest/posts?start=0&count=1"}]}}

    with pytest.raises(BadResponseError):
        list(OffsetPaginator(fetch, count=1).pages())


def test_repeated_page_token_is_an_error_not_a_loop() -> None:
    def fetch(params):
        return {"elements": [{"id": "a"}], "metadata": {"nextPageToken": "same"}}

    with pytest.raises(BadResponseError):
        list(TokenPaginator(fetch, page_size=1).pages())


def test_listing_resumes_after_failure_without_duplicates() -> None:
    pages = {0: [{"id": "1"}, {"id": "2"}], 2: [{"id": "2"}, {"id": "3"}], 4: [{"id": "4"}]}
    failures = iter([True])

    def fetch(params):
        if params["start"] == 2 and next(failures, False):
            raise ConnectionError("dropped")
        return {"elements": pages[params["start"]], "paging": {"start": params["start"]}}

    listing = Listing(OffsetPaginator(fetch, count=2), lambda e: e["id"], lambda i: i)
    got = []
    with pytest.raises(ConnectionError):
        got.extend(listing)
    assert listing.position == "start=2"
    got.extend(listing)
    assert got == ["1", "2", "3", "4"]


def test_sweep_reports_deleted_post_and_goes_on(client, sandbox) -> None:
    posts = [p.external_id for p in client.posts(ORGANIZATION_URN)]
    gone = posts[3]
    sandbox.delete(gone)
    items = list(client.comment_sweep(posts))
    deletions = [i for i in items if isinstance(i, ObjectDeletion)]
    assert deletions == [ObjectDeletion(object_id=gone, kind="post")]
    comments = {i.external_id for i in items if not isinstance(i, ObjectDeletion)}
    lost = {c["commentUrn"] for c in sandbox.state.comments[gone]}
    assert comments == expected_comments(sandbox) - lost - {
        c["commentUrn"] for top in sandbox.state.comments[gone]
        for c in sandbox.state.comments.get(top["commentUrn"], [])}


@pytest.fixture()
def busy_post(sandbox):
    """One post with 45 first-level comments, no replies: five pages of 10."""
    state = sandbox.state
    post = state.posts[0]["id"]
    activity = "urn:li:activity:" + post.rsplit(":", 1)[1]
    state.comments[post] = []
    for n in range(45):
        urn = f"urn:li:comment:({activity},{8_000_000 + n})"
        state.add_comment(post, {
            "actor": f"urn:li:person:p{n}", "id": str(8_000_000 + n), "commentUrn": urn,
            "object": activity, "message": {"text": f"comment {n}"},
            "created": {"time": 1_790_000_000_000 + n},
            "commentsSummary": {"aggregatedTotalComments": 0}})
    return sandbox, post


@pytest.mark.parametrize("deleted_per_page", [1, 2])
def test_deletions_during_a_sweep_miss_nothing_live(make_client, busy_post,
                                                    deleted_per_page) -> None:
    """Deleting comments already read shifts the offsets of everything after them: a
    plain ``start + count`` would skip the first comment of each next page."""
    sandbox, post = busy_post
    client = make_client(sandbox, page_size=10)  # the default overlap: 2 at this size
    delivered: list[str] = []
    deleted: list[str] = []
    for item in client.comment_sweep([post]):
        delivered.append(item.external_id)
        if len(delivered) % 10 == 0:  # the last of a page: the next page is not read yet
            for urn in delivered[-deleted_per_page:]:
                sandbox.delete(urn)
                deleted.append(urn)
    live = {c["commentUrn"] for c in sandbox.state.comments[post]} - set(deleted)
    assert deleted and live
    assert live <= set(delivered)
    assert len(delivered) == len(set(delivered))


def test_without_overlap_the_same_deletions_skip_live_comments(make_client, busy_post) -> None:
    """The same run with ``page_overlap=0`` shows what the overlap prevents."""
    sandbox, post = busy_post
    client = make_client(sandbox, page_size=10, page_overlap=0)
    delivered: list[str] = []
    for item in client.comment_sweep([post]):
        delivered.append(item.external_id)
        if len(delivered) % 10 == 0:
            sandbox.delete(delivered[-1])
    live = {c["commentUrn"] for c in sandbox.state.comments[post]} - sandbox.state.deleted
    assert live - set(delivered)  # missed: the reason for the overlap


def test_overlap_keeps_calls_close_to_the_floor(make_client, sandbox) -> None:
    client = make_client(page_size=10)
    posts = list(client.posts(ORGANIZATION_URN))
    assert len(posts) == len(sandbox.state.posts) == 24
    starts = [r["query"].split("start=")[1].split("&")[0] for r in sandbox.requests]
    assert starts == ["0", "8", "16"]  # 24 posts: 3 pages, each re-reading 2
