"""Real services for the system tests: a password-protected Redis server and a seeded
SuiteCRM sandbox, both on loopback, and a helper to run the real ``socialcrm`` command."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from sandboxes.suitecrm import SuiteCRMSandbox
from workers.redis_server import find_redis_server, free_port

REDIS_PASSWORD = "planted-redis-password-7d2e9a"


def child_env(**settings: str) -> dict[str, str]:
    """This environment without any SocialCRM setting, plus ``settings``."""
    prefixes = ("SUITECRM_", "SOCIALCRM_", "REDIS_URL", "FACEBOOK_", "LINKEDIN_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    return {**env, **settings}


def socialcrm(*args: str, env: dict[str, str], timeout: float = 60
              ) -> subprocess.CompletedProcess[str]:
    """Run the real command in a child process and capture everything it writes."""
    return subprocess.run([sys.executable, "-m", "socialcrm", *args], env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture(scope="module")
def protected_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real redis-server that requires ``REDIS_PASSWORD``; yields its URL with it."""
    binary = os.environ.get("SOCIALCRM_TEST_REDIS_SERVER") or find_redis_server()
    port = free_port()
    data: Path = tmp_path_factory.mktemp("protected-redis")
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--requirepass", REDIS_PASSWORD,
         "--save", "", "--appendonly", "no", "--dir", str(data), "--logfile", ""],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://:{REDIS_PASSWORD}@127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url, socket_timeout=1)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.05)
        yield url
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def suitecrm() -> Iterator[SuiteCRMSandbox]:
    with SuiteCRMSandbox(port=0, seed=True) as sandbox:
        yield sandbox
