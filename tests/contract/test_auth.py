"""OAuth2 against /Api/access_token: the three grants and every recorded failure."""

from __future__ import annotations

import logging

import pytest
import requests

from connectors.errors import AuthenticationError
from connectors.suitecrm import SuiteCRMClient
from connectors.suitecrm.auth import PasswordClient, TokenManager
from connectors.transport import Transport

WRONG_PASSWORD = "Wr0ng-pa55word-Ã©-visible?"


def test_client_credentials_token_acts_as_the_clients_user(crm, target):
    user = crm.current_user()
    assert user.id and user.user_name
    if not target.live:  # the sandbox's service client belongs to its admin, like the recordings'
        assert user.is_admin
    assert crm.token is not None and crm.token.refresh_token is None


def test_password_grant_acts_as_that_user_and_gets_a_refresh_token(rep, target):
    user = rep.current_user()
    assert user.user_name == target.username
    assert rep.token.refresh_token


def test_refresh_token_rotates_and_the_old_one_dies(target):
    seen = []
    client = SuiteCRMClient.login(target.url, target.password_client_id,
                                  target.password_client_secret, target.username,
                                  target.password, on_token=seen.append)
    first = client.token
    client.tokens.reject(first.access_token)  # as if the access token had expired
    assert client.current_user().user_name == target.username
    second = client.token
    assert second.access_token != first.access_token
    assert second.refresh_token and second.refresh_token != first.refresh_token
    assert [t.refresh_token for t in seen] == [first.refresh_token, second.refresh_token]

    stale = TokenManager(Transport("suitecrm", target.url),
                         PasswordClient(target.password_client_id, target.password_client_secret),
                         token=first)
    stale.reject(first.access_token)
    with pytest.raises(AuthenticationError) as err:
        stale.access_token()
    assert err.value.reason == "expired"


def test_wrong_client_secret_is_an_authentication_error(target):
    client = SuiteCRMClient.service_account(target.url, target.client_id, "wrong")
    with pytest.raises(AuthenticationError) as err:
        client.current_user()
    assert err.value.status == 401
    assert "wrong" not in str(err.value)


def test_wrong_password_never_reaches_errors_or_logs(target, caplog):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(AuthenticationError) as err:
        SuiteCRMClient.login(target.url, target.password_client_id,
                             target.password_client_secret, target.username, WRONG_PASSWORD)
    assert err.value.status == 500  # SuiteCRM's real answer, with the password inside
    assert err.value.attempts == 1  # an auth failure is never retried
    assert WRONG_PASSWORD not in str(err.value)
    assert WRONG_PASSWORD not in repr(err.value.__dict__)
    assert WRONG_PASSWORD not in caplog.text
    assert target.password_client_secret not in caplog.text


def test_unknown_client_is_an_authentication_error(target):
    client = SuiteCRMClient.service_account(target.url, "does-not-exist", "x")
    with pytest.raises(AuthenticationError):
        client.current_user()


def test_one_client_serves_one_grant(target):
    # the client_credentials client used for the password grant
    with pytest.raises(AuthenticationError) as err:
        SuiteCRMClient.login(target.url, target.client_id, target.client_secret,
                             target.username, target.password)
    assert err.value.status == 401


def test_logout_revokes_the_token_and_the_client_logs_in_again(crm, target):
    me = crm.current_user().id
    old = crm.token.access_token
    crm.logout()
    answer = requests.get(f"{target.url}/Api/V8/current-user",
                          headers={"Authorization": f"Bearer {old}"}, timeout=10)
    assert answer.status_code == 401
    assert answer.json()["error"] == "access_denied"
    assert crm.current_user().id == me  # a fresh token was fetched
    assert crm.token.access_token != old


@pytest.mark.parametrize("header", [None, "Bearer not.a.jwt"])
def test_bad_tokens_answer_like_suitecrm(target, header):
    # the hint text depends on the bundled OAuth library: only status and error are asserted
    headers = {"Authorization": header} if header else {}
    answer = requests.get(f"{target.url}/Api/V8/module/Contacts", headers=headers, timeout=10)
    assert answer.status_code == 401
    assert answer.json()["error"] == "access_denied"
