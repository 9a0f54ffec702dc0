"""The sandbox itself: LinkedIn's header and parameter rules and its control API over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests

from sandboxes.linkedin import ORGANIZATION_URN, SANDBOX_TOKEN, LinkedInSandbox

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


@pytest.mark.parametrize(("version", "status"), [
    ("202605", 200), ("202605.01", 200), ("202705", 200), ("202604", 426), ("202706", 426)])
def test_versions_retire_twelve_months_behind_the_sandbox_clock(version, status) -> None:
    clock = lambda: datetime(2027, 5, 15, 9, 30, tzinfo=UTC)  # noqa: E731
    with LinkedInSandbox(clock=clock, seed=False, quiet=True) as server:
        assert get(server, POSTS, **{"LinkedIn-Version": version}).status_code == status
        state = requests.get(f"{server.url}/__sandbox__/state", timeout=5).json()
    assert state["versions"] == {"min": "202605", "max": "202705"}


def test_version_floor_moves_with_the_clock() -> None:
    now = [datetime(2027, 5, 15, tzinfo=UTC)]
    with LinkedInSandbox(clock=lambda: now[0], seed=False, quiet=True) as server:
        assert get(server, POSTS, **{"LinkedIn-Version": "202605"}).status_code == 200
        now[0] = datetime(2027, 6, 1, tzinfo=UTC)  # a month later it is retired
        assert get(server, POSTS, **{"LinkedIn-Version": "202605"}).status_code == 426


@pytest.mark.parametrize("query", [
    POSTS + "&sortby=CREATED", POSTS + "&fields=id",
    "/rest/reactions/(entity:urn%3Ali%3Ashare%3A7250000000000000001)?q=entity"
    "&sortBy=CHRONOLOGICAL",
    "/rest/socialActions/urn%3Ali%3Ashare%3A7250000000000000001/comments?sortBy=RELEVANCE",
    "/rest/leadForms?q=owner&owner=(organization:urn%3Ali%3Aorganization%3A2414183)&state=X"])
def test_unknown_parameters_are_refused_not_ignored(sandbox, query) -> None:
    refused = get(sandbox, query)
    assert refused.status_code == 400
    assert refused.json()["message"].startswith("Invalid query parameters passed to request")


def test_reactions_sort_is_the_documented_record(sandbox) -> None:
    base = "/rest/reactions/(entity:urn%3Ali%3Ashare%3A7250000000000000001)?q=entity&count=100"
    newest = get(sandbox, base + "&sort=(value:REVERSE_CHRONOLOGICAL)").json()["elements"]
    oldest = get(sandbox, base + "&sort=(value:CHRONOLOGICAL)").json()["elements"]
    times = [r["created"]["time"] for r in newest]
    assert len(times) > 1 and times == sorted(times, reverse=True)
    assert oldest == newest[::-1]
    assert get(sandbox, base).json()["elements"] == newest  # the default
    assert get(sandbox, base + "&sort=(value:OLDEST)").status_code == 400
    assert get(sandbox, base + "&sort=CHRONOLOGICAL").status_code == 400


def post_comment(sandbox, target: str, body: dict) -> requests.Response:
    path = "/rest/socialActions/" + requests.utils.quote(target, safe="") + "/comments"
    return requests.post(sandbox.url + path, json=body, timeout=5,
                         headers={**HEADERS, "Content-Type": "application/json"})


@pytest.mark.parametrize("mode", ["full", "id", "urn", "encoded-urn"])
def test_created_comment_answers_and_single_comment_read(sandbox, mode) -> None:
    post = sandbox.state.posts[0]["id"]
    control(sandbox, "comment-answer", {"mode": mode})
    created = post_comment(sandbox, post, {"actor": ORGANIZATION_URN, "object": post,
                                           "message": {"text": "Hallo"}})
    assert created.status_code == 201
    number = str(sandbox.state.next_id)
    urn = next(c["commentUrn"] for c in sandbox.state.comments[post] if c["id"] == number)
    named = created.headers["x-restli-id"]
    assert named == {"full": number, "id": number, "urn": urn,
                     "encoded-urn": requests.utils.quote(urn, safe="")}[mode]
    assert (created.content != b"") == (mode == "full")
    path = "/rest/socialActions/" + requests.utils.quote(post, safe="") + "/comments/"
    one = get(sandbox, path + number)
    assert one.status_code == 200 and one.json()["commentUrn"] == urn
    assert get(sandbox, path + "1").status_code == 404


def test_an_applied_outage_writes_and_then_loses_the_answer(sandbox) -> None:
    post = sandbox.state.posts[0]["id"]
    before = len(sandbox.state.comments[post])
    control(sandbox, "outage", {"calls": 1, "applied": True})
    lost = post_comment(sandbox, post, {"actor": ORGANIZATION_URN, "object": post,
                                        "message": {"text": "Written anyway"}})
    assert lost.status_code == 503
    assert len(sandbox.state.comments[post]) == before + 1
    assert sandbox.state.comments[post][-1]["message"]["text"] == "Written anyway"
    control(sandbox, "outage", {"calls": 1})
    refused = post_comment(sandbox, post, {"actor": ORGANIZATION_URN, "object": post,
                                           "message": {"text": "Never written"}})
    assert refused.status_code == 503
    assert len(sandbox.state.comments[post]) == before + 1
