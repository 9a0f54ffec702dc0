"""The sandbox itself: LinkedIn's header rules and its control API over HTTP."""

from __future__ import annotations

import requests

from connectors.sandbox.linkedin import ORGANIZATION_URN, SANDBOX_TOKEN

POSTS = "/rest/posts?q=author&author=urn%3Ali%3Aorganization%3A2414183"
HEADERS = {"Authorization": f"Bearer {SANDBOX_TOKEN}", "LinkedIn-Version": "202610",
           "X-Restli-Protocol-Version": "2.0.0"}


def get(sandbox, path: str, **headers: str) -> requests.Response:
    merged = {k: v for k, v in {**HEADERS, **headers}.items() if v}
    return requests.get(sandbox.url + path, headers=merged, timeout=5)


def control(sandbox, name: str, body: dict) -> None:
    response = requests.post(f"{sandbox.url}/__sandbox__/{name}", json=body, timeout=5)
    assert response.status_code == 200, response.text


def test_missing_or_retired_headers(sandbox) -> None:
    assert get(sandbox, POSTS).status_code == 200
    missing_version = get(sandbox, POSTS, **{"LinkedIn-Version": ""})
    assert (missing_version.status_code, missing_version.json()["code"]) == (400,
                                                                           "VERSION_MISSING")
    assert get(sandbox, POSTS, **{"X-Restli-Protocol-Version": ""}).status_code == 400
    retired = get(sandbox, POSTS, **{"LinkedIn-Version": "202401"})
    assert retired.status_code == 426
    assert retired.json() == {"status": 426, "code": "NONEXISTENT_VERSION",
                              "message": "Requested version 202401 is not active"}
    assert get(sandbox, POSTS, Authorization="").status_code == 401


def test_non_ascii_bodies_are_utf8_unescaped(sandbox) -> None:
    response = get(sandbox, "/rest/socialActions/urn%3Ali%3Ashare%3A7250000000000000001/comments"
                            "?count=50")
    assert response.headers["Content-Type"].startswith("application/json")
    assert b"\\u" not in response.content
    assert response.json()["elements"]


def test_control_api_over_http(sandbox) -> None:
    control(sandbox, "throttle", {"calls": 1})
    throttled = get(sandbox, POSTS)
    assert throttled.status_code == 429
    assert throttled.json()["serviceErrorCode"] == 101
    assert "Retry-After" not in throttled.headers
    control(sandbox, "outage", {"calls": 1, "status": 502})
    assert get(sandbox, POSTS).status_code == 502
    control(sandbox, "paging", {"total": "omit"})
    assert "total" not in get(sandbox, POSTS).json()["paging"]
    post = sandbox.state.posts[0]["id"]
    control(sandbox, "delete", {"urn": post})
    assert get(sandbox, "/rest/posts/" + requests.utils.quote(post, safe="")).status_code == 404
    control(sandbox, "tokens", {"token": "late-token", "state": "expired"})
    expired = get(sandbox, POSTS, Authorization="Bearer late-token")
    assert expired.json()["serviceErrorCode"] == 65602
    state = requests.get(f"{sandbox.url}/__sandbox__/state", timeout=5).json()
    assert state["organization"] == ORGANIZATION_URN and post in state["deleted"]
    log = requests.get(f"{sandbox.url}/__sandbox__/requests", timeout=5).json()["requests"]
    assert [entry["status"] for entry in log] == [429, 502, 200, 404, 401]
    requests.delete(f"{sandbox.url}/__sandbox__/requests", timeout=5)
    assert sandbox.requests == []


def test_unencoded_urn_in_path_is_rejected(sandbox) -> None:
    response = get(sandbox, "/rest/socialActions/urn:li:share:7250000000000000001/comments")
    assert response.status_code == 400
