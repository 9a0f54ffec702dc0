"""The mobile API held to its own OpenAPI document, over HTTP on loopback.

Fixtures: those of ``tests/mobile/conftest.py`` (the real app, the seeded SuiteCRM
sandbox, a real Redis), plus ``rep_sessions``: bearer tokens of one seeded rep, taken
before any test sends a wrong password; ``fill_feed``; ``document`` (the served OpenAPI
document) and ``send`` (a request as ``sally``).

Why the tokens are taken first: the fuzzer sends wrong passwords to ``POST /auth/token``,
and failed logins are throttled per user name *and per address* (every request here
comes from 127.0.0.1), so after a few dozen guesses nobody on loopback can log in for
15 minutes. Sessions opened beforehand stay valid; the throttle only guards new logins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from connectors.suitecrm import SuiteCRMClient
from mobile_api.config import ApiConfig
from sandboxes.suitecrm import DEMO_SYNC_CLIENT, SuiteCRMSandbox
from tests.mobile.conftest import (  # noqa: F401
    Api,
    api,
    api_config_for,
    login,
    max_headers,
    run_worker,
    sally_headers,
    suitecrm,
)
from workers.feed_rebuild import rebuild

FUZZ_REP, FUZZ_REP_ID = "will", "seed_will_id"  # a rep no other test here logs in as
SPARE_SESSIONS = 30  # enough for every generated call of a session-ending operation


@pytest.fixture()
def api_config(redis_url: str, suitecrm: SuiteCRMSandbox) -> ApiConfig:  # noqa: F811
    """The fuzzing rep is one of the team's managers, so the managers' operations
    (approvals) answer with data, not only their 403."""
    return api_config_for(redis_url, suitecrm.url, managers=(FUZZ_REP_ID,))


@dataclass
class RepSessions:
    """One rep's tokens: a ``shared`` one for every call, ``spares`` for logouts.

    A logout revokes the token it is called with; each call of a session-ending operation
    gets a spare of its own, so the shared session survives the whole run.
    """

    user_name: str
    shared: str
    spares: list[str] = field(default_factory=list)

    def take_spare(self) -> str:
        if not self.spares:
            raise AssertionError(
                f"the {SPARE_SESSIONS} spare sessions are used up: raise SPARE_SESSIONS")
        return self.spares.pop()


def log_in(served: Api, user_name: str) -> str:
    answer = served("POST", "/auth/token",
                    json={"username": user_name, "password": f"{user_name}-Passw0rd"})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


@pytest.fixture()
def rep_sessions(api: Api) -> RepSessions:  # noqa: F811 (the fixture)
    return RepSessions(FUZZ_REP, log_in(api, FUZZ_REP),
                       [log_in(api, FUZZ_REP) for _ in range(SPARE_SESSIONS)])


@pytest.fixture()
def fill_feed(api: Api, suitecrm: SuiteCRMSandbox  # noqa: F811 (the fixtures)
              ) -> Callable[[str], int]:
    """``fill_feed(user_id)`` builds that rep's timeline from the seeded SuiteCRM the way
    ``socialcrm feed rebuild`` does, so feed answers carry real items (non-ASCII titles
    included) for the schema checks; answers how many items it published."""
    def fill(user_id: str) -> int:
        crm = SuiteCRMClient.service_account(suitecrm.url, *DEMO_SYNC_CLIENT)
        summary = rebuild(api.redis, crm, since=datetime(2000, 1, 1, tzinfo=UTC),
                          user=user_id)
        return int(summary.published)
    return fill


@pytest.fixture()
def document(api: Api) -> dict[str, Any]:  # noqa: F811 (the fixture)
    """The OpenAPI document the running app serves."""
    answer = api("GET", "/openapi.json")
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


@pytest.fixture()
def send(api: Api, sally_headers: dict[str, str]  # noqa: F811 (the fixtures)
         ) -> Callable[..., requests.Response]:
    """A request to ``/api/v1`` + path as the rep ``sally``."""
    def request(method: str, path: str, **options: Any) -> requests.Response:
        headers = {**sally_headers, **options.pop("headers", {})}
        return api(method, path, headers=headers, **options)
    return request
