"""Messenger end to end: the Graph sandbox and the seeded SuiteCRM sandbox over HTTP, the
real API (webhook receiver and quick updates), a real Redis and real ``socialcrm worker
--burst`` processes built from the settings, as in production (sync rules with the SLA,
the shipped compliance policy, the Page's token in the encrypted store).

Fixtures (the mobile API's are re-exported from ``tests.mobile.conftest``):

* ``facebook``: a fresh Graph sandbox per test, without seed data, its Page connected;
* ``messenger``: what a test does with it: customers write (``customer_writes``), the
  Page answers from its own inbox (``page_answers``), Meta delivers the webhooks
  (``deliver``), workers run (``work``), polls are queued (``poll``).

The SuiteCRM sandbox lives for the module: every test uses customers of its own (PSIDs),
and the Graph sandbox gives message ids unique across runs, so records never mix.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from connectors.facebook import FacebookClient, GraphConfig
from connectors.facebook.messenger import conversation_key
from connectors.suitecrm import Filter, Record, SuiteCRMClient
from mobile_api.config import ApiConfig
from sandboxes.facebook import DEMO_VERIFY_TOKEN, FacebookSandbox, send_facebook_webhook
from sandboxes.suitecrm import DEMO_SYNC_CLIENT, SuiteCRMSandbox
from tests.mobile.conftest import (  # noqa: F401 (fixtures)
    ROOT,
    SECRET_KEY,
    Api,
    api,
    api_config_for,
    login,
    sally_headers,
    suitecrm,
    worker_environment,
)
from workers import connections
from workers.jobs import poll
from workers.tokens import NetworkToken, TokenCipher, TokenStore

INTERACTIONS = "SCRM_SocialInteractions"
GRAPH_VERSION = "v25.0"
SALLY = "seed_sally_id"


@pytest.fixture()
def facebook() -> Iterator[FacebookSandbox]:
    with FacebookSandbox(seed=False) as running:
        yield running


@pytest.fixture()
def api_config(redis_url: str, suitecrm: SuiteCRMSandbox,  # noqa: F811
               facebook: FacebookSandbox) -> ApiConfig:
    return api_config_for(redis_url, suitecrm.url, facebook_app_secret=facebook.app_secret,
                          facebook_verify_token=DEMO_VERIFY_TOKEN)


@pytest.fixture()
def crm(suitecrm: SuiteCRMSandbox) -> SuiteCRMClient:  # noqa: F811
    return SuiteCRMClient.service_account(suitecrm.url, *DEMO_SYNC_CLIENT)


def psid() -> str:
    """A customer's page-scoped id, new for each test (digits, as Meta's)."""
    return str(10**15 + secrets.randbelow(10**15))


@dataclass
class Messenger:
    api: Api
    facebook: FacebookSandbox
    crm: SuiteCRMClient
    env: dict[str, str]

    @property
    def page_id(self) -> str:
        return self.facebook.page_id

    def thread(self, customer: str) -> str:
        key = conversation_key(self.page_id, customer)
        assert key is not None
        return key

    def customer_writes(self, customer: str, text: str, *, ts: int | None = None,
                        name: str = "Анна Ли") -> str:
        """The customer's message in the Page's Messenger inbox; its id."""
        return str(self.facebook.add_visitor_message(customer, text, user_name=name,
                                                     ts=ts)["id"])

    def page_answers(self, customer: str, text: str) -> str:
        """The Page answers from its own inbox (not through the CRM): the Send API."""
        config = GraphConfig(version=GRAPH_VERSION, base_url=self.facebook.url,
                             app_id=self.facebook.app_id,
                             app_secret=self.facebook.app_secret, timeout=5.0)
        page = FacebookClient(config, access_token=self.facebook.page_token)
        return page.send_message(self.page_id, customer, text).message_id

    def deliver(self, *message_ids: str) -> None:
        """Meta's webhook for each message (an echo for the Page's own), signed."""
        for mid in message_ids:
            answer = send_facebook_webhook(f"{self.api.url}/webhooks/facebook",
                                           self.facebook.app_secret,
                                           self.facebook.message_event(mid),
                                           session=self.api.http)
            assert answer.status_code == 200, answer.text

    def poll(self) -> None:
        assert poll.enqueue_poll(self.api.redis, "facebook", self.page_id)

    def work(self, *queues: str) -> None:
        """One real ``socialcrm worker --burst`` on ``queues`` until they are empty."""
        command = [sys.executable, "-m", "socialcrm", "worker", "--burst"]
        for name in queues:
            command += ["--queues", name]
        try:
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                                  timeout=120, env=self.env)
        except subprocess.TimeoutExpired as exc:
            raise AssertionError(f"worker hung: {exc.stdout!r} {exc.stderr!r}") from None
        assert done.returncode == 0, done.stdout + done.stderr

    def interaction(self, external_id: str) -> Record:
        (record,) = self.interactions(external_id=external_id)
        return record

    def interactions(self, **where: str) -> list[Record]:
        return list(self.crm.iterate(INTERACTIONS, filter=Filter.where(**where)))


@pytest.fixture()
def messenger(api: Api, facebook: FacebookSandbox, crm: SuiteCRMClient,  # noqa: F811
              redis_url: str) -> Messenger:
    """The Page connected (its token encrypted in Redis, as ``socialcrm connect`` leaves
    it) and the workers' environment pointed at the sandboxes."""
    TokenStore(api.redis, TokenCipher(SECRET_KEY)).save(
        NetworkToken("facebook", facebook.page_id, facebook.page_token))
    connections.add(api.redis, connections.Connection(
        network="facebook", account_id=facebook.page_id, name="Sandbox Page",
        connected_by="tests", connected_at=datetime.now(UTC)))
    env = {**worker_environment(redis_url, api.suitecrm_url),
           "FACEBOOK_GRAPH_URL": facebook.url, "FACEBOOK_GRAPH_VERSION": GRAPH_VERSION,
           "FACEBOOK_APP_ID": facebook.app_id, "FACEBOOK_APP_SECRET": facebook.app_secret}
    return Messenger(api, facebook, crm, env)
