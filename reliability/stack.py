"""One running system for a scenario: the SuiteCRM sandbox, Redis with AOF, the API under
gunicorn and a fleet of workers, all on loopback, started together and stopped in the
reverse order (workers first, Redis last, as ``socialcrm run`` does)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from redis import Redis

from connectors.suitecrm import SuiteCRMClient
from reliability.processes import (
    ApiServer,
    Credentials,
    Fsync,
    RedisServer,
    WorkerFleet,
    environment,
)
from sandboxes.suitecrm import DEMO_MOBILE_CLIENT, DEMO_SYNC_CLIENT, SuiteCRMSandbox


@dataclass
class Stack:
    sandbox: SuiteCRMSandbox
    redis: RedisServer
    api: ApiServer
    fleet: WorkerFleet
    env: dict[str, str]

    def redis_client(self) -> Redis:
        """A fresh client (a killed server's connections are dead)."""
        return Redis.from_url(self.redis.url, socket_timeout=5)

    def crm(self) -> SuiteCRMClient:
        """The service account, for counting what the reps' updates wrote."""
        return SuiteCRMClient.service_account(self.sandbox.url, *DEMO_SYNC_CLIENT)


@contextmanager
def running_stack(*, fsync: Fsync = "always", workers: int = 2,
                  restart_workers: bool = True) -> Iterator[Stack]:
    with ExitStack() as cleanup:
        workdir = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="rel-")))
        sandbox = cleanup.enter_context(
            SuiteCRMSandbox(port=0, seed=True, with_plugin=True))
        server = RedisServer(workdir / "redis", fsync=fsync).start()
        cleanup.callback(server.stop)
        env = environment(server.url, Credentials(sandbox.url, DEMO_SYNC_CLIENT,
                                                  DEMO_MOBILE_CLIENT))
        api = ApiServer(env).start()
        cleanup.callback(api.stop)
        fleet = WorkerFleet(env, size=workers, restart=restart_workers)
        if workers:
            fleet.start()
        cleanup.callback(fleet.stop)
        yield Stack(sandbox, server, api, fleet, env)
