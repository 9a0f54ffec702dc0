"""Every Graph failure becomes the typed error a caller can act on (over HTTP)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from connectors.errors import (
    ApiVersionRetiredError,
    AuthenticationError,
    ConflictError,
    ObjectDeletedError,
    RateLimitedError,
    TooMuchDataError,
    UnavailableError,
    ValidationError,
)
from connectors.facebook import FacebookClient
from sandboxes.facebook import FacebookSandbox
from tests.facebook.helpers import FakeClock


@pytest.mark.parametrize("code", [4, 17, 32, 613, 80001])
def test_throttle_codes_raise_rate_limited_with_graph_estimate(
        sandbox: FacebookSandbox, client: FacebookClient, code: int) -> None:
    sandbox.state.add_fault(kind="throttle", code=code, regain_minutes=10)
    with pytest.raises(RateLimitedError) as caught:
        client.lead_forms(sandbox.page_id)
    assert caught.value.retry_after == 600.0  # 10 minutes from the usage header
    assert caught.value.attempts == 1  # longer than max_wait: no retry, the caller reschedules


def test_throttle_within_max_wait_is_waited_out_once(
        sandbox: FacebookSandbox, client: FacebookClient, clock: FakeClock) -> None:
    sandbox.state.add_fault(kind="throttle", code=80001, regain_minutes=5)
    assert len(client.lead_forms(sandbox.page_id)) == 3
    assert clock.sleeps == [300.0]  # Graph's estimate, waited once: the one waiting limit
    assert sandbox.state.stats()["by_endpoint"]["GET /{id}/leadgen_forms"] == 2


def test_throttle_without_estimate_uses_conservative_default(
        sandbox: FacebookSandbox, make_client: Callable[..., FacebookClient],
        clock: FakeClock) -> None:
    sandbox.state.add_fault(kind="throttle", code=4, regain_minutes=0)
    with pytest.raises(RateLimitedError) as caught:
        make_client(throttle_wait=900.0).lead_forms(sandbox.page_id)
    assert caught.value.retry_after == 900.0 and caught.value.attempts == 1
    sandbox.state.add_fault(kind="throttle", code=4, regain_minutes=0)
    assert len(make_client(throttle_wait=240.0).lead_forms(sandbox.page_id)) == 3
    assert clock.sleeps == [240.0]  # no estimate, a long default wait, never a short retry


def test_transient_errors_are_retried_then_surface(
        sandbox: FacebookSandbox, client: FacebookClient, clock: FakeClock) -> None:
    sandbox.state.add_fault(kind="transient", code=2, times=1)
    assert len(client.lead_forms(sandbox.page_id)) == 3  # one retry, then fine
    sandbox.state.add_fault(kind="transient", code=1, times=10)
    with pytest.raises(UnavailableError) as caught:
        client.lead_forms(sandbox.page_id)
    assert caught.value.attempts == 4
    sandbox.state.clear_faults()
    sandbox.state.add_fault(kind="server_error", times=10)  # an HTML proxy page
    with pytest.raises(UnavailableError):
        client.lead_forms(sandbox.page_id)


@pytest.mark.parametrize(("status", "reason"), [("expired", "expired"),
                                                ("revoked", "revoked")])
def test_dead_page_token_is_an_authentication_error(
        sandbox: FacebookSandbox, client: FacebookClient, status: str, reason: str) -> None:
    sandbox.state.set_token_status(sandbox.page_token, status)
    with pytest.raises(AuthenticationError) as caught:
        list(client.iter_posts(sandbox.page_id))
    assert caught.value.reason == reason
    assert caught.value.attempts == 1


def test_unknown_and_missing_tokens(sandbox: FacebookSandbox,
                                    make_client: Callable[..., FacebookClient]) -> None:
    with pytest.raises(AuthenticationError) as caught:
        make_client(access_token="EAAGnot-a-token").lead_forms(sandbox.page_id)
    assert caught.value.reason == "invalid"
    with pytest.raises(AuthenticationError) as caught:
        make_client(access_token=None).lead_forms(sandbox.page_id)
    assert caught.value.reason == "invalid"


@pytest.mark.parametrize(("scope", "read"), [
    ("leads_retrieval", lambda c, page: c.lead_forms(page)),
    ("pages_messaging", lambda c, page: list(c.iter_conversations(page))),
    ("pages_read_user_content", lambda c, page: list(c.iter_comments(f"{page}_4001"))),
])
def test_removed_permission_is_an_authentication_error(
        sandbox: FacebookSandbox, client: FacebookClient, scope: str,
        read: Callable[[FacebookClient, str], object]) -> None:
    sandbox.state.remove_scopes(sandbox.page_token, [scope])
    with pytest.raises(AuthenticationError) as caught:
        read(client, sandbox.page_id)
    assert caught.value.reason == "missing_permission"
    assert scope in (caught.value.detail or "")


def test_retired_version_names_the_setting(
        sandbox: FacebookSandbox, make_client: Callable[..., FacebookClient],
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="connectors.facebook.graph"):
        client = make_client(version="v20.0")
    assert "FACEBOOK_GRAPH_VERSION" in caplog.text  # warned at construction
    with pytest.raises(ApiVersionRetiredError) as caught:
        client.lead_forms(sandbox.page_id)
    assert caught.value.setting == "FACEBOOK_GRAPH_VERSION"
    assert "FACEBOOK_GRAPH_VERSION" in str(caught.value)


def test_malformed_version_is_refused_at_construction(
        make_client: Callable[..., FacebookClient]) -> None:
    with pytest.raises(ValueError, match="FACEBOOK_GRAPH_VERSION"):
        make_client(version="25")


def test_deleted_object_is_object_deleted(sandbox: FacebookSandbox,
                                          client: FacebookClient) -> None:
    post_id = f"{sandbox.page_id}_4003"
    sandbox.store.delete(post_id)
    with pytest.raises(ObjectDeletedError):
        client.post(post_id, sandbox.page_id)
    with pytest.raises(ObjectDeletedError):
        list(client.iter_comments(post_id))


def test_reduce_data_without_anything_left_to_cut(sandbox: FacebookSandbox,
                                                  client: FacebookClient) -> None:
    sandbox.state.add_fault(kind="reduce_data", times=1)
    with pytest.raises(TooMuchDataError):
        client.graph.get(sandbox.page_id, endpoint="GET /{page}")


def test_unknown_field_is_a_validation_error(sandbox: FacebookSandbox,
                                             client: FacebookClient) -> None:
    with pytest.raises(ValidationError) as caught:
        client.graph.get(sandbox.page_id, {"fields": "id,no_such_field"}, endpoint="GET /x")
    assert "no_such_field" in (caught.value.detail or "")


def test_wrong_app_secret_fails_the_proof(sandbox: FacebookSandbox,
                                          make_client: Callable[..., FacebookClient]) -> None:
    with pytest.raises(AuthenticationError):
        make_client(app_secret="not-the-secret").lead_forms(sandbox.page_id)
    sandbox.state.config.require_proof = True
    with pytest.raises(AuthenticationError):
        make_client(app_secret=None).lead_forms(sandbox.page_id)
    assert len(make_client().lead_forms(sandbox.page_id)) == 3


def test_second_private_reply_is_a_conflict(sandbox: FacebookSandbox,
                                            client: FacebookClient) -> None:
    comment = sandbox.store.children(f"{sandbox.page_id}_4007", "comments")[0]
    client.private_reply(comment["id"], "We have sent you a message 📨")
    with pytest.raises(ConflictError):
        client.private_reply(comment["id"], "Again")
