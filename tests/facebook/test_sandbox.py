"""The Graph sandbox itself: documented shapes, knobs and control API, over plain HTTP."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from connectors.sandbox.facebook import FacebookSandbox


def _get(sandbox: FacebookSandbox, path: str, **params: Any) -> requests.Response:
    return requests.get(f"{sandbox.url}/{path}", timeout=5,
                        params={"access_token": sandbox.page_token, **params})


def test_connection_shape_and_field_expansion(sandbox: FacebookSandbox) -> None:
    response = _get(sandbox, f"v25.0/{sandbox.page_id}/feed", limit=2,
                    fields="id,message,comments.limit(3).filter(stream).summary(true){id,parent}")
    body = response.json()
    assert set(body) == {"data", "paging"}
    assert set(body["paging"]) == {"cursors", "next"}
    assert set(body["paging"]["cursors"]) == {"before", "after"}
    assert "access_token=" in body["paging"]["next"]  # as Graph echoes it
    post = body["data"][0]
    assert set(post) == {"id", "message", "comments"}
    assert len(post["comments"]["data"]) == 3
    assert post["comments"]["summary"]["total_count"] == 36
    assert post["comments"]["paging"]["next"].startswith(
        f"{sandbox.url}/v25.0/{post['id']}/comments?")
    assert "\\u" in response.text and "\\/" in response.text  # Graph's escaping


def test_previous_link_and_before_cursor(sandbox: FacebookSandbox) -> None:
    first = _get(sandbox, f"v25.0/{sandbox.page_id}/feed", limit=3).json()
    second = requests.get(first["paging"]["next"], timeout=5).json()
    back = requests.get(second["paging"]["previous"], timeout=5).json()
    assert [p["id"] for p in back["data"]] == [p["id"] for p in first["data"]]


def test_limit_is_capped_and_unversioned_paths_work(sandbox: FacebookSandbox) -> None:
    body = _get(sandbox, f"{f'{sandbox.page_id}_4008'}/comments", limit=500,
                filter="stream").json()
    assert len(body["data"]) == 100


def test_usage_headers_on_success_and_error(sandbox: FacebookSandbox) -> None:
    sandbox.state.config.update({"app_usage": 12, "page_usage": 34})
    ok = _get(sandbox, f"v25.0/{sandbox.page_id}")
    assert json.loads(ok.headers["X-App-Usage"])["call_count"] == 12
    buc = json.loads(ok.headers["X-Business-Use-Case-Usage"])
    assert buc[sandbox.page_id][0]["call_count"] == 34
    sandbox.state.add_fault(kind="throttle", code=32, regain_minutes=7)
    throttled = _get(sandbox, f"v25.0/{sandbox.page_id}")
    assert throttled.status_code == 400 and throttled.json()["error"]["code"] == 32
    entry = json.loads(throttled.headers["X-Business-Use-Case-Usage"])[sandbox.page_id][0]
    assert entry["call_count"] == 100 and entry["estimated_time_to_regain_access"] == 7
    missing = _get(sandbox, "v25.0/999999")
    assert missing.json()["error"]["error_subcode"] == 33
    assert "X-App-Usage" in missing.headers


def test_retired_version_and_bad_requests(sandbox: FacebookSandbox) -> None:
    assert _get(sandbox, f"v20.0/{sandbox.page_id}").json()["error"]["code"] == 2635
    bad = _get(sandbox, f"v25.0/{sandbox.page_id}/feed", fields="comments{id")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == 100
    assert _get(sandbox, f"v25.0/{sandbox.page_id}/nothing").json()["error"]["code"] == 100


def test_batch_endpoint_limits_and_items(sandbox: FacebookSandbox) -> None:
    items = [{"method": "GET", "relative_url": f"{sandbox.page_id}_4001?fields=id"}] * 51
    too_many = requests.post(f"{sandbox.url}/v25.0/", timeout=5, data={
        "access_token": sandbox.page_token, "batch": json.dumps(items)})
    assert too_many.json()["error"]["code"] == 100
    sandbox.state.add_fault(kind="batch_null", times=1)
    answer = requests.post(f"{sandbox.url}/", timeout=5, data={
        "access_token": sandbox.page_token, "batch": json.dumps(items[:3])}).json()
    assert answer[0] is None
    assert json.loads(answer[1]["body"]) == {"id": f"{sandbox.page_id}_4001"}
    assert {h["name"] for h in answer[1]["headers"]} >= {"X-App-Usage"}


def test_irregular_pages_are_deterministic(sandbox: FacebookSandbox) -> None:
    sandbox.state.config.irregular_pages = True
    path = f"v25.0/{sandbox.page_id}_4008/comments"
    first = _get(sandbox, path, filter="stream", limit=25).json()
    again = _get(sandbox, path, filter="stream", limit=25).json()
    assert first == again


def test_control_api(sandbox: FacebookSandbox) -> None:
    control = f"{sandbox.url}/__sandbox__"
    credentials = requests.get(f"{control}/credentials", timeout=5).json()
    assert credentials["page_id"] == sandbox.page_id
    assert requests.post(f"{control}/config", json={"irregular_pages": "true"},
                         timeout=5).json()["irregular_pages"] is True
    assert requests.post(f"{control}/config", json={"nope": 1}, timeout=5).status_code == 400
    assert requests.post(f"{control}/faults", json={"kind": "transient"},
                         timeout=5).json()["kind"] == "transient"
    assert requests.post(f"{control}/faults", json={"kind": "bogus"},
                         timeout=5).status_code == 400
    requests.delete(f"{control}/faults", timeout=5)
    assert sandbox.state.faults == []
    requests.post(f"{control}/tokens/{sandbox.page_token}/status", json={"status": "revoked"},
                  timeout=5)
    assert _get(sandbox, f"v25.0/{sandbox.page_id}").json()["error"]["error_subcode"] == 460
    requests.post(f"{control}/reset", json={"seed": True}, timeout=5)
    comment = requests.post(f"{control}/comments", timeout=5, json={
        "post_id": f"{sandbox.page_id}_4001", "message": "Wie lange hält der Akku? 🔋"}).json()
    assert _get(sandbox, f"v25.0/{comment['id']}").json()["message"].endswith("🔋")
    lead = requests.post(f"{control}/leads", timeout=5, json={
        "form_id": "7001", "answers": {"email": "new@example.com"}}).json()
    assert _get(sandbox, f"v25.0/{lead['id']}").json()["id"] == lead["id"]
    requests.post(f"{control}/objects/{lead['id']}/delete", timeout=5)
    assert _get(sandbox, f"v25.0/{lead['id']}").json()["error"]["error_subcode"] == 33
    large = requests.post(f"{control}/large-page", timeout=5,
                          json={"posts": 10, "comments": 100, "forms": 1,
                                "leads_per_form": 5}).json()
    assert large["objects"]["comment"] == 100 and large["objects"]["lead"] == 5
    stats = requests.get(f"{control}/stats", timeout=5).json()
    assert stats["http_calls"] == 4  # Graph calls only; the control API is not counted
    assert requests.post(f"{control}/stats/reset", timeout=5).json()["http_calls"] == 0


@pytest.mark.parametrize("distribution", ["even", "irregular"])
def test_large_page_has_exact_totals(distribution: str) -> None:
    sandbox = FacebookSandbox(seed=False)
    sandbox.load_large_page(posts=200, comments=5000, distribution=distribution)
    counts = [len(sandbox.store.stream(p)) for p in sandbox.store.ids_of("post")]
    assert sum(counts) == 5000 and len(counts) == 200
    if distribution == "even":
        assert set(counts) == {25}
    else:
        assert max(counts) > 200 and min(counts) == 0
