"""Fixtures: a seeded SuiteCRM sandbox with the SocialCRM package, over HTTP, and its client.

Seeded: the matcher searches among 200 demo contacts and 80 leads (accented, Cyrillic
and Chinese names among them), not in an empty CRM.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from connectors.suitecrm import SuiteCRMClient
from connectors.transport import RetryPolicy
from sandboxes.suitecrm import DEMO_SYNC_CLIENT, SuiteCRMSandbox


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SuiteCRMSandbox]:
    with SuiteCRMSandbox(port=0, seed=True, with_plugin=True) as running:
        yield running


@pytest.fixture()
def crm(sandbox: SuiteCRMSandbox) -> SuiteCRMClient:
    return SuiteCRMClient.service_account(
        sandbox.url, *DEMO_SYNC_CLIENT, timeout=5.0,
        retry=RetryPolicy(max_attempts=2, base_delay=0.01, jitter=lambda: 0.0))


@pytest.fixture()
def tag() -> str:
    return f"t{secrets.token_hex(4)}"
