"""Fault switches (HTTP and Python), the request log, pause/resume, reset and serve()."""

from __future__ import annotations

import threading

import pytest
import requests

from sandboxes.suitecrm import SuiteCRMSandbox, serve

from .conftest import Api, login

CONTROL = "/__sandbox__"
CONTACTS = "/Api/V8/module/Contacts"


def control(sandbox: SuiteCRMSandbox, method: str, path: str, **kwargs) -> requests.Response:
    return requests.request(method, f"{sandbox.url}{CONTROL}{path}", timeout=10, **kwargs)


def test_fail_next_answers_with_the_status_and_retry_after(
    sandbox: SuiteCRMSandbox, admin: Api
) -> None:
    state = control(
        sandbox, "POST", "/faults", json={"fail_next": 2, "fail_status": 503, "retry_after": 7}
    )
    assert state.json()["fail_next"] == 2
    for _ in range(2):
        failed = admin.get(CONTACTS)
        assert failed.status_code == 503
        assert failed.headers["Retry-After"] == "7"
        assert failed.headers["Content-Type"].startswith("text/html")
    assert admin.get(CONTACTS).status_code == 200
    assert control(sandbox, "GET", "/faults").json()["fail_next"] == 0


def test_faults_only_touch_api_routes(sandbox: SuiteCRMSandbox, admin: Api) -> None:
    control(sandbox, "POST", "/faults", json={"fail_next": 1, "fail_status": 429})
    assert control(sandbox, "GET", "/requests").status_code == 200
    assert admin.get(CONTACTS).status_code == 429
    assert admin.get(CONTACTS).status_code == 200


def test_drop_next_closes_the_connection_without_an_answer(
    sandbox: SuiteCRMSandbox, admin: Api
) -> None:
    sandbox.faults.configure(drop_next=1)
    with pytest.raises(requests.ConnectionError):
        admin.get(CONTACTS)
    assert admin.get(CONTACTS).status_code == 200
    log = control(sandbox, "GET", "/requests").json()["requests"]
    assert [(e["method"], e["path"], e["status"]) for e in log[-2:]] == [
        ("GET", CONTACTS, None),
        ("GET", CONTACTS, 200),
    ]


def test_lose_answer_next_carries_the_request_out_then_hangs_up(
    sandbox: SuiteCRMSandbox, admin: Api
) -> None:
    control(sandbox, "POST", "/faults", json={"lose_answer_next": 1})
    body = {"data": {"type": "Contacts", "attributes": {"last_name": "LostAnswer"}}}
    with pytest.raises(requests.ConnectionError):
        admin.call("POST", "/Api/V8/module", body=body)
    found = admin.get(CONTACTS, params={"filter[last_name][eq]": "LostAnswer"}).json()
    assert len(found["data"]) == 1


def test_latency_is_applied_to_api_requests(sandbox: SuiteCRMSandbox, admin: Api) -> None:
    slept: list[float] = []
    sandbox.wsgi.sleep = slept.append
    control(sandbox, "POST", "/faults", json={"latency_ms": 250})
    admin.get(CONTACTS)
    control(sandbox, "GET", "/faults")
    assert slept == [0.25]


def test_clearing_faults_and_rejecting_bad_settings(sandbox: SuiteCRMSandbox, admin: Api) -> None:
    control(sandbox, "POST", "/faults", json={"fail_next": 5, "drop_next": 3, "latency_ms": 10})
    cleared = control(sandbox, "DELETE", "/faults").json()
    assert cleared == {
        "latency_ms": 0,
        "fail_next": 0,
        "fail_status": 503,
        "retry_after": None,
        "drop_next": 0,
        "lose_answer_next": 0,
    }
    assert admin.get(CONTACTS).status_code == 200
    for bad in ({"fail_next": -1}, {"fail_status": 42}, {"explode": 1}, {"retry_after": "soon"}):
        assert control(sandbox, "POST", "/faults", json=bad).status_code == 400


def test_the_request_log_has_no_bodies_queries_or_tokens(
    sandbox: SuiteCRMSandbox, admin: Api
) -> None:
    control(sandbox, "DELETE", "/requests")
    admin.create("Contacts", {"last_name": "Logged"})
    admin.get(f"{CONTACTS}?filter[last_name][eq]=Logged")
    entries = control(sandbox, "GET", "/requests").json()["requests"]
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [
        ("POST", "/Api/V8/module", 201),
        ("GET", CONTACTS, 200),
    ]
    text = str(entries)
    assert admin.token not in text and "Logged" not in text and "filter" not in text
    assert control(sandbox, "GET", "/requests?limit=1").json()["requests"] == entries[-1:]
    control(sandbox, "DELETE", "/requests")
    assert sandbox.request_log.entries() == []


def test_pause_refuses_connections_and_resume_keeps_port_and_state(
    sandbox: SuiteCRMSandbox, admin: Api
) -> None:
    created = admin.create("Contacts", {"last_name": "Survivor"})
    port = sandbox.port
    sandbox.pause_listening()
    with pytest.raises(requests.ConnectionError):
        admin.get(CONTACTS)
    sandbox.resume_listening()
    assert sandbox.port == port
    assert admin.get(f"{CONTACTS}/{created['id']}").status_code == 200


def test_reset_reseeds_and_keeps_tokens(demo_copy: SuiteCRMSandbox) -> None:
    api = login(demo_copy.url)
    before = api.get(f"{CONTACTS}?page[size]=1").json()["meta"]["total-pages"]
    created = api.create("Contacts", {"last_name": "Temporary"})
    assert api.get(f"{CONTACTS}?page[size]=1").json()["meta"]["total-pages"] == before + 1
    assert control(demo_copy, "POST", "/reset").json() == {"reset": True}
    assert api.get(f"{CONTACTS}?page[size]=1").json()["meta"]["total-pages"] == before
    assert api.get(f"{CONTACTS}/{created['id']}").status_code == 400


@pytest.fixture()
def demo_copy() -> SuiteCRMSandbox:
    with SuiteCRMSandbox(seed=True) as running:
        yield running


def test_serve_blocks_until_stopped_and_reports_its_url() -> None:
    urls: list[str] = []
    stop = threading.Event()
    ready = threading.Event()

    def on_ready(url: str) -> None:
        urls.append(url)
        ready.set()

    worker = threading.Thread(
        target=serve, args=("127.0.0.1", 0, False), kwargs={"on_ready": on_ready, "stop": stop}
    )
    worker.start()
    try:
        assert ready.wait(timeout=10)
        assert login(urls[0]).get(CONTACTS).status_code == 200
    finally:
        stop.set()
        worker.join(timeout=10)
    assert not worker.is_alive()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{urls[0]}{CONTACTS}", timeout=10)


def test_refuse_over_http_closes_the_port_then_listens_again(sandbox: SuiteCRMSandbox) -> None:
    import time

    def answers() -> bool:
        try:
            requests.get(f"{sandbox.url}/Api/V8/meta/modules", timeout=2)
        except requests.ConnectionError:
            return False
        return True

    def wait_until(condition: bool) -> bool:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if answers() is condition:
                return True
            time.sleep(0.02)
        return False

    assert control(sandbox, "POST", "/refuse", json={"seconds": 1}).json() == {"refusing_for": 1}
    assert wait_until(False), "the port was never closed"
    assert wait_until(True), "the port never opened again"
    assert control(sandbox, "POST", "/refuse", json={"seconds": -1}).status_code == 400
