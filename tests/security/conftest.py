"""The mobile API's fixtures (``tests.mobile.conftest``), for the security tests: the real
app over HTTP on loopback, the seeded SuiteCRM sandbox, a real Redis."""

from __future__ import annotations

from tests.mobile.conftest import (  # noqa: F401
    api,
    api_config,
    login,
    max_headers,
    run_worker,
    sally_headers,
    suitecrm,
)
