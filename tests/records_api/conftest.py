"""Records, cards and inbox over HTTP: the real app on loopback, the seeded SuiteCRM
sandbox (with the SocialCRM package), a real Redis.

Records are created first with the service account, assigned to a rep, with a unique
``tag`` in their names so that tests sharing one sandbox never see each other's data.
Reps: ``sally`` (sees everything), ``max`` (an owner-only role on Contacts, Leads,
Opportunities, Cases ...: he sees only what is assigned to him), ``will``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

import pytest

from connectors.suitecrm import SuiteCRMClient
from connectors.transport import RetryPolicy
from sandboxes.suitecrm import DEMO_SYNC_CLIENT, SuiteCRMSandbox
from tests.mobile.conftest import (  # noqa: F401
    Api,
    api,
    api_config,
    login,
    max_headers,
    run_worker,
    sally_headers,
    suitecrm,
)


@pytest.fixture()
def crm(suitecrm: SuiteCRMSandbox) -> SuiteCRMClient:  # noqa: F811 (the fixture)
    """The service account (acts as the admin): how test data gets in."""
    return SuiteCRMClient.service_account(
        suitecrm.url, *DEMO_SYNC_CLIENT, timeout=10.0,
        retry=RetryPolicy(max_attempts=2, base_delay=0.01, jitter=lambda: 0.0))


@pytest.fixture()
def tag() -> str:
    """Letters only: it ends up inside names that are searched by prefix."""
    return "Q" + "".join(secrets.choice("bcdfghjklmnpqrstvwxz") for _ in range(9))


@pytest.fixture()
def will_headers(login: Callable[[str], dict[str, str]]) -> dict[str, str]:  # noqa: F811
    return login("will")
