"""Fixtures of the live suites (``make test-live``): a real SuiteCRM, named by ``SUITECRM_*``.

``make test`` never collects this folder (see ``tests/conftest.py``). Under
``make test-live`` a missing setting stops the run before any test, with one line that
names it and exit status 2: nothing here is skipped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.suitecrm import SuiteCRMClient
from connectors.transport import RetryPolicy
from plugin.build import build_package, package_version
from tests.live.browser import admin_state, chromium, error_log, ui  # noqa: F401 (fixtures)
from tests.live.host import (
    Database,
    LiveSettings,
    LiveSetupError,
    ModuleLoader,
    SuiteCRMHost,
    package_errors,
)
from tests.live.mobile_server import mobile_api  # noqa: F401 (fixture)

PACKAGE_ID = "SCRM"
PACKAGES = Path(__file__).resolve().parent / "packages"
# The package's first release (0.1.0) as it was built from main before the live suites
# existed; the upgrade tests install it, then the current build over it.
FIRST_RELEASE = PACKAGES / "socialcrm-suitecrm-0.1.0.zip"
FAST_RETRY = RetryPolicy(max_attempts=3, base_delay=0.05, jitter=lambda: 0.0)


def pytest_configure(config: pytest.Config) -> None:
    try:
        LiveSettings.from_env()
    except LiveSetupError as exc:
        pytest.exit(f"test-live: {exc}", returncode=2)


@pytest.fixture(scope="session")
def live() -> LiveSettings:
    return LiveSettings.from_env()


@pytest.fixture(scope="session")
def host(live: LiveSettings) -> Iterator[SuiteCRMHost]:
    suitecrm = SuiteCRMHost(live)
    try:
        yield suitecrm
    finally:
        suitecrm.close()


@pytest.fixture(scope="session")
def db(host: SuiteCRMHost) -> Iterator[Database]:
    database = Database(host.db_config())
    try:
        yield database
    finally:
        database.close()


@pytest.fixture(scope="session")
def module_loader(host: SuiteCRMHost) -> ModuleLoader:
    return ModuleLoader(host)


@pytest.fixture(scope="session")
def current_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_package(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="session")
def installed_package(module_loader: ModuleLoader, current_package: Path,
                      live: LiveSettings) -> str:
    """The current build installed (any other build is installed over); its version.

    Builds are reproducible, so the zip's md5 tells whether the installed package is this
    very build, not only this version number.
    """
    version = package_version()
    rows = module_loader.installed(PACKAGE_ID)
    digest = hashlib.md5(current_package.read_bytes()).hexdigest()  # noqa: S324 (SuiteCRM's)
    if not rows or rows[-1]["md5sum"] != digest:
        result = module_loader.install(current_package)
        assert result["ok"], result
        assert package_errors(result, live.root) == []
    return version


@pytest.fixture()
def crm(live: LiveSettings) -> SuiteCRMClient:
    """The service account (client_credentials, acts as the admin)."""
    return SuiteCRMClient.service_account(live.url, live.client_id, live.client_secret,
                                          retry=FAST_RETRY)
