"""A seeded SuiteCRM sandbox with fault switches, for the client's resilience tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from connectors.suitecrm import SuiteCRMClient
from connectors.transport import RetryPolicy
from sandboxes.suitecrm import DEMO_MOBILE_CLIENT, DEMO_SYNC_CLIENT, SuiteCRMSandbox


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SuiteCRMSandbox]:
    with SuiteCRMSandbox(port=0, seed=True) as running:
        yield running


@pytest.fixture(autouse=True)
def clean_faults(sandbox: SuiteCRMSandbox) -> Iterator[None]:
    sandbox.faults.clear()
    sandbox.request_log.clear()
    yield
    sandbox.faults.clear()


class Sleeps(list):
    """A ``sleep`` that records instead of waiting (deterministic backoff)."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture()
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture()
def crm(sandbox: SuiteCRMSandbox, sleeps: Sleeps) -> SuiteCRMClient:
    return SuiteCRMClient.service_account(
        sandbox.url, *DEMO_SYNC_CLIENT, timeout=2.0, sleep=sleeps,
        retry=RetryPolicy(max_attempts=4, base_delay=0.5, jitter=lambda: 1.0))


def login(sandbox: SuiteCRMSandbox, user: str, **options) -> SuiteCRMClient:
    return SuiteCRMClient.login(sandbox.url, *DEMO_MOBILE_CLIENT, user, f"{user}-Passw0rd",
                                **options)


def api_calls(sandbox: SuiteCRMSandbox, method: str, path_part: str) -> list[dict]:
    return [entry for entry in sandbox.request_log.entries()
            if entry["method"] == method and path_part in entry["path"]]
