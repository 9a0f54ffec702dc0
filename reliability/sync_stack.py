"""One running system for a sync fault: the Graph sandbox behind a ``GraphTap``, the
SuiteCRM sandbox with the SocialCRM package, Redis with AOF, the API under gunicorn (it
receives the webhooks) and real ``socialcrm worker`` processes on the ``sync`` and
``webhooks`` queues, all connected by settings as in production; the Page connected
with the real ``socialcrm connect``.

The workers write their logs to files in the run's directory (``worker-*.log``): a
scenario reads nothing from them, but a failed run is explained there.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from redis import Redis
from rq.job import Job, JobStatus

from connectors.suitecrm import SuiteCRMClient
from reliability.processes import (
    ROOT,
    ApiServer,
    Credentials,
    RedisServer,
    WorkerFleet,
    environment,
)
from reliability.sync_graph import GraphTap, Storm
from sandboxes.facebook import FacebookSandbox
from sandboxes.suitecrm import DEMO_MOBILE_CLIENT, DEMO_SYNC_CLIENT, SuiteCRMSandbox
from workers.jobs import poll

GRAPH_VERSION = "v25.0"
MANAGER = "seed_sarah_id"  # the rules file's [team] managers: told of a refused token
RULES = f"""[sentiment]
scorer = "plugin.sentiment.loading:compact_scorer"

[team]
managers = ["{MANAGER}"]
"""
_ENDED = (JobStatus.FINISHED, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED)


@dataclass(frozen=True, slots=True)
class PageShape:
    """The generated Page the sync reads (``sandboxes.facebook.large``)."""

    posts: int = 40
    comments: int = 300
    forms: int = 1
    leads_per_form: int = 3


class LoggedFleet(WorkerFleet):
    """A ``WorkerFleet`` whose workers log to ``<directory>/worker-<queues>-<n>.log``."""

    def __init__(self, env: dict[str, str], directory: Path, **options: object) -> None:
        super().__init__(env, **options)  # type: ignore[arg-type]
        self.directory = directory
        self._spawned = 0

    def _spawn(self) -> subprocess.Popen[bytes]:
        self._spawned += 1
        name = "-".join(self.queues)
        log = (self.directory / f"worker-{name}-{self._spawned}.log").open("ab")
        command = [sys.executable, "-m", "socialcrm", "worker"]
        for queue_name in self.queues:
            command += ["--queues", queue_name]
        with log:
            return subprocess.Popen(command, cwd=ROOT, env=self.env,  # noqa: S603
                                    stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True)


@dataclass
class SyncStack:
    suitecrm: SuiteCRMSandbox
    graph: FacebookSandbox
    tap: GraphTap
    redis: RedisServer
    api: ApiServer | None
    env: dict[str, str]
    workdir: Path

    @property
    def page_id(self) -> str:
        return self.graph.page_id

    def redis_client(self) -> Redis:
        return Redis.from_url(self.redis.url, socket_timeout=5)

    def crm(self) -> SuiteCRMClient:
        return SuiteCRMClient.service_account(self.suitecrm.url, *DEMO_SYNC_CLIENT)

    def socialcrm(self, *args: str) -> subprocess.CompletedProcess[str]:
        """The real command, with the workers' settings."""
        return subprocess.run([sys.executable, "-m", "socialcrm", *args],  # noqa: S603
                              cwd=ROOT, env=self.env, capture_output=True, text=True,
                              timeout=120, check=False)

    def connect(self, token: str) -> None:
        """``socialcrm connect facebook``: the token checked with Graph, then stored."""
        done = self.socialcrm("connect", "facebook", "--page-id", self.page_id, "--token",
                              token, "--no-subscribe")
        if done.returncode != 0:
            raise RuntimeError(f"socialcrm connect failed: {done.stdout}{done.stderr}")

    def fleet(self, queue: str, size: int = 1) -> WorkerFleet:
        return LoggedFleet(self.env, self.workdir, size=size, queues=(queue,))


def wait_for_poll(client: Redis, page_id: str, *, timeout: float,
                  sleep: Callable[[float], None] = time.sleep) -> Job:
    """The Page's poll job once it ended (finished, or failed for good): a job waiting
    for its retry is not ended."""
    deadline = time.monotonic() + timeout
    while True:
        job = Job.fetch(poll.job_id("facebook", page_id), connection=client)
        if job.get_status(refresh=True) in _ENDED:
            return job
        if time.monotonic() > deadline:
            raise TimeoutError(f"the poll of {page_id} did not end within {timeout:.0f} s "
                               f"(status {job.get_status()})")
        sleep(0.2)


@contextmanager
def sync_stack(shape: PageShape, *, storm: Storm | None = None, api: bool = False
               ) -> Iterator[SyncStack]:
    """Everything started, the Page connected; stopped in reverse order."""
    with ExitStack() as cleanup:
        workdir = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="rel-sync-")))
        suitecrm = cleanup.enter_context(SuiteCRMSandbox(port=0, seed=False,
                                                         with_plugin=True))
        graph = FacebookSandbox(seed=False)
        graph.load_large_page(posts=shape.posts, comments=shape.comments,
                              distribution="irregular", reply_ratio=0.25, forms=shape.forms,
                              leads_per_form=shape.leads_per_form)
        tap = GraphTap(graph, storm=storm)
        cleanup.enter_context(graph)
        server = RedisServer(workdir / "redis", fsync="everysec").start()
        cleanup.callback(server.stop)
        rules = workdir / "rules.toml"
        rules.write_text(RULES, encoding="utf-8")
        env = environment(server.url, Credentials(suitecrm.url, DEMO_SYNC_CLIENT,
                                                  DEMO_MOBILE_CLIENT))
        env.update({"FACEBOOK_GRAPH_URL": graph.url, "FACEBOOK_GRAPH_VERSION": GRAPH_VERSION,
                    "FACEBOOK_APP_ID": graph.app_id, "FACEBOOK_APP_SECRET": graph.app_secret,
                    "FACEBOOK_VERIFY_TOKEN": graph.verify_token,
                    "SOCIALCRM_RULES_FILE": str(rules), "SOCIALCRM_DATA_DIR": str(workdir),
                    "SOCIALCRM_HTTP_TIMEOUT": "10", "SOCIALCRM_LOG_LEVEL": "INFO"})
        server_api = None
        if api:
            server_api = ApiServer(env).start()
            cleanup.callback(server_api.stop)
        stack = SyncStack(suitecrm, graph, tap, server, server_api, env, workdir)
        stack.connect(graph.page_token)
        yield stack
