"""OAuth2: JWT access tokens, expiry, revocation, refresh rotation and grant errors."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests

from sandboxes.suitecrm import (
    DEMO_MOBILE_CLIENT,
    DEMO_SYNC_CLIENT,
    RECORDING_CC_CLIENT,
    SuiteCRMSandbox,
)

from .conftest import START, Api, password_token

CONTACTS = "/Api/V8/module/Contacts"
MALFORMED = (
    "The request is missing a required parameter, includes an invalid parameter value, "
    "includes a parameter more than once, or is otherwise malformed."
)


def claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def hint(response: requests.Response) -> str:
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/json"
    return response.json()["hint"]


def token_request(base_url: str, **form: str) -> requests.Response:
    return requests.post(f"{base_url}/Api/access_token", data=form, timeout=10)


@pytest.fixture()
def short(clock: list[datetime]) -> Iterator[SuiteCRMSandbox]:
    with SuiteCRMSandbox(seed=False, clock=lambda: clock[0], token_ttl=60) as running:
        yield running


def test_access_tokens_are_jwts_with_the_expected_claims(short: SuiteCRMSandbox) -> None:
    answer = password_token(short.url, "sally", "sally-Passw0rd")
    assert answer["token_type"] == "Bearer" and answer["expires_in"] == 60
    payload = claims(answer["access_token"])
    assert list(payload) == ["aud", "jti", "iat", "nbf", "exp", "sub", "scopes"]
    assert payload["aud"] == DEMO_MOBILE_CLIENT[0]
    assert payload["sub"] == "seed_sally_id"
    assert payload["scopes"] == []
    assert payload["exp"] - payload["iat"] == 60
    client_id, secret = DEMO_SYNC_CLIENT
    machine = token_request(
        short.url, grant_type="client_credentials", client_id=client_id, client_secret=secret
    ).json()
    assert "refresh_token" not in machine
    assert claims(machine["access_token"])["sub"] == ""


def test_an_access_token_expires_after_its_lifetime(
    short: SuiteCRMSandbox, clock: list[datetime]
) -> None:
    api = Api(short.url, password_token(short.url, "admin", "admin-Passw0rd")["access_token"])
    clock[0] = START + timedelta(seconds=59)
    assert api.get(CONTACTS).status_code == 200
    clock[0] = START + timedelta(seconds=61)
    assert hint(api.get(CONTACTS)) == "Access token could not be verified"


def test_the_control_switch_expires_every_token(short: SuiteCRMSandbox) -> None:
    api = Api(short.url, password_token(short.url, "admin", "admin-Passw0rd")["access_token"])
    assert requests.post(f"{short.url}/__sandbox__/tokens/expire", timeout=10).json() == {
        "expired": 1
    }
    assert hint(api.get(CONTACTS)) == "Access token could not be verified"
    fresh = Api(short.url, password_token(short.url, "admin", "admin-Passw0rd")["access_token"])
    assert fresh.get(CONTACTS).status_code == 200


def test_logout_revokes_the_token_and_its_refresh_token(short: SuiteCRMSandbox) -> None:
    answer = password_token(short.url, "admin", "admin-Passw0rd")
    api = Api(short.url, answer["access_token"])
    out = api.call("POST", "/Api/V8/logout")
    assert out.json() == {"meta": {"message": "You have been successfully logged out"}, "data": []}
    assert hint(api.get(CONTACTS)) == "Access token has been revoked"
    client_id, secret = DEMO_MOBILE_CLIENT
    refreshed = token_request(
        short.url,
        grant_type="refresh_token",
        client_id=client_id,
        client_secret=secret,
        refresh_token=answer["refresh_token"],
    )
    assert refreshed.status_code == 401
    assert refreshed.json()["hint"] == "Token has been revoked"


def test_refresh_rotates_both_tokens(short: SuiteCRMSandbox, clock: list[datetime]) -> None:
    first = password_token(short.url, "will", "will-Passw0rd")
    client_id, secret = DEMO_MOBILE_CLIENT
    clock[0] = START + timedelta(seconds=30)
    second = token_request(
        short.url,
        grant_type="refresh_token",
        client_id=client_id,
        client_secret=secret,
        refresh_token=first["refresh_token"],
    )
    assert second.status_code == 200
    body = second.json()
    assert (
        body["refresh_token"].startswith("def50200")
        and body["refresh_token"] != first["refresh_token"]
    )
    assert claims(body["access_token"])["sub"] == "seed_will_id"
    assert Api(short.url, body["access_token"]).get(CONTACTS).status_code == 200
    assert (
        hint(Api(short.url, first["access_token"]).get(CONTACTS)) == "Access token has been revoked"
    )
    again = token_request(
        short.url,
        grant_type="refresh_token",
        client_id=client_id,
        client_secret=secret,
        refresh_token=first["refresh_token"],
    )
    assert again.status_code == 401
    assert again.json() == {
        "error": "invalid_request",
        "error_description": "The refresh token is invalid.",
        "hint": "Token has been revoked",
        "message": "The refresh token is invalid.",
    }


def test_a_refresh_token_belongs_to_its_client(short: SuiteCRMSandbox) -> None:
    first = password_token(short.url, "will", "will-Passw0rd")
    short.add_client("other-mobile", "other-secret", "password")
    wrong = token_request(
        short.url,
        grant_type="refresh_token",
        client_id="other-mobile",
        client_secret="other-secret",
        refresh_token=first["refresh_token"],
    )
    assert wrong.json()["hint"] == "Token is not linked to client"
    junk = token_request(
        short.url,
        grant_type="refresh_token",
        client_id="other-mobile",
        client_secret="other-secret",
        refresh_token="def50200abc",
    )
    assert junk.json()["hint"] == "Cannot decrypt the refresh token"


@pytest.mark.parametrize(
    ("form", "status", "body"),
    [
        (
            {
                "grant_type": "password",
                "client_id": RECORDING_CC_CLIENT[0],
                "client_secret": RECORDING_CC_CLIENT[1],
                "username": "admin",
                "password": "admin-Passw0rd",
            },
            401,
            {
                "error": "invalid_client",
                "error_description": "Client authentication failed",
                "message": "Client authentication failed",
            },
        ),
        (
            {
                "grant_type": "password",
                "client_id": DEMO_MOBILE_CLIENT[0],
                "client_secret": DEMO_MOBILE_CLIENT[1],
                "username": "admin",
                "password": "nope",
            },
            500,
            {
                "error": "unknown_error",
                "error_description": "The password is invalid: nope",
                "message": "The password is invalid: nope",
            },
        ),
        (
            {
                "grant_type": "password",
                "client_id": DEMO_MOBILE_CLIENT[0],
                "client_secret": DEMO_MOBILE_CLIENT[1],
                "username": "ghost",
                "password": "x",
            },
            500,
            {
                "error": "unknown_error",
                "error_description": "No user found with this username: ghost",
                "message": "No user found with this username: ghost",
            },
        ),
        (
            {"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"},
            500,
            {
                "error": "unknown_error",
                "error_description": "OAuth2Clients module with id nobody is not found",
                "message": "OAuth2Clients module with id nobody is not found",
            },
        ),
        (
            {"grant_type": "client_credentials", "client_secret": "x"},
            400,
            {
                "error": "invalid_request",
                "error_description": MALFORMED,
                "hint": "Check the `client_id` parameter",
                "message": MALFORMED,
            },
        ),
    ],
)
def test_token_errors(sandbox: SuiteCRMSandbox, form: dict, status: int, body: dict) -> None:
    response = token_request(sandbox.url, **form)
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == body


def test_json_bodies_and_basic_auth_work_too(sandbox: SuiteCRMSandbox) -> None:
    client_id, secret = DEMO_SYNC_CLIENT
    as_json = requests.post(
        f"{sandbox.url}/Api/access_token",
        timeout=10,
        json={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert as_json.status_code == 200
    assert as_json.headers["Content-Type"] == "application/json; charset=UTF-8"
    basic = requests.post(
        f"{sandbox.url}/Api/access_token",
        timeout=10,
        auth=(client_id, secret),
        data={"grant_type": "client_credentials"},
    )
    assert basic.status_code == 200


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "The JWT string must have two dots"),
        ("Bearer not.a.jwt", "Error while decoding from JSON"),
        ("Bearer a.b", "The JWT string must have two dots"),
        (
            "Bearer a$.b.c",
            "Error while decoding from Base64Url, invalid base64 characters detected",
        ),
    ],
)
def test_bad_bearer_tokens(sandbox: SuiteCRMSandbox, header: str | None, expected: str) -> None:
    headers = {"Authorization": header} if header else {}
    response = requests.get(f"{sandbox.url}{CONTACTS}", headers=headers, timeout=10)
    assert hint(response) == expected


def test_a_token_signed_by_someone_else_is_not_verified(sandbox: SuiteCRMSandbox) -> None:
    token = password_token(sandbox.url, "admin", "admin-Passw0rd")["access_token"]
    header, payload, _ = token.split(".")
    forged = f"{header}.{payload}.{base64.urlsafe_b64encode(b'x' * 32).rstrip(b'=').decode()}"
    assert hint(Api(sandbox.url, forged).get(CONTACTS)) == "Access token could not be verified"
    with SuiteCRMSandbox(seed=False, clock=lambda: START) as other:
        assert hint(Api(other.url, token).get(CONTACTS)) == "Access token could not be verified"


def test_the_clock_decides_expiry_not_the_wall_clock() -> None:
    far_future = [datetime(2040, 1, 1, tzinfo=UTC)]
    with SuiteCRMSandbox(seed=False, clock=lambda: far_future[0]) as box:
        token = password_token(box.url, "admin", "admin-Passw0rd")["access_token"]
        assert claims(token)["exp"] == far_future[0].timestamp() + 3600
        assert Api(box.url, token).get(CONTACTS).status_code == 200
