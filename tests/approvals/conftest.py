"""Replies under the compliance policy, managers' approvals and the closed loop, as a rep
and a manager meet them: the real API over HTTP, the seeded SuiteCRM sandbox, a real
Redis, the Facebook Graph sandbox, and real ``socialcrm worker`` processes.

Fixtures of ``tests.mobile.conftest`` are re-exported; ``api_config`` is replaced by one
naming Sarah (``seed_sarah_id``) as the team's manager. Added here:

* ``crm``: the service account's client (set-up and reading back what was written);
* ``facebook``: the Graph sandbox, its demo Page connected (encrypted token in Redis);
* ``worker(*queues)``: one ``socialcrm worker --burst`` process configured as in
  production for this site: the sandboxes' URLs, the shipped compliance policy, a rules
  file naming Sarah as manager;
* ``customer_comment(text, language)``: a visitor's comment on the Page and the inbound
  interaction the sync would have made of it, assigned to Sally;
* ``drain_changes()``: the SuiteCRM change outbox drained to the event stream, as the
  outbox job does.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from connectors.suitecrm import Record, SuiteCRMClient
from mobile_api.config import ApiConfig
from sandboxes.facebook import DEMO_PAGE_ID, FacebookSandbox
from sandboxes.suitecrm import DEMO_MOBILE_CLIENT, DEMO_SYNC_CLIENT, SuiteCRMSandbox
from tests.mobile.conftest import (  # noqa: F401
    ROOT,
    SECRET_KEY,
    Api,
    api,
    api_config_for,
    login,
    max_headers,
    sally_headers,
    suitecrm,
    worker_environment,
)
from workers import crm_outbox
from workers.tokens import NetworkToken, TokenCipher, TokenStore

INTERACTIONS = "SCRM_SocialInteractions"
SALLY = "seed_sally_id"
SARAH = "seed_sarah_id"
MAX = "seed_max_id"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture()
def api_config(redis_url: str, suitecrm: SuiteCRMSandbox) -> ApiConfig:  # noqa: F811
    return api_config_for(redis_url, suitecrm.url, managers=(SARAH,))


@pytest.fixture()
def crm(suitecrm: SuiteCRMSandbox) -> SuiteCRMClient:  # noqa: F811
    return SuiteCRMClient.service_account(suitecrm.url, *DEMO_SYNC_CLIENT)


@pytest.fixture()
def sally_crm(suitecrm: SuiteCRMSandbox) -> SuiteCRMClient:  # noqa: F811
    """Sally's own SuiteCRM session (as she works in SuiteCRM itself)."""
    return SuiteCRMClient.login(suitecrm.url, *DEMO_MOBILE_CLIENT, "sally", "sally-Passw0rd")


@pytest.fixture()
def sarah_headers(login: Callable[[str], dict[str, str]]) -> dict[str, str]:  # noqa: F811
    return login("sarah")


@pytest.fixture()
def admin_headers(login: Callable[[str], dict[str, str]]) -> dict[str, str]:  # noqa: F811
    return login("admin")


@pytest.fixture()
def facebook(api: Api) -> Iterator[FacebookSandbox]:  # noqa: F811
    with FacebookSandbox() as running:
        TokenStore(api.redis, TokenCipher(SECRET_KEY)).save(
            NetworkToken("facebook", DEMO_PAGE_ID, running.page_token))
        yield running


@pytest.fixture()
def worker(api: Api, facebook: FacebookSandbox,  # noqa: F811
           tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    rules = tmp_path / "rules.toml"
    rules.write_text(f'[team]\nmanagers = ["{SARAH}"]\n', encoding="utf-8")
    env = worker_environment(api.redis_url, api.suitecrm_url)
    env.update({"FACEBOOK_GRAPH_URL": facebook.url, "FACEBOOK_APP_ID": facebook.app_id,
                "FACEBOOK_APP_SECRET": facebook.app_secret,
                "SOCIALCRM_RULES_FILE": str(rules)})

    def run(*queues: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "socialcrm", "worker", "--burst"]
        for name in queues or ("crm",):
            command += ["--queues", name]
        try:
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                                  timeout=180, env=env)
        except subprocess.TimeoutExpired as exc:
            raise AssertionError(f"worker hung: {exc.stdout!r} {exc.stderr!r}") from None
        assert done.returncode == 0, done.stdout + done.stderr
        return done
    return run


@pytest.fixture()
def customer_comment(facebook: FacebookSandbox,
                     crm: SuiteCRMClient) -> Callable[..., tuple[Record, str]]:
    """A visitor's comment on the Page's first post and its inbound interaction."""
    def make(text: str, *, language: str = "ru", author: str = "Ольга",
             case_id: str | None = None) -> tuple[Record, str]:
        post_id = next(node["id"] for node in facebook.store.nodes.values()
                       if node["__type"] == "post")
        comment = facebook.add_visitor_comment(post_id, text, author_id="100000000000099",
                                               author_name=author)
        attributes: dict[str, Any] = {
            "name": text[:40], "network": "facebook", "external_id": comment["id"],
            "kind": "comment", "direction": "inbound", "status": "assigned",
            "thread_external_id": post_id, "parent_external_id": post_id, "body": text,
            "author_name": author, "language": language, "occurred_at": datetime.now(UTC),
            "assigned_user_id": SALLY}
        if case_id:
            attributes["case_id"] = case_id
        return crm.create(INTERACTIONS, attributes), comment["id"]
    return make


def page_replies(facebook: FacebookSandbox, text: str) -> list[dict[str, Any]]:
    """The Page's own comments with exactly ``text``."""
    return [node for node in facebook.store.nodes.values()
            if node["__type"] == "comment" and node["from"] == DEMO_PAGE_ID
            and node["message"] == text]


def reply(api: Api, headers: dict[str, str], interaction: Record,  # noqa: F811
          text: str) -> str:
    answer = api("POST", "/updates", json={"type": "reply", "interaction_id": interaction.id,
                                           "text": text},
                 headers={**headers, "Idempotency-Key": unique("key")})
    assert answer.status_code == 202, answer.text
    return str(answer.json()["id"])


def update_state(api: Api, headers: dict[str, str], update_id: str) -> dict[str, Any]:  # noqa: F811
    answer = api("GET", f"/updates/{update_id}", headers=headers)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def ok(answer: requests.Response, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json() if answer.content else None


@pytest.fixture()
def drain_changes(api: Api, crm: SuiteCRMClient) -> Callable[[], None]:  # noqa: F811
    """Drain SuiteCRM's change outbox onto the event stream; changes made before the
    test (earlier tests of the module share the sandbox) are skipped first."""
    def skip(*_: Any) -> None:
        return None

    crm_outbox.drain(api.redis, crm, apply=skip)

    def drain() -> None:
        crm_outbox.drain(api.redis, crm)
    return drain


def feed_alerts(api: Api, headers: dict[str, str]) -> list[dict[str, Any]]:  # noqa: F811
    """The alert items of the rep's feed, newest first (through the API)."""
    page = ok(api("GET", "/feed?type=alert&limit=50", headers=headers))
    items: list[dict[str, Any]] = page["items"]
    return items
