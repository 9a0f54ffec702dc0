"""Each typed error for its cause, and the three LinkedIn headers on every single call."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest

from connectors.errors import (
    ApiVersionRetiredError,
    AuthenticationError,
    ObjectDeletedError,
    OutcomeUnknownError,
    RetryLaterError,
    TooMuchDataError,
    UnavailableError,
    ValidationError,
)
from connectors.linkedin import TimeWindow
from connectors.transport import RetryPolicy
from sandboxes.linkedin import (
    EXPIRED_TOKEN,
    NO_LEADS_TOKEN,
    ORGANIZATION_URN,
    REVOKED_TOKEN,
)


@pytest.mark.parametrize("version", ["202301", "209912"])
def test_inactive_version_is_retired_error_naming_setting_and_version(make_client,
                                                                     version) -> None:
    client = make_client(version=version)
    with pytest.raises(ApiVersionRetiredError) as raised:
        list(client.posts(ORGANIZATION_URN))
    assert raised.value.setting == "LINKEDIN_VERSION"
    assert "LINKEDIN_VERSION" in str(raised.value)
    assert version in str(raised.value)
    assert raised.value.attempts == 1  # never retried


def test_malformed_version_is_refused_before_any_call(make_client, sandbox) -> None:
    with pytest.raises(ValueError, match="LINKEDIN_VERSION"):
        make_client(version="2026-10")
    assert sandbox.requests == []


def test_old_version_warns_ahead_of_retirement(make_client, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="connectors.linkedin.base"):
        make_client(version="202411")
    assert "LINKEDIN_VERSION" in caplog.text


@pytest.mark.parametrize(("token", "reason"), [
    (EXPIRED_TOKEN, "expired"), (REVOKED_TOKEN, "revoked"), ("made-up-token", "invalid")])
def test_bad_tokens_are_authentication_errors_with_reason(make_client, token, reason) -> None:
    client = make_client(access_token=token)
    with pytest.raises(AuthenticationError) as raised:
        list(client.posts(ORGANIZATION_URN))
    assert raised.value.reason == reason
    assert raised.value.status == 401
    assert raised.value.attempts == 1
    assert token not in str(raised.value)


def test_missing_scope_is_an_authentication_error(make_client) -> None:
    client = make_client(access_token=NO_LEADS_TOKEN)
    assert list(client.posts(ORGANIZATION_URN))  # social scope still works
    with pytest.raises(AuthenticationError) as raised:
        list(client.lead_forms(ORGANIZATION_URN))
    assert raised.value.reason == "missing_permission"
    assert raised.value.status == 403


def test_deleted_post_and_comment_are_object_deleted(client, sandbox) -> None:
    post = sandbox.state.posts[0]["id"]
    comment = sandbox.state.comments[post][0]["commentUrn"]
    sandbox.delete(post)
    sandbox.delete(comment)
    with pytest.raises(ObjectDeletedError, match=re.escape(post)):
        client.post(post)
    with pytest.raises(ObjectDeletedError):
        list(client.comments(post))
    with pytest.raises(ObjectDeletedError):
        client.reply(comment, "Danke!", organization=ORGANIZATION_URN, post_urn=post)


def test_5xx_is_retried_for_reads_then_unavailable(make_client, sandbox, clock) -> None:
    client = make_client(retry=RetryPolicy(max_attempts=3, base_delay=1.0, jitter=lambda: 1.0))
    sandbox.outage(calls=2)
    assert client.follower_statistics(ORGANIZATION_URN).total > 0
    assert clock.sleeps == [1.0, 2.0]
    sandbox.outage(calls=3, status=500)
    with pytest.raises(UnavailableError) as raised:
        client.follower_statistics(ORGANIZATION_URN)
    assert raised.value.attempts == 3


def test_5xx_on_a_reply_is_not_retried_and_its_outcome_is_unknown(client, sandbox) -> None:
    post = sandbox.state.posts[0]["id"]
    sandbox.outage(calls=1)
    with pytest.raises(OutcomeUnknownError) as raised:
        client.reply(post, "Thanks!", organization=ORGANIZATION_URN)
    assert not isinstance(raised.value, RetryLaterError)  # no caller may just repeat it
    assert raised.value.status == 503
    assert [r["method"] for r in sandbox.requests] == ["POST"]


def test_too_large_count_is_retried_with_a_smaller_page(make_client, sandbox) -> None:
    sandbox.set_paging(max_count=4)
    client = make_client(page_size=10)
    assert len(list(client.posts(ORGANIZATION_URN))) == len(sandbox.state.posts)
    counts = [r["query"].rsplit("count=", 1)[1] for r in sandbox.requests]
    assert counts[:3] == ["10", "5", "2"]
    assert [r["status"] for r in sandbox.requests][:3] == [400, 400, 200]


def test_too_much_data_surfaces_when_no_smaller_page_is_possible(make_client, sandbox) -> None:
    sandbox.set_paging(max_count=0)
    with pytest.raises(TooMuchDataError):
        list(make_client(page_size=2).posts(ORGANIZATION_URN))


def test_rejected_request_is_a_validation_error(client) -> None:
    with pytest.raises(ValidationError):
        list(client.lead_responses(ORGANIZATION_URN, "NOT_A_TYPE"))


def test_headers_on_every_call(client, sandbox) -> None:
    posts = [p.external_id for p in client.posts(ORGANIZATION_URN)]
    items = list(client.comment_sweep(posts[:3]))
    client.reply(items[0].external_id, "Merci !", organization=ORGANIZATION_URN,
                 post_urn=items[0].post_id)
    list(client.reaction_summaries(posts))
    client.counted_reactions(posts[0])
    list(client.lead_submissions(ORGANIZATION_URN))
    client.follower_statistics(ORGANIZATION_URN)
    now = client.config.clock()
    client.follower_gains(ORGANIZATION_URN, TimeWindow(now - timedelta(days=9),
                                                       now - timedelta(days=2)))
    list(client.notifications(ORGANIZATION_URN, TimeWindow(now - timedelta(days=5), now)))
    sandbox.delete(posts[0])
    with pytest.raises(ObjectDeletedError):
        client.post(posts[0])
    log = sandbox.requests
    assert len(log) == client.counter.total() > 15
    for entry in log:
        assert entry["linkedin_version"] == "202610", entry
        assert entry["restli_protocol"] == "2.0.0", entry
        assert entry["auth_scheme"] == "Bearer" and entry["token_known"], entry
    assert {e["method"] for e in log} == {"GET", "POST"}
