"""The Graph sandbox itself: documented shapes, knobs and control API, over plain HTTP."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from sandboxes.facebook import FacebookSandbox


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


def test_cursors_name_items_and_go_stale_when_theirs_is_deleted(
        sandbox: FacebookSandbox) -> None:
    post_id = f"{sandbox.page_id}_4005"
    stream = [n["id"] for n in sandbox.store.stream(post_id)]
    first = _get(sandbox, f"v25.0/{post_id}/comments", filter="stream", limit=10,
                 summary="true").json()
    sandbox.store.delete(stream[3])  # before the cursor: nothing shifts
    second = requests.get(first["paging"]["next"], timeout=5).json()
    assert [c["id"] for c in second["data"]] == [
        i for i in stream[10:] if sandbox.store.get(i) is not None][:10]
    sandbox.store.delete(second["data"][-1]["id"])  # the item the next cursor names
    stale = requests.get(second["paging"]["next"], timeout=5).json()
    assert stale["data"] == [] and "next" not in stale["paging"]
    live = len(sandbox.store.stream(post_id))
    assert stale["summary"]["total_count"] == live > 20  # only the count tells


def test_default_cost_model_refuses_big_nested_requests(sandbox: FacebookSandbox) -> None:
    fields = ("id,message,story,created_time,updated_time,from,permalink_url,is_hidden,"
              "is_published,status_type,comments.limit({n}).filter(stream){{id,message,"
              "created_time,from,parent,like_count,comment_count,is_hidden,permalink_url}}")
    for posts, comments, refused in ((100, 100, True), (50, 50, True), (25, 25, False)):
        body = _get(sandbox, f"v25.0/{sandbox.page_id}/feed", limit=posts,
                    fields=fields.format(n=comments)).json()
        assert ("error" in body) is refused
        if refused:
            assert "reduce the amount of data" in body["error"]["message"]
    sandbox.state.config.reduce_data_threshold = 250_000  # a lenient Graph
    assert "data" in _get(sandbox, f"v25.0/{sandbox.page_id}/feed", limit=100,
                          fields=fields.format(n=100)).json()


def test_nested_messages_are_limited_to_the_twenty_newest(sandbox: FacebookSandbox) -> None:
    path = f"v25.0/{sandbox.page_id}/conversations"
    refused = _get(sandbox, path, fields="id,messages.limit(21){id}").json()
    assert "20 most recent" in refused["error"]["message"]
    assert "data" in _get(sandbox, path, fields="id,messages.limit(20){id}").json()
    assert _get(sandbox, "v25.0/t_3100/messages", limit=50).json()["data"]


def test_version_floor_and_paging_links_carry_the_token(sandbox: FacebookSandbox) -> None:
    assert "id" in _get(sandbox, f"v21.0/{sandbox.page_id}").json()
    assert _get(sandbox, f"v20.0/{sandbox.page_id}").json()["error"]["code"] == 2635
    feed = requests.get(f"{sandbox.url}/v25.0/{sandbox.page_id}/feed", timeout=5,
                        params={"limit": 2},
                        headers={"Authorization": f"Bearer {sandbox.page_token}"}).json()
    assert f"access_token={sandbox.page_token}" in feed["paging"]["next"]


def test_control_faults_acting_after_the_request(sandbox: FacebookSandbox) -> None:
    control = f"{sandbox.url}/__sandbox__"
    comment = sandbox.store.children(f"{sandbox.page_id}_4003", "comments")[0]["id"]
    requests.post(f"{control}/faults", timeout=5,
                  json={"kind": "lost_answer", "method": "DELETE", "path": f"/{comment}"})
    lost = requests.delete(f"{sandbox.url}/v25.0/{comment}", timeout=5,
                           params={"access_token": sandbox.page_token})
    assert lost.status_code == 502 and sandbox.store.get(comment) is None  # done anyway
    assert requests.post(f"{control}/faults", json={"kind": "delete_after"},
                         timeout=5).status_code == 400  # needs object_id
    requests.post(f"{control}/tokens/{sandbox.page_token}/page-access", timeout=5,
                  json={"allowed": False})
    assert _get(sandbox, f"v25.0/{sandbox.page_id}").json()["error"]["error_subcode"] == 33
