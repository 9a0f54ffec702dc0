"""Polling on the sandboxes over HTTP: a fresh SuiteCRM (with the SocialCRM package), a
fresh Facebook Page and LinkedIn organization per test, and the real Redis.

Each test gets its own sandboxes (they start in milliseconds), so the records a poll
creates in SuiteCRM are exactly those of the test's own Page.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis

from connectors.facebook import FacebookClient, GraphConfig
from connectors.linkedin import LinkedInClient, LinkedInConfig
from connectors.suitecrm import Record, SuiteCRMClient
from connectors.transport import CallCounter, RetryPolicy
from sandboxes.facebook import FacebookSandbox
from sandboxes.linkedin import SANDBOX_TOKEN, LinkedInSandbox, SeedPlan
from sandboxes.suitecrm import DEMO_MOBILE_CLIENT, DEMO_SYNC_CLIENT, SuiteCRMSandbox
from tests.system.conftest import child_env
from tests.webhooks.conftest import api_config, http, service  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parents[2]
FAST_RETRY = RetryPolicy(max_attempts=2, base_delay=0.01, jitter=lambda: 0.0)
INTERACTIONS = "SCRM_SocialInteractions"
GRAPH_VERSION = "v25.0"
LINKEDIN_VERSION = datetime.now(UTC).strftime("%Y%m")  # the sandbox serves a year back


@pytest.fixture()
def suitecrm() -> Iterator[SuiteCRMSandbox]:
    with SuiteCRMSandbox(port=0, seed=False, with_plugin=True) as running:
        yield running


@pytest.fixture()
def crm(suitecrm: SuiteCRMSandbox) -> SuiteCRMClient:
    return crm_client(suitecrm)


def crm_client(suitecrm: SuiteCRMSandbox, **options: object) -> SuiteCRMClient:
    return SuiteCRMClient.service_account(suitecrm.url, *DEMO_SYNC_CLIENT, timeout=5.0,
                                          retry=FAST_RETRY, counter=CallCounter(),
                                          **options)  # type: ignore[arg-type]


@pytest.fixture()
def facebook_sandbox() -> Iterator[FacebookSandbox]:
    """A small Page: old posts with comments and replies, one lead form (no Messenger)."""
    with FacebookSandbox(seed=False) as running:
        running.load_large_page(posts=6, comments=30, distribution="irregular",
                                reply_ratio=0.3, forms=1, leads_per_form=3)
        yield running


@pytest.fixture()
def facebook(facebook_sandbox: FacebookSandbox) -> FacebookClient:
    config = GraphConfig(version=GRAPH_VERSION, base_url=facebook_sandbox.url,
                         app_id=facebook_sandbox.app_id, app_secret=facebook_sandbox.app_secret,
                         retry=RetryPolicy(jitter=lambda: 0.0), sleep=lambda _: None,
                         timeout=5.0)
    return FacebookClient(config, access_token=facebook_sandbox.page_token,
                          counter=CallCounter())


@pytest.fixture()
def linkedin_sandbox() -> Iterator[LinkedInSandbox]:
    plan = SeedPlan(posts=6, comments_per_post=4, reply_ratio=0.3, lead_responses=5,
                    test_leads=1, follower_days=3)
    with LinkedInSandbox(plan=plan, quiet=True) as running:
        yield running


@pytest.fixture()
def linkedin(linkedin_sandbox: LinkedInSandbox) -> LinkedInClient:
    config = LinkedInConfig(version=LINKEDIN_VERSION, base_url=linkedin_sandbox.url,
                            sleep=lambda _: None, timeout=5.0)
    return LinkedInClient(config, access_token=SANDBOX_TOKEN, counter=CallCounter())


def interactions(crm: SuiteCRMClient) -> list[Record]:
    """Every Social Interaction SuiteCRM holds."""
    return list(crm.iterate(INTERACTIONS, page_size=100))


def by_external_id(crm: SuiteCRMClient) -> dict[str, list[Record]]:
    found: dict[str, list[Record]] = {}
    for record in interactions(crm):
        found.setdefault(str(record["external_id"]), []).append(record)
    return found


def graph_comment_ids(sandbox: FacebookSandbox) -> set[str]:
    return set(sandbox.store.ids_of("comment"))


@pytest.fixture()
def env(redis_url: str, redis_client: redis.Redis, suitecrm: SuiteCRMSandbox,
        facebook_sandbox: FacebookSandbox, tmp_path: Path) -> dict[str, str]:
    """A child process's environment: connected mode on the test's sandboxes."""
    return child_env(
        REDIS_URL=redis_url, SOCIALCRM_SECRET_KEY=secrets.token_urlsafe(40),
        SOCIALCRM_DATA_DIR=str(tmp_path), SOCIALCRM_HTTP_TIMEOUT="5",
        SUITECRM_URL=suitecrm.url,
        SUITECRM_CLIENT_ID=DEMO_SYNC_CLIENT[0], SUITECRM_CLIENT_SECRET=DEMO_SYNC_CLIENT[1],
        SUITECRM_PASSWORD_CLIENT_ID=DEMO_MOBILE_CLIENT[0],
        SUITECRM_PASSWORD_CLIENT_SECRET=DEMO_MOBILE_CLIENT[1],
        FACEBOOK_GRAPH_URL=facebook_sandbox.url, FACEBOOK_GRAPH_VERSION=GRAPH_VERSION,
        FACEBOOK_APP_ID=facebook_sandbox.app_id,
        FACEBOOK_APP_SECRET=facebook_sandbox.app_secret, PYTHONPATH=str(ROOT))


def socialcrm(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """The real command in a child process."""
    return subprocess.run([sys.executable, "-m", "socialcrm", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
