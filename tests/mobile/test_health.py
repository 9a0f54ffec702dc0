"""The probes a load balancer polls: no token, the app's Redis, SuiteCRM reachable."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
import requests
from werkzeug.serving import make_server

from mobile_api.app import create_app
from tests.mobile.conftest import Api, api_config_for


def test_liveness_and_readiness_need_no_token(api: Api) -> None:
    assert api.raw("GET", "/healthz").json() == {"status": "ok"}
    ready = api.raw("GET", "/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checks": {"redis": "ok", "suitecrm": "ok"}}


@pytest.fixture()
def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture()
def without_suitecrm(redis_url: str, closed_port: int) -> Iterator[str]:
    app = create_app(api_config_for(redis_url, f"http://127.0.0.1:{closed_port}"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def test_not_ready_while_suitecrm_is_unreachable(without_suitecrm: str) -> None:
    ready = requests.get(f"{without_suitecrm}/readyz", timeout=30)
    assert ready.status_code == 503
    body = ready.json()
    assert body["status"] == "not ready" and body["checks"]["redis"] == "ok"
    assert body["checks"]["suitecrm"].startswith("unreachable")
    login = requests.post(f"{without_suitecrm}/api/v1/auth/token", timeout=30,
                          json={"username": "sally", "password": "sally-Passw0rd"})
    assert login.status_code == 503 and "SuiteCRM" in login.json()["message"]


def test_unknown_routes_and_methods_answer_the_error_body(api: Api) -> None:
    missing = api("GET", "/no-such-thing")
    assert missing.status_code == 404 and set(missing.json()) >= {"code", "status",
                                                                  "message"}
    wrong = api("PUT", "/auth/me")
    assert wrong.status_code == 405 and wrong.json()["message"]
