"""The mobile API served over HTTP on loopback against the real SuiteCRM (live suites).

``mobile_api`` is a fixture of every live test (``tests/live/conftest.py`` imports it): the
``/api/v1`` base URL of an app on the live settings, with ``MOBILE_SECRET_KEY``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from mobile_api.app import create_app
from mobile_api.config import ApiConfig
from tests.live.host import LiveSettings

MOBILE_SECRET_KEY = "live-mobile-tests-secret-key-0123456789"


@pytest.fixture()
def mobile_api(live: LiveSettings, redis_url: str) -> Iterator[str]:
    config = ApiConfig(redis_url=redis_url, suitecrm_url=live.url,
                       suitecrm_password_client_id=live.password_client_id,
                       suitecrm_password_client_secret=live.password_client_secret,
                       secret_key=MOBILE_SECRET_KEY)
    server = make_server("127.0.0.1", 0, create_app(config), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/api/v1"
    finally:
        server.shutdown()
        thread.join(timeout=5)
