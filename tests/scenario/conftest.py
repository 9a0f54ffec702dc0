"""Everything the day runs on, real and on loopback: the SocialCRM API (webhook receivers
and the mobile API in one app, as deployed), a real Redis, the SuiteCRM sandbox with the
package and no demo data (the figures are exactly the day's records), the Facebook Graph
sandbox with its Page connected, and real ``socialcrm worker --burst`` processes.

The mobile API's fixtures (``tests.mobile.conftest``) are reused: ``api``, ``login``.
Added here:

* ``rules_file``: the site's rules: Sarah and Will are the managers, complaints on the
  Page go to Sally and the rest to Max, and the SLA targets ``tests.scenario.day``
  computes with;
* ``worker(*queues)``: one ``socialcrm worker --burst`` on those queues, configured from
  the environment as in production; it fails the test when any job failed;
* ``player``: plays a planned day on the sandboxes and sends its webhooks to the API.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
import requests
from rq.job import Job
from rq.registry import FailedJobRegistry

from connectors.suitecrm import SuiteCRMClient
from mobile_api.config import ApiConfig
from sandboxes.facebook import FacebookSandbox
from sandboxes.suitecrm import DEMO_SYNC_CLIENT, SuiteCRMSandbox
from tests.mobile.conftest import (  # noqa: F401 (fixtures)
    ROOT,
    SECRET_KEY,
    Api,
    api,
    api_config_for,
    login,
    worker_environment,
)
from tests.scenario.day import PAGE
from tests.scenario.playback import Player
from workers.queues import PURPOSES, queue_name
from workers.tokens import NetworkToken, TokenCipher, TokenStore

SALLY, MAX, SARAH, WILL = "seed_sally_id", "seed_max_id", "seed_sarah_id", "seed_will_id"
MANAGERS = (SARAH, WILL)
LINKEDIN_SECRET = "li-client-secret-for-the-day"
RULES = f"""
[team]
managers = ["{SARAH}", "{WILL}"]

[cases.routing]
rules = ["page_owner", "fallback"]
page_owners = {{ "{PAGE}" = "{SALLY}" }}
fallback_user_id = "{MAX}"

[cases.sla]
default = "2h"
by_priority = {{ P1 = "1h", P2 = "1h", P3 = "1h" }}
by_kind = {{ message = "30m" }}
by_network = {{ linkedin = "3h" }}
"""
WORKER_TIMEOUT = 300


@pytest.fixture()
def suitecrm() -> Iterator[SuiteCRMSandbox]:
    with SuiteCRMSandbox(port=0, seed=False, with_plugin=True) as running:
        yield running


@pytest.fixture()
def crm(suitecrm: SuiteCRMSandbox) -> SuiteCRMClient:
    return SuiteCRMClient.service_account(suitecrm.url, *DEMO_SYNC_CLIENT)


@pytest.fixture()
def facebook(redis_client: redis.Redis) -> Iterator[FacebookSandbox]:
    """The Graph sandbox, its Page connected (the token encrypted in Redis)."""
    with FacebookSandbox() as running:
        TokenStore(redis_client, TokenCipher(SECRET_KEY)).save(
            NetworkToken("facebook", PAGE, running.page_token))
        yield running


@pytest.fixture()
def api_config(redis_url: str, suitecrm: SuiteCRMSandbox,
               facebook: FacebookSandbox) -> ApiConfig:
    return api_config_for(redis_url, suitecrm.url, facebook_app_secret=facebook.app_secret,
                          linkedin_client_secret=LINKEDIN_SECRET, managers=MANAGERS)


@pytest.fixture()
def rules_file(tmp_path: Path) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(RULES, encoding="utf-8")
    return path


@pytest.fixture()
def worker(api: Api, facebook: FacebookSandbox,  # noqa: F811
           rules_file: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    env = worker_environment(api.redis_url, api.suitecrm_url)
    env.update({"FACEBOOK_GRAPH_URL": facebook.url, "FACEBOOK_APP_ID": facebook.app_id,
                "FACEBOOK_APP_SECRET": facebook.app_secret,
                "SOCIALCRM_RULES_FILE": str(rules_file)})

    def run(*queues: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "socialcrm", "worker", "--burst"]
        for name in queues:
            command += ["--queues", name]
        try:
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                                  timeout=WORKER_TIMEOUT, env=env)
        except subprocess.TimeoutExpired as exc:
            raise AssertionError(f"worker hung: {exc.stdout!r} {exc.stderr!r}") from None
        assert done.returncode == 0, done.stdout + done.stderr
        assert failed_jobs(api.redis, queues) == [], done.stderr
        return done
    return run


def failed_jobs(client: redis.Redis, purposes: tuple[str, ...]) -> list[str]:
    """Each failed job of those queues, with the last line of its error."""
    found = []
    for purpose in PURPOSES:
        if purpose not in purposes:
            continue
        registry = FailedJobRegistry(queue_name(purpose), connection=client)
        for job in Job.fetch_many(registry.get_job_ids(), connection=client):
            if job is not None:
                error = (job.exc_info or "").strip().splitlines()
                found.append(f"{job.func_name}{job.args!r}: {error[-1] if error else '?'}")
    return found


@pytest.fixture()
def player(api: Api, facebook: FacebookSandbox) -> Iterator[Player]:  # noqa: F811
    with requests.Session() as http:
        yield Player(api.url, facebook, facebook.app_secret, LINKEDIN_SECRET, http)
