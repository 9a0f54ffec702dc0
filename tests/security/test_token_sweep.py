"""Forged, tampered, expired and revoked tokens are refused by EVERY route of the API
(issue 12, Security: "forged, expired and revoked tokens rejected").

``tests/mobile/test_auth.py`` checks ``/auth/me`` with each kind of bad token; here every
operation of the OpenAPI document is called with each (routes added later are swept
too), and each must answer 401 with a Bearer challenge before doing anything: no 403,
404, 409 or 422 that would tell the caller something about the route or the data, and
nothing stored.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.mobile.conftest import PREFIX, Api
from workers import rep_sessions

PUBLIC = {("POST", "/auth/token"), ("POST", "/auth/refresh")}
SAMPLE_ID = "5f0c2a9e-0000-4000-8000-00000000a11e"


def operations(api: Api) -> list[tuple[str, str]]:
    """(method, path under /api/v1 with its parameters filled) of every operation."""
    spec = api("GET", "/openapi.json").json()
    found = []
    for path, methods in spec["paths"].items():
        for method in methods:
            if method in ("get", "post", "put", "patch", "delete"):
                filled = re.sub(r"\{[^}]+\}", SAMPLE_ID, path.removeprefix(PREFIX))
                found.append((method.upper(), filled))
    return found


def bad_tokens(api: Api, login: Callable[[str], dict[str, str]]) -> dict[str, str]:
    """Each kind of token that must not open anything, made for real where it can be."""
    fresh = api("POST", "/auth/token", json={"username": "sally",
                                             "password": "sally-Passw0rd"}).json()
    access, refresh = str(fresh["access_token"]), str(fresh["refresh_token"])
    tampered = access[:-1] + ("A" if access[-1] != "A" else "B")

    logged_out = api("POST", "/auth/token", json={"username": "max",
                                                  "password": "max-Passw0rd"}).json()
    revoked = str(logged_out["access_token"])
    assert api("DELETE", "/auth/token",
               headers={"Authorization": f"Bearer {revoked}"}).status_code == 204

    rotated = api("POST", "/auth/token", json={"username": "will",
                                               "password": "will-Passw0rd"}).json()
    renewed = api("POST", "/auth/refresh", json={"refresh_token": rotated["refresh_token"]})
    assert renewed.status_code == 200

    expiring = api("POST", "/auth/token", json={"username": "chris",
                                                "password": "chris-Passw0rd"}).json()
    expired = str(expiring["access_token"])
    key = rep_sessions.ACCESS + hashlib.sha256(expired.encode()).hexdigest()
    assert api.redis.pexpire(key, 1), "an access token lives as its hash's time to live"
    while api.redis.exists(key):  # its hour is over
        time.sleep(0.01)
    return {
        "forged": "f" * 43, "tampered": tampered, "refresh token as access": refresh,
        "revoked by logout": revoked, "replaced by a refresh": str(rotated["access_token"]),
        "expired": expired, "empty": "", "not bearer": "",
    }


@pytest.fixture()
def tokens(api: Api, login: Callable[[str], dict[str, str]]) -> dict[str, str]:
    return bad_tokens(api, login)


def test_every_route_refuses_every_bad_token(api: Api, tokens: dict[str, str]) -> None:
    keys_before = set(api.redis.scan_iter())
    wrong = []
    for method, path in operations(api):
        if (method, path) in PUBLIC or path.startswith(("/openapi", "/docs")):
            continue
        for kind, token in tokens.items():
            header = f"Basic {token or 'c2FsbHk6eA=='}" if kind == "not bearer" \
                else f"Bearer {token}"
            options: dict[str, Any] = {"headers": {"Authorization": header,
                                                   "Idempotency-Key": "sweep-key"}}
            if method in ("POST", "PUT", "PATCH"):
                options["json"] = {}
            answer = api(method, path, **options)
            challenged = answer.headers.get("WWW-Authenticate", "").startswith("Bearer")
            if answer.status_code != 401 or not challenged:
                wrong.append(f"{method} {path} with a {kind} token: {answer.status_code}")
    assert wrong == []
    assert set(api.redis.scan_iter()) <= keys_before | _login_throttle_keys(api), \
        "nothing stored for a refused request"


def test_the_sweep_covers_the_routes_reps_use(api: Api) -> None:
    """The OpenAPI document lists the routes (so the sweep is not vacuous)."""
    listed = {path for _, path in operations(api)}
    for route in ("/feed", "/updates", "/approvals", "/drafts", "/inbox", "/metrics",
                  "/goals", f"/records/contacts/{SAMPLE_ID}"):
        assert route in listed, sorted(listed)


def test_a_refresh_token_is_not_an_access_token_and_back(api: Api) -> None:
    tokens = api("POST", "/auth/token", json={"username": "sally",
                                              "password": "sally-Passw0rd"}).json()
    assert api("GET", "/auth/me", headers={
        "Authorization": f"Bearer {tokens['refresh_token']}"}).status_code == 401
    assert api("POST", "/auth/refresh",
               json={"refresh_token": tokens["access_token"]}).status_code == 401
    assert api("GET", "/auth/me", headers={
        "Authorization": f"Bearer {tokens['access_token']}"}).status_code == 200, \
        "a refused refresh with the access token does not end the session"


def _login_throttle_keys(api: Api) -> set[bytes]:
    from workers.login_throttle import PREFIX as THROTTLE

    return set(api.redis.scan_iter(THROTTLE + "*"))
