"""The running system a webhook storm is sent to: the SuiteCRM and Facebook sandboxes,
Redis with AOF, the API under gunicorn and ``socialcrm worker`` processes, on loopback.

The same processes as ``reliability.stack`` (``reliability.processes`` starts them), with
what the webhook path needs besides: the networks' webhook secrets for the API, the
Graph sandbox's address and app for the workers, and the Page's token stored encrypted,
as ``socialcrm connect`` leaves it, so a worker can read a lead's answers from Graph.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from redis import Redis

from connectors.suitecrm import SuiteCRMClient
from reliability.processes import (
    SECRET_KEY,
    ApiServer,
    Credentials,
    RedisServer,
    WorkerFleet,
    environment,
)
from sandboxes.facebook.server import FacebookSandbox
from sandboxes.suitecrm import DEMO_MOBILE_CLIENT, DEMO_SYNC_CLIENT, SuiteCRMSandbox
from workers.tokens import NetworkToken, TokenCipher, TokenStore

FB_APP_ID = "770000000000012"
FB_APP_SECRET = "storm-facebook-app-secret"  # noqa: S105 - the runs' own
LI_CLIENT_SECRET = "storm-linkedin-client-secret"  # noqa: S105 - the runs' own
QUEUES = ("crm", "webhooks", "outbound", "sync")  # every queue, as `socialcrm run` does


@dataclass
class WebhookStack:
    suitecrm: SuiteCRMSandbox
    graph: FacebookSandbox
    redis: RedisServer
    api: ApiServer
    fleet: WorkerFleet
    env: dict[str, str]

    def redis_client(self) -> Redis:
        return Redis.from_url(self.redis.url, socket_timeout=10)

    def crm(self) -> SuiteCRMClient:
        """The service account, for reading back what the workers wrote."""
        return SuiteCRMClient.service_account(self.suitecrm.url, *DEMO_SYNC_CLIENT,
                                              timeout=60.0)

    @property
    def redis_files(self) -> Path:
        """Where Redis keeps its AOF: every write it ever acknowledged."""
        return self.redis.data_dir


@contextmanager
def webhook_stack(*, workers: int = 3) -> Iterator[WebhookStack]:
    """Everything started, ``workers`` worker processes on every queue."""
    with ExitStack() as cleanup:
        workdir = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="storm-")))
        suitecrm = cleanup.enter_context(
            SuiteCRMSandbox(port=0, seed=True, with_plugin=True))
        graph = cleanup.enter_context(FacebookSandbox(
            port=0, seed=True, app_id=FB_APP_ID, app_secret=FB_APP_SECRET))
        server = RedisServer(workdir / "redis").start()
        cleanup.callback(server.stop)
        env = environment(server.url, Credentials(suitecrm.url, DEMO_SYNC_CLIENT,
                                                  DEMO_MOBILE_CLIENT))
        env.update({"FACEBOOK_APP_ID": FB_APP_ID, "FACEBOOK_APP_SECRET": FB_APP_SECRET,
                    "FACEBOOK_GRAPH_URL": graph.url, "LINKEDIN_CLIENT_SECRET": LI_CLIENT_SECRET})
        _prepare_redis(server.url, graph)
        api = ApiServer(env).start()
        cleanup.callback(api.stop)
        fleet = WorkerFleet(env, size=workers, queues=QUEUES).start()
        cleanup.callback(fleet.stop)
        yield WebhookStack(suitecrm, graph, server, api, fleet, env)


def _prepare_redis(redis_url: str, graph: FacebookSandbox) -> None:
    """The Page's token stored; automatic AOF rewrites off, so the AOF keeps every write
    of the run as it was sent (a rewrite would fold it into a compressed snapshot and
    drop what was deleted, and the forged markers are searched in it)."""
    client = Redis.from_url(redis_url)
    try:
        client.config_set("auto-aof-rewrite-percentage", 0)
        TokenStore(client, TokenCipher(SECRET_KEY)).save(
            NetworkToken("facebook", graph.page_id, graph.page_token, connected_by="storm"))
    finally:
        client.close()
