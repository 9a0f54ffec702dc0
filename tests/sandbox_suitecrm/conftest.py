"""Fixtures: sandboxes served over real HTTP on loopback, and a small API helper.

``demo`` is one seeded sandbox shared by a test module (tests that only read from it);
``sandbox`` is a fresh sandbox without demo data for tests that change state. Both have
a settable clock (``clock[0]``) so date rules can be checked without waiting.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from sandboxes.suitecrm import DEMO_MOBILE_CLIENT, DEMO_SYNC_CLIENT, SuiteCRMSandbox

START = datetime(2026, 11, 22, 8, 0, 0, tzinfo=UTC)
JSON_API = "application/vnd.api+json"


class Api:
    """A logged-in session against a sandbox (no client library on purpose)."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.base_url = base_url
        self.token = token

    def call(self, method: str, path: str, *, body: Any = None, **kwargs: Any) -> requests.Response:
        headers = {"Accept": JSON_API}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if body is not None:
            headers["Content-Type"] = JSON_API
            kwargs["json"] = body
        return requests.request(
            method, f"{self.base_url}{path}", headers=headers, timeout=10, **kwargs
        )

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.call("GET", path, **kwargs)

    def create(
        self, module: str, attributes: dict[str, Any], record_id: str | None = None
    ) -> dict[str, Any]:
        data: dict[str, Any] = {"type": module, "attributes": attributes}
        if record_id:
            data["id"] = record_id
        response = self.call("POST", "/Api/V8/module", body={"data": data})
        assert response.status_code == 201, response.text
        return response.json()["data"]

    def patch(self, module: str, record_id: str, attributes: dict[str, Any]) -> requests.Response:
        body = {"data": {"type": module, "id": record_id, "attributes": attributes}}
        return self.call("PATCH", "/Api/V8/module", body=body)


def password_token(base_url: str, user_name: str, password: str) -> dict[str, Any]:
    client_id, secret = DEMO_MOBILE_CLIENT
    form = {
        "grant_type": "password",
        "client_id": client_id,
        "client_secret": secret,
        "username": user_name,
        "password": password,
    }
    response = requests.post(f"{base_url}/Api/access_token", data=form, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def sync_token(base_url: str) -> str:
    client_id, secret = DEMO_SYNC_CLIENT
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    response = requests.post(f"{base_url}/Api/access_token", data=form, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def login(base_url: str, user_name: str = "admin", password: str | None = None) -> Api:
    password = password or f"{user_name}-Passw0rd"
    return Api(base_url, password_token(base_url, user_name, password)["access_token"])


@pytest.fixture()
def clock() -> list[datetime]:
    return [START]


@pytest.fixture()
def sandbox(clock: list[datetime]) -> Iterator[SuiteCRMSandbox]:
    # Tokens outlive the clock jumps the date tests make; token tests build their own.
    with SuiteCRMSandbox(seed=False, clock=lambda: clock[0], token_ttl=864000) as running:
        yield running


@pytest.fixture()
def admin(sandbox: SuiteCRMSandbox) -> Api:
    return login(sandbox.url)


@pytest.fixture(scope="module")
def demo() -> Iterator[SuiteCRMSandbox]:
    with SuiteCRMSandbox(seed=True, clock=lambda: START) as running:
        yield running
