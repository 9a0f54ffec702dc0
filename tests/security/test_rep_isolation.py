"""What rep A can reach of rep B's, and what reps can reach of managers' (issue 12,
Security: "rep A cannot read or change rep B's feed, updates, approvals or records;
manager-only endpoints refuse reps").

Already proved elsewhere (see docs/reliability-live.md for the whole list): the feed
(``tests/feed_api``), reading an update and idempotency keys (``tests/updates``), changing
records through updates (``tests/updates/test_failures.py``), reading records and cards
(``tests/records_api``, ``tests/sandbox_suitecrm/test_acl.py``), approvals
(``tests/approvals``). Added here: a ``ref:`` to another rep's update, another rep's
draft (read, send, discard), and a sweep of every manager-only operation of the OpenAPI
document, so one added later is covered too.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from tests.mobile.conftest import PREFIX, Api
from workers.updates.drafts import Draft, DraftStore
from workers.updates.store import UpdateStore

SALLY = "seed_sally_id"
SAMPLE_ID = "5f0c2a9e-0000-4000-8000-00000000a11e"


def test_a_ref_names_only_the_rep_s_own_updates(
        api: Api, sally_headers: dict[str, str], max_headers: dict[str, str]) -> None:
    key = f"task-{uuid.uuid4().hex[:8]}"
    created = api("POST", "/updates", headers={**sally_headers, "Idempotency-Key": key},
                  json={"type": "create_task", "subject": "Sally's task",
                        "date_due": "2026-12-20T17:00:00Z"})
    assert created.status_code == 202, created.text
    stolen = api("POST", "/updates", headers={**max_headers, "Idempotency-Key": "max-1"},
                 json={"type": "complete_task", "task_id": f"ref:{key}"})
    never_used = api("POST", "/updates", headers={**max_headers, "Idempotency-Key": "max-2"},
                     json={"type": "complete_task", "task_id": f"ref:{key}-never-used"})
    assert (stolen.status_code, never_used.status_code) == (422, 422), stolen.text
    assert "task_id" in stolen.json()["errors"]["json"]
    assert stolen.text.replace(key, "K") == never_used.text.replace(f"{key}-never-used", "K"), \
        "the answer tells nothing about whether Sally has such a key"
    same_key = api("POST", "/updates", headers={**max_headers, "Idempotency-Key": key},
                   json={"type": "complete_task", "task_id": f"ref:{key}"})
    assert same_key.status_code == 422, "Max's own key space holds no such create_task"
    sallys = UpdateStore(api.redis).find(SALLY, key)
    assert sallys is not None and (sallys.type, sallys.status) == ("create_task", "queued")


@pytest.fixture()
def sallys_draft(api: Api) -> Draft:
    draft = Draft(id=f"draft-{uuid.uuid4().hex}", case_id=str(uuid.uuid4()),
                  case_number="4711", case_name="Broken zipper",
                  interaction={"id": str(uuid.uuid4()), "network": "facebook",
                               "kind": "comment", "body": "Молния сломалась 😡"},
                  assignee_id=SALLY, language="en",
                  text="Good news: your case 4711 is resolved.",
                  verdict={"decision": "allowed"}, created_at=datetime.now(UTC))
    assert DraftStore(api.redis).create(draft)
    return draft


def test_another_rep_s_draft_can_be_neither_read_sent_nor_discarded(
        api: Api, sally_headers: dict[str, str], max_headers: dict[str, str],
        sallys_draft: Draft) -> None:
    path = f"/drafts/{sallys_draft.id}"
    for method, suffix in (("GET", ""), ("POST", "/send"), ("DELETE", "")):
        answer = api(method, path + suffix, headers=max_headers,
                     **({"json": {"text": "Max's words"}} if suffix else {}))
        assert answer.status_code == 404, (method, suffix, answer.text)
        assert "zipper" not in answer.text and "4711" not in answer.text
    assert api("GET", "/drafts", headers=max_headers).json()["total"] == 0
    mine = api("GET", path, headers=sally_headers)
    assert mine.status_code == 200
    assert (mine.json()["state"], mine.json()["text"], mine.json()["update_id"]) == (
        "pending", sallys_draft.text, None), "untouched by Max's calls"
    assert UpdateStore(api.redis).find(SALLY, sallys_draft.id) is None, "nothing sent"


def manager_only(api: Api) -> list[tuple[str, str]]:
    """The operations whose 403 says they are for managers or administrators."""
    spec = api("GET", "/openapi.json").json()
    found = []
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            refusal = str(operation.get("responses", {}).get("403", {}).get("description", ""))
            if "manager" in refusal.lower() or "administrator" in refusal.lower():
                found.append((method.upper(), path.removeprefix(PREFIX).replace(
                    "{approval_id}", SAMPLE_ID)))
    return found


def test_every_manager_only_operation_refuses_a_rep_and_serves_an_administrator(
        api: Api, sally_headers: dict[str, str],
        login: Callable[[str], dict[str, str]]) -> None:
    operations = manager_only(api)
    assert {("GET", "/approvals"), ("PUT", "/goals")} <= set(operations), operations
    admin = login("admin")
    goals = {"sla_percent_met": 90}
    assert api("PUT", "/goals", headers=admin, json=goals).status_code == 200
    before = api("GET", "/goals", headers=admin).json()
    for method, path in operations:
        body: dict[str, object] = {"json": {}} if method in ("POST", "PUT") else {}
        refused = api(method, path, headers=sally_headers, **body)
        assert refused.status_code == 403, (method, path, refused.text)
    assert api("GET", "/goals", headers=admin).json() == before, "the refused PUT did nothing"
    for method, path in operations:
        body = {"json": {}} if method in ("POST", "PUT") else {}
        served = api(method, path, headers=admin, **body)
        assert served.status_code != 403, (method, path, served.text)
