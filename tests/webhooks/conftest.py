"""The real app served over HTTP on loopback, a real Redis, and real `rq worker` processes.

Why a real server and not Flask's test client: the receivers must verify the bytes as
they arrive over the wire (Content-Length, chunked bodies, the size cap), which the test
client short-cuts. Why a worker process: the job must be importable and runnable by name
in another process, as in production.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
import requests
from rq.job import Job
from werkzeug.serving import make_server

from mobile_api.app import create_app
from mobile_api.config import ApiConfig
from workers.queues import queue, queue_name

ROOT = Path(__file__).resolve().parents[2]
FB_SECRET = "fb-app-secret-for-tests"
FB_VERIFY_TOKEN = "fb-verify-token"
LI_SECRET = "li-client-secret-for-tests"
CRM_SECRET = "crm-notice-secret-for-tests"
MAX_BODY = 8 * 1024


@dataclass(frozen=True)
class Service:
    url: str
    redis: redis.Redis
    redis_url: str

    def job_ids(self) -> list[str]:
        return list(queue(self.redis, "webhooks").job_ids)

    def functions_run(self) -> list[str]:
        """The functions of every job the webhooks queue was given: finished, failed,
        waiting for a retry (a job that needs a runtime fails in this bare worker) or
        still queued; in no order."""
        webhooks = queue(self.redis, "webhooks")
        ids = [*webhooks.finished_job_registry.get_job_ids(),
               *webhooks.failed_job_registry.get_job_ids(),
               *webhooks.scheduled_job_registry.get_job_ids(), *webhooks.job_ids]
        return [job.func_name for job in Job.fetch_many(ids, connection=self.redis) if job]

    def run_worker(self) -> None:
        """One real `rq worker --burst` process that drains the webhooks queue."""
        rq = Path(sys.executable).parent / "rq"
        try:
            done = subprocess.run(
                [str(rq), "worker", "--burst", "--url", self.redis_url, "--verbose",
                 "--worker-class", "workers.worker.QuickExitWorker", queue_name("webhooks")],
                cwd=ROOT, capture_output=True, text=True, timeout=20)
        except subprocess.TimeoutExpired as exc:
            raise AssertionError(f"worker hung: {exc.stdout!r} {exc.stderr!r}") from None
        assert done.returncode == 0, done.stdout + done.stderr

    def stream(self, source: str) -> list[dict[bytes, bytes]]:
        return [fields for _id, fields in self.redis.xrange(f"socialcrm:events:{source}")]


@pytest.fixture()
def api_config(redis_url: str) -> ApiConfig:
    return ApiConfig(redis_url=redis_url, facebook_app_secret=FB_SECRET,
                     facebook_verify_token=FB_VERIFY_TOKEN, linkedin_client_secret=LI_SECRET,
                     suitecrm_notice_secret=CRM_SECRET, notice_tolerance_seconds=300,
                     max_body_bytes=MAX_BODY)


@pytest.fixture()
def service(api_config: ApiConfig, redis_client: redis.Redis,
            redis_url: str) -> Iterator[Service]:
    server = make_server("127.0.0.1", 0, create_app(api_config), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Service(url=f"http://127.0.0.1:{server.server_port}", redis=redis_client,
                      redis_url=redis_url)
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture()
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session
