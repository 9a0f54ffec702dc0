"""Fixtures for the goals, metrics and report tests.

The mobile API's fixtures (``tests/mobile/conftest.py``): the real app over HTTP, a real
Redis, logins. ``suitecrm`` is overridden here: a fresh SuiteCRM sandbox *per test*,
without the demo data, so that the figures of each test are exactly the records it
creates (metrics add up everything a caller may see). ``crm`` is the service account's
client on it, ``week`` the known records of ``tests.metrics.scenario`` written into it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from connectors.suitecrm import SuiteCRMClient
from sandboxes.suitecrm import DEMO_SYNC_CLIENT, SuiteCRMSandbox
from tests.metrics.scenario import Week, write_week
from tests.mobile.conftest import (  # noqa: F401 (fixtures)
    api,
    api_config,
    login,
    max_headers,
    run_worker,
    sally_headers,
)


@pytest.fixture()
def suitecrm() -> Iterator[SuiteCRMSandbox]:
    with SuiteCRMSandbox(port=0, seed=False, with_plugin=True) as running:
        yield running


@pytest.fixture()
def crm(suitecrm: SuiteCRMSandbox) -> SuiteCRMClient:
    return SuiteCRMClient.service_account(suitecrm.url, *DEMO_SYNC_CLIENT)


@pytest.fixture()
def week(crm: SuiteCRMClient) -> Week:
    return write_week(crm)
