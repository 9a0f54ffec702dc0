"""Contract suite of the SuiteCRM client: the same tests run against two targets.

* default: the local SuiteCRM sandbox, started on a free loopback port;
* ``SOCIALCRM_CONTRACT_TARGET=live`` (``make contract-live``): the SuiteCRM named by
  ``SUITECRM_URL``, with the client settings of the README plus ``SUITECRM_USERNAME``
  and ``SUITECRM_PASSWORD`` for the password grant. The run refuses to start, naming the
  variable, when one is missing.

Live runs create only records whose names carry the run's tag, and delete every record
they created when the test ends (failed or not).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from connectors.errors import ConnectorError, NotFoundError
from connectors.suitecrm import Filter, Record, SuiteCRMClient
from connectors.transport import RetryPolicy

LIVE_VARIABLES = (
    "SUITECRM_URL",
    "SUITECRM_CLIENT_ID",
    "SUITECRM_CLIENT_SECRET",
    "SUITECRM_PASSWORD_CLIENT_ID",
    "SUITECRM_PASSWORD_CLIENT_SECRET",
    "SUITECRM_USERNAME",
    "SUITECRM_PASSWORD",
)

# The sandbox is seeded with the same OAuth2 clients and admin user as the SuiteCRM the
# recordings were taken from, so recorded requests replay against it unchanged.
SANDBOX_CLIENT = ("3f6a1c2e-0000-4000-8000-00000000cc01", "cc-secret-Passw0rd")
SANDBOX_PASSWORD_CLIENT = ("3f6a1c2e-0000-4000-8000-00000000pw01", "pw-secret-Passw0rd")
SANDBOX_USER = ("admin", "admin-Passw0rd")


def is_live() -> bool:
    return os.environ.get("SOCIALCRM_CONTRACT_TARGET", "sandbox") == "live"


def pytest_configure(config: pytest.Config) -> None:
    if is_live():
        missing = [name for name in LIVE_VARIABLES if not os.environ.get(name)]
        if missing:
            target = "test-live" if os.environ.get("SOCIALCRM_LIVE") == "1" else "contract-live"
            pytest.exit(f"{target}: {missing[0]} is not set "
                        f"(needs {', '.join(LIVE_VARIABLES)})", returncode=2)


@dataclass(frozen=True)
class Target:
    """Where the contract suite runs and with which credentials."""

    url: str
    client_id: str
    client_secret: str = field(repr=False)
    password_client_id: str
    password_client_secret: str = field(repr=False)
    username: str
    password: str = field(repr=False)
    live: bool


@pytest.fixture(scope="session")
def target() -> Iterator[Target]:
    if is_live():
        env = os.environ
        yield Target(env["SUITECRM_URL"].rstrip("/"), env["SUITECRM_CLIENT_ID"],
                     env["SUITECRM_CLIENT_SECRET"], env["SUITECRM_PASSWORD_CLIENT_ID"],
                     env["SUITECRM_PASSWORD_CLIENT_SECRET"], env["SUITECRM_USERNAME"],
                     env["SUITECRM_PASSWORD"], live=True)
        return
    from sandboxes.suitecrm import SuiteCRMSandbox

    with SuiteCRMSandbox(port=0, seed=True) as sandbox:
        yield Target(sandbox.url, *SANDBOX_CLIENT, *SANDBOX_PASSWORD_CLIENT, *SANDBOX_USER,
                     live=False)


FAST_RETRY = RetryPolicy(max_attempts=3, base_delay=0.01, jitter=lambda: 0.0)


@pytest.fixture()
def crm(target: Target) -> SuiteCRMClient:
    """The service account (client_credentials)."""
    return SuiteCRMClient.service_account(target.url, target.client_id, target.client_secret,
                                          retry=FAST_RETRY)


@pytest.fixture()
def rep(target: Target) -> SuiteCRMClient:
    """A user logged in through the password grant."""
    return SuiteCRMClient.login(target.url, target.password_client_id,
                                target.password_client_secret, target.username,
                                target.password, retry=FAST_RETRY)


@pytest.fixture(scope="session")
def run_tag() -> str:
    return f"Scrmct{datetime.now(UTC):%m%d%H%M%S}{secrets.token_hex(2)}"


class Janitor:
    """Creates tagged records and deletes them all at teardown, with what SuiteCRM made
    for them (their email address rows and Activity Stream entries)."""

    def __init__(self, crm: SuiteCRMClient, tag: str) -> None:
        self.crm = crm
        self.tag = tag
        self.created: list[tuple[str, str]] = []
        self._n = 0

    def name(self, stem: str = "") -> str:
        self._n += 1
        return f"{self.tag}{stem}{self._n:03d}"

    def create(self, module: str, attributes: dict, **kwargs) -> Record:
        record = self.crm.create(module, attributes, **kwargs)
        self.created.append((module, record.id))
        return record

    def track(self, module: str, record_id: str) -> None:
        self.created.append((module, record_id))

    def cleanup(self) -> None:
        failures: list[str] = []

        def attempt(what: str, delete: Callable[[], None]) -> None:
            try:
                delete()
            except NotFoundError:
                pass
            except ConnectorError as exc:  # keep cleaning; report at the end
                failures.append(f"{what}: {exc}")

        for module, record_id in reversed(self.created):
            attempt(f"{module} {record_id}",
                    lambda m=module, r=record_id: self.crm.delete(m, r))
        # what SuiteCRM made for them: address rows and Activity Stream entries
        for module, column in (("EmailAddresses", "email_address"), ("SugarFeed", "name")):
            tagged = Filter.where(**{f"{column}__like": f"%{self.tag}%"})
            for row in list(self.crm.iterate(module, filter=tagged, fields=[column])):
                attempt(f"{module} {row.id}", lambda m=module, r=row.id: self.crm.delete(m, r))
        if failures:
            raise AssertionError("cleanup left records behind:\n" + "\n".join(failures))


@pytest.fixture()
def janitor(crm: SuiteCRMClient, run_tag: str) -> Iterator[Janitor]:
    # one tag per test, so list assertions never see another test's records
    keeper = Janitor(crm, f"{run_tag}{secrets.token_hex(2)}")
    try:
        yield keeper
    finally:
        keeper.cleanup()
