"""Real parts for the operations tests: Redis, the three sandboxes over HTTP, a LinkedIn
OAuth host, and the real ``socialcrm`` command run in child processes.

The settings are connected mode pointed at the sandboxes (what an installation with a
real SuiteCRM and real networks looks like, with loopback URLs instead), so every
command under test builds its clients from the environment exactly as in production.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from sandboxes.facebook import FacebookSandbox
from sandboxes.linkedin import CLIENT_ID, CLIENT_SECRET, LinkedInSandbox
from sandboxes.suitecrm import DEMO_MOBILE_CLIENT, DEMO_SYNC_CLIENT, SuiteCRMSandbox
from tests.ops.linkedin_oauth import OAuthHost, serving
from tests.system.conftest import child_env
from workers.tokens import TokenCipher, TokenStore

ROOT = Path(__file__).resolve().parents[2]
GRAPH_VERSION = "v25.0"


@pytest.fixture(scope="module")
def suitecrm() -> Iterator[SuiteCRMSandbox]:
    with SuiteCRMSandbox(port=0, seed=True, with_plugin=True) as running:
        yield running


@pytest.fixture()
def facebook() -> Iterator[FacebookSandbox]:
    with FacebookSandbox() as running:
        yield running


@pytest.fixture(scope="module")
def shared_linkedin() -> Iterator[LinkedInSandbox]:
    with LinkedInSandbox(quiet=True) as running:
        yield running


@pytest.fixture()
def linkedin(shared_linkedin: LinkedInSandbox) -> LinkedInSandbox:
    return shared_linkedin.reset()


@pytest.fixture()
def oauth(linkedin: LinkedInSandbox) -> Iterator[OAuthHost]:
    with serving(linkedin) as host:
        yield host


@pytest.fixture()
def secret_key() -> str:
    return secrets.token_urlsafe(40)


@pytest.fixture()
def env(redis_url: str, redis_client: redis.Redis, suitecrm: SuiteCRMSandbox,
        facebook: FacebookSandbox, linkedin: LinkedInSandbox, oauth: OAuthHost,
        secret_key: str, tmp_path: Path) -> dict[str, str]:
    """The child processes' environment: connected mode on the sandboxes (on a Redis
    flushed before and after the test)."""
    return child_env(
        REDIS_URL=redis_url, SOCIALCRM_SECRET_KEY=secret_key,
        SOCIALCRM_DATA_DIR=str(tmp_path), SOCIALCRM_HTTP_TIMEOUT="5",
        SUITECRM_URL=suitecrm.url,
        SUITECRM_CLIENT_ID=DEMO_SYNC_CLIENT[0], SUITECRM_CLIENT_SECRET=DEMO_SYNC_CLIENT[1],
        SUITECRM_PASSWORD_CLIENT_ID=DEMO_MOBILE_CLIENT[0],
        SUITECRM_PASSWORD_CLIENT_SECRET=DEMO_MOBILE_CLIENT[1],
        FACEBOOK_GRAPH_URL=facebook.url, FACEBOOK_GRAPH_VERSION=GRAPH_VERSION,
        FACEBOOK_APP_ID=facebook.app_id, FACEBOOK_APP_SECRET=facebook.app_secret,
        LINKEDIN_API_URL=linkedin.url, LINKEDIN_CLIENT_ID=CLIENT_ID,
        LINKEDIN_CLIENT_SECRET=CLIENT_SECRET, LINKEDIN_OAUTH_URL=oauth.url,
        PYTHONPATH=str(ROOT))


@dataclass(frozen=True)
class Done:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


Run = Callable[..., Done]


@pytest.fixture()
def run(env: dict[str, str]) -> Run:
    """The real command in a child process: ``run("jobs", "list", input=..., env=...)``."""

    def command(*args: str, input: str | None = None, timeout: float = 90,
                environment: dict[str, str] | None = None) -> Done:
        done = subprocess.run([sys.executable, "-m", "socialcrm", *args], cwd=ROOT,
                              env=environment or env, input=input if input is not None else "",
                              capture_output=True, text=True, timeout=timeout, check=False)
        return Done(done.returncode, done.stdout, done.stderr)

    return command


@pytest.fixture()
def store(redis_client: redis.Redis, secret_key: str) -> TokenStore:
    """The token store as the commands see it (same Redis, same key)."""
    return TokenStore(redis_client, TokenCipher(secret_key))
