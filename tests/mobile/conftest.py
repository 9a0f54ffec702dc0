"""The mobile API as reps meet it: the real app over HTTP on loopback, logged in against the
seeded SuiteCRM sandbox, a real Redis, and real `socialcrm worker` processes that write as
the rep.

Fixtures for every mobile API test package (import them from here):

* ``suitecrm``: the seeded sandbox (reps ``sally``, ``max`` (owner-only role), ``will`` …
  password ``<name>-Passw0rd``, ids ``seed_<name>_id``), one per test module;
* ``api``: the app serving ``api.url``, with ``api.http`` (a ``requests.Session``);
* ``login(user_name)``: the Authorization headers of a fresh session of that rep;
  ``sally_headers`` and ``max_headers`` for the usual two;
* ``run_worker(*queues)``: one real ``socialcrm worker --burst`` process on ``queues``
  (default ``crm``) with the same settings, until they are empty.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
import requests
from werkzeug.serving import make_server

from mobile_api.app import create_app
from mobile_api.config import ApiConfig
from sandboxes.suitecrm import DEMO_MOBILE_CLIENT, DEMO_SYNC_CLIENT, SuiteCRMSandbox

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "mobile-api-tests-secret-key-0123456789"
PREFIX = "/api/v1"


@dataclass(frozen=True)
class Api:
    url: str
    http: requests.Session
    redis: redis.Redis
    redis_url: str
    suitecrm_url: str

    def __call__(self, method: str, path: str, **options: object) -> requests.Response:
        """A request to ``/api/v1`` + ``path`` (``raw`` for paths outside the API)."""
        return self.http.request(method, self.url + PREFIX + path, timeout=30,
                                 **options)  # type: ignore[arg-type]

    def raw(self, method: str, path: str, **options: object) -> requests.Response:
        return self.http.request(method, self.url + path, timeout=30,
                                 **options)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def suitecrm() -> Iterator[SuiteCRMSandbox]:
    with SuiteCRMSandbox(port=0, seed=True, with_plugin=True) as running:
        yield running


def api_config_for(redis_url: str, suitecrm_url: str, **overrides: object) -> ApiConfig:
    return ApiConfig(redis_url=redis_url, suitecrm_url=suitecrm_url,
                     suitecrm_password_client_id=DEMO_MOBILE_CLIENT[0],
                     suitecrm_password_client_secret=DEMO_MOBILE_CLIENT[1],
                     secret_key=SECRET_KEY, http_timeout=10.0,
                     **overrides)  # type: ignore[arg-type]


@pytest.fixture()
def api_config(redis_url: str, suitecrm: SuiteCRMSandbox) -> ApiConfig:
    return api_config_for(redis_url, suitecrm.url)


@pytest.fixture()
def api(api_config: ApiConfig, redis_client: redis.Redis, redis_url: str,
        suitecrm: SuiteCRMSandbox) -> Iterator[Api]:
    server = make_server("127.0.0.1", 0, create_app(api_config), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with requests.Session() as http:
            yield Api(f"http://127.0.0.1:{server.server_port}", http, redis_client,
                      redis_url, suitecrm.url)
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture()
def login(api: Api) -> Callable[[str], dict[str, str]]:
    def headers(user_name: str) -> dict[str, str]:
        answer = api("POST", "/auth/token",
                     json={"username": user_name, "password": f"{user_name}-Passw0rd"})
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}
    return headers


@pytest.fixture()
def sally_headers(login: Callable[[str], dict[str, str]]) -> dict[str, str]:
    return login("sally")


@pytest.fixture()
def max_headers(login: Callable[[str], dict[str, str]]) -> dict[str, str]:
    return login("max")


def worker_environment(redis_url: str, suitecrm_url: str) -> dict[str, str]:
    """What `socialcrm worker` needs to act as the service and as reps on the sandbox."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("SUITECRM_", "SOCIALCRM_", "FACEBOOK_", "LINKEDIN_"))}
    env.update({
        "REDIS_URL": redis_url, "SUITECRM_URL": suitecrm_url,
        "SUITECRM_CLIENT_ID": DEMO_SYNC_CLIENT[0], "SUITECRM_CLIENT_SECRET": DEMO_SYNC_CLIENT[1],
        "SUITECRM_PASSWORD_CLIENT_ID": DEMO_MOBILE_CLIENT[0],
        "SUITECRM_PASSWORD_CLIENT_SECRET": DEMO_MOBILE_CLIENT[1],
        "SOCIALCRM_SECRET_KEY": SECRET_KEY, "SOCIALCRM_LOG_LEVEL": "WARNING",
    })
    return env


@pytest.fixture()
def run_worker(api: Api) -> Callable[..., subprocess.CompletedProcess[str]]:
    def run(*queues: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "socialcrm", "worker", "--burst"]
        for name in queues or ("crm",):
            command += ["--queues", name]
        try:
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                                  timeout=120, env=worker_environment(api.redis_url,
                                                                      api.suitecrm_url))
        except subprocess.TimeoutExpired as exc:
            raise AssertionError(f"worker hung: {exc.stdout!r} {exc.stderr!r}") from None
        assert done.returncode == 0, done.stdout + done.stderr
        return done
    return run
