"""The ten complaints about existing connectors, each shown fixed against the sandbox."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest
import requests

from connectors.errors import (
    ApiVersionRetiredError,
    AuthenticationError,
    BadResponseError,
    ObjectDeletedError,
    RateLimitedError,
)
from connectors.facebook import FacebookClient, parse_events
from connectors.facebook.parse import graph_time, messenger_time
from sandboxes.facebook import (
    FacebookSandbox,
    build_event,
    meta_json,
    send_facebook_webhook,
)
from tests.facebook.helpers import Receiver


def test_complaint_1_retired_version_is_a_typed_error_naming_the_setting(
        sandbox: FacebookSandbox, make_client: Callable[..., FacebookClient]) -> None:
    sandbox.state.config.min_version = "v24.0"  # Meta retires v23.0 under a running sync
    client = make_client(version="v23.0", min_version="v22.0")
    with pytest.raises(ApiVersionRetiredError) as caught:
        list(client.iter_threads(sandbox.page_id))
    assert caught.value.setting == "FACEBOOK_GRAPH_VERSION"
    assert "set FACEBOOK_GRAPH_VERSION" in str(caught.value)
    assert len(list(make_client(version="v25.0").iter_posts(sandbox.page_id))) == 11


def test_complaint_2_dead_tokens_and_lost_permissions_are_auth_failures(
        sandbox: FacebookSandbox, client: FacebookClient) -> None:
    sandbox.state.remove_scopes(sandbox.page_token, ["pages_read_user_content"])
    assert client.inspect_token().missing({"pages_read_user_content"})  # alert ahead
    with pytest.raises(AuthenticationError) as caught:
        list(client.iter_threads(sandbox.page_id))
    assert caught.value.reason == "missing_permission"  # not an empty sync
    sandbox.state.set_token_status(sandbox.page_token, "expired")
    with pytest.raises(AuthenticationError) as caught:
        client.lead_forms(sandbox.page_id)
    assert caught.value.reason == "expired"


def test_complaint_3_usage_headers_read_on_errors_and_no_blind_retries(
        sandbox: FacebookSandbox, client: FacebookClient) -> None:
    sandbox.state.add_fault(kind="throttle", code=80001, regain_minutes=10)
    with pytest.raises(RateLimitedError) as caught:
        list(client.iter_posts(sandbox.page_id))
    assert (caught.value.retry_after, caught.value.attempts) == (600.0, 1)
    calls = sandbox.state.stats()["http_calls"]
    with pytest.raises(RateLimitedError):
        list(client.iter_posts(sandbox.page_id))  # the governor holds the next call back
    assert sandbox.state.stats()["http_calls"] == calls


def _raw_pages(sandbox: FacebookSandbox, post_id: str) -> list[tuple[int, bool]]:
    """(items, has next) of every page a plain HTTP walk gets, for the record."""
    url = f"{sandbox.url}/v25.0/{post_id}/comments"
    params: dict[str, str] | None = {"filter": "stream", "limit": "25",
                                     "access_token": sandbox.page_token}
    pages = []
    while url:
        body = requests.get(url, params=params, timeout=5).json()
        nxt = body.get("paging", {}).get("next")
        pages.append((len(body["data"]), bool(nxt)))
        url, params = nxt, None
    return pages


def test_complaint_4_short_pages_do_not_end_pagination(
        sandbox: FacebookSandbox, client: FacebookClient) -> None:
    sandbox.load_large_page(posts=200, comments=5000, distribution="irregular")
    sandbox.state.config.irregular_pages = True
    busiest = max(sandbox.store.ids_of("post"), key=lambda p: len(sandbox.store.stream(p)))
    raw = _raw_pages(sandbox, busiest)
    assert any(0 < n < 25 and more for n, more in raw)  # short pages with next
    assert any(n == 0 and more for n, more in raw)  # empty pages with next
    threads = list(client.iter_threads(sandbox.page_id))
    ids = [c.external_id for t in threads for c in t.comments]
    assert len(ids) == len(set(ids)) == 5000
    assert set(ids) == set(sandbox.store.ids_of("comment"))
    assert {t.post.external_id for t in threads} == set(sandbox.store.ids_of("post"))


def test_complaint_4_repeated_cursor_stops_instead_of_looping(
        sandbox: FacebookSandbox, client: FacebookClient) -> None:
    sandbox.state.add_fault(kind="repeat_cursor", path="/comments")
    with pytest.raises(BadResponseError, match="same cursor"):
        list(client.iter_comments(f"{sandbox.page_id}_4008", limit=25))


def test_complaint_5_deleted_hidden_archived_objects_are_reported_not_dropped(
        sandbox: FacebookSandbox, client: FacebookClient) -> None:
    gone = f"{sandbox.page_id}_4008"
    sandbox.store.delete(gone)
    read = client.comments_of([gone, f"{sandbox.page_id}_4007"])
    assert read.deleted == {gone}
    assert any(c.is_hidden for c in read.by_object[f"{sandbox.page_id}_4007"])
    with pytest.raises(ObjectDeletedError):
        client.post(gone, sandbox.page_id)
    archived = [f for f in client.lead_forms(sandbox.page_id) if f.status == "ARCHIVED"]
    assert len(client.read_leads(archived).leads) == 2
    removal = parse_events(meta_json(build_event("comment", page_id=sandbox.page_id,
                                                 verb="remove", comment_id="4001_1")))[0]
    assert (removal.kind, removal.verb) == ("comment", "remove")


def test_complaint_6_redeliveries_and_deletions_mid_read_give_no_duplicates_no_gaps(
        sandbox: FacebookSandbox, client: FacebookClient) -> None:
    comment = build_event("comment", page_id=sandbox.page_id, comment_id="4001_7",
                          created_time=1790000000)
    reaction = build_event("reaction", page_id=sandbox.page_id, comment_id="4001_7",
                           created_time=1790000100)
    redelivery = {"object": "page", "entry": [{  # an hour later, batched with another event
        "id": sandbox.page_id, "time": 1790003600,
        "changes": comment["entry"][0]["changes"] + reaction["entry"][0]["changes"]}]}
    first = parse_events(meta_json(comment))
    again = parse_events(meta_json(redelivery))
    assert [e.event_id for e in again][:1] == [e.event_id for e in first]
    assert again[1].event_id != again[0].event_id
    post_id = f"{sandbox.page_id}_4005"
    stream = [n["id"] for n in sandbox.store.stream(post_id)]
    seen = []
    for index, item in enumerate(client.iter_comments(post_id, limit=10)):
        seen.append(item.external_id)
        if index == 0:  # page one is read: the comment its cursor names is deleted
            sandbox.store.delete(stream[9])
            sandbox.store.delete(stream[30])  # and one further on
    assert len(seen) == len(set(seen))
    assert set(seen) >= set(stream) - {stream[30]}  # every live comment read
    forms = client.lead_forms(sandbox.page_id)
    once = client.read_leads(forms)
    assert client.read_leads(forms, once.watermarks).leads == ()


def test_complaint_7_oversized_field_requests_are_retried_smaller(
        sandbox: FacebookSandbox, client: FacebookClient) -> None:
    sandbox.state.config.reduce_data_threshold = 3_000
    threads = list(client.iter_threads(sandbox.page_id))
    assert {c.external_id for t in threads for c in t.comments} == set(
        sandbox.store.ids_of("comment"))


def test_complaint_8_webhook_leads_fetched_and_non_ascii_signatures_verify(
        sandbox: FacebookSandbox, client: FacebookClient) -> None:
    receiver = Receiver(sandbox.app_secret, sandbox.verify_token)
    try:
        lead = sandbox.add_lead("7003", {"full_name": "Ngô Bảo Châu", "email": "ngo@example.vn",
                                         "company_name": "Đà Lạt Trekking"})
        response = send_facebook_webhook(receiver.url, sandbox.app_secret, "leadgen",
                                         page_id=sandbox.page_id, leadgen_id=lead["id"],
                                         form_id="7003")
        assert response.status_code == 200
    finally:
        receiver.close()
    (event,) = receiver.events
    fetched = client.lead(event.object_id, page_id=event.owner_id)
    assert fetched.answers["company_name"] == "Đà Lạt Trekking"


def test_complaint_9_epoch_iso_and_millisecond_times_agree_in_utc(
        sandbox: FacebookSandbox, client: FacebookClient) -> None:
    moment = datetime(2026, 9, 21, 14, 13, 20, tzinfo=UTC)
    assert graph_time("2026-09-21T14:13:20+0000") == moment
    assert graph_time("2026-09-21T16:13:20+0200") == moment
    assert graph_time("2026-09-21T14:13:20Z") == moment
    assert graph_time(1790000000) == graph_time("1790000000") == moment
    assert messenger_time(1790000000000) == moment
    with pytest.raises(ValueError):
        list(client.iter_comments(f"{sandbox.page_id}_4001", since=datetime(2026, 3, 3)))
    post_id = f"{sandbox.page_id}_4001"
    cut = sandbox.store.stream(post_id)[30]["__ts"]
    local = datetime.fromtimestamp(cut, tz=timezone(timedelta(hours=-5)))
    recent = list(client.iter_comments(post_id, since=local))
    assert recent and min(c.created_at for c in recent).timestamp() >= cut
    assert all(c.created_at.tzinfo == UTC for c in recent)


def test_complaint_10_comments_messages_and_leads_are_all_synced(
        sandbox: FacebookSandbox, client: FacebookClient) -> None:
    comments = {c.external_id for t in client.iter_threads(sandbox.page_id) for c in t.comments}
    messages = {m.external_id for c in client.iter_conversations(sandbox.page_id)
                for m in c.messages}
    leads = client.read_leads(client.lead_forms(sandbox.page_id)).leads
    counts = sandbox.store.counts()
    assert (len(comments), len(messages), len(leads)) == (
        counts["comment"], counts["message"], counts["lead"])
