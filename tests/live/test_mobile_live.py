"""A rep's day on the real SuiteCRM 7.14 through the mobile API: log in, post quick updates
(a note with emoji, Cyrillic and Chinese, a call, a task created and completed offline),
a real `socialcrm worker` writes them as the rep, the records read back from the real
database with the rep as creator, and the results show in the rep's feed."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from connectors.suitecrm import SuiteCRMClient
from tests.live.host import Database, LiveSettings
from tests.live.mobile_server import MOBILE_SECRET_KEY

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = MOBILE_SECRET_KEY
REP = ("sally", "sally")  # SuiteCRM's demo rep and the password the test instance gives her
TEXT = "Встреча прошла хорошо 👍🏽 客户很满意 — “quotes” & I <3 it"


@pytest.fixture()
def api(mobile_api: str) -> str:
    return mobile_api


def crm_as_admin(live: LiveSettings) -> SuiteCRMClient:
    return SuiteCRMClient.service_account(live.url, live.client_id, live.client_secret)


def run_worker(live: LiveSettings, redis_url: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALCRM_")}
    env.update({"REDIS_URL": redis_url, "SOCIALCRM_SECRET_KEY": SECRET_KEY,
                "SOCIALCRM_LOG_LEVEL": "WARNING"})
    done = subprocess.run([sys.executable, "-m", "socialcrm", "worker", "--burst",
                           "--queues", "crm"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_rep_s_quick_updates_land_in_suitecrm_as_the_rep_and_in_her_feed(
        api: str, live: LiveSettings, redis_url: str, db: Database) -> None:
    login = requests.post(f"{api}/auth/token", timeout=30,
                          json={"username": REP[0], "password": REP[1]})
    assert login.status_code == 200, login.text
    sally = login.json()["user"]["id"]
    auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
    account = db.value("SELECT id FROM accounts WHERE deleted = 0 AND assigned_user_id = %s "
                       "LIMIT 1", (sally,))
    assert account, "the demo data gives sally accounts"
    tag = secrets.token_hex(4)
    note = {"type": "add_note", "subject": f"Visit {tag} 🤝", "text": TEXT,
            "parent": {"module": "Accounts", "id": account}}
    first = requests.post(f"{api}/updates", json=note, timeout=30,
                          headers={**auth, "Idempotency-Key": f"note-{tag}"})
    again = requests.post(f"{api}/updates", json=note, timeout=30,
                          headers={**auth, "Idempotency-Key": f"note-{tag}"})
    assert (first.status_code, again.status_code) == (202, 200)
    assert first.json()["id"] == again.json()["id"]
    batch = requests.post(f"{api}/updates/batch", timeout=30, headers=auth, json={"items": [
        {"idempotency_key": f"task-{tag}", "client_time": "2026-12-01T09:00:00Z",
         "body": {"type": "create_task", "subject": f"Send offer {tag}",
                  "date_due": "2026-12-20T17:00:00Z", "priority": "high",
                  "parent": {"module": "Accounts", "id": account}}},
        {"idempotency_key": f"done-{tag}", "client_time": "2026-12-01T09:05:00Z",
         "body": {"type": "complete_task", "task_id": f"ref:task-{tag}"}},
    ]})
    assert batch.status_code == 200, batch.text

    run_worker(live, redis_url)

    states = {}
    for update in (first.json(), *[r["update"] for r in batch.json()["results"]]):
        states[update["type"]] = requests.get(f"{api}/updates/{update['id']}", timeout=30,
                                              headers=auth).json()
    assert {t: s["status"] for t, s in states.items()} == {
        "add_note": "applied", "create_task": "applied", "complete_task": "applied"}, states
    note_id = states["add_note"]["record"]["id"]
    stored = db.row("SELECT created_by, modified_user_id, parent_id FROM notes "
                    "WHERE id = %s", (note_id,))
    assert stored is not None and stored["parent_id"] == account
    assert stored["created_by"] == stored["modified_user_id"] == sally, "written as the rep"
    # the text as SuiteCRM gives it back (the database holds 4-byte characters escaped)
    note = crm_as_admin(live).get("Notes", note_id)
    assert (note["name"], note["description"]) == (f"Visit {tag} 🤝", TEXT)
    assert db.value("SELECT COUNT(*) FROM notes WHERE parent_id = %s AND created_by = %s "
                    "AND deleted = 0 AND name LIKE %s", (account, sally, f"Visit {tag}%")) == 1, \
        "one note for one key"
    task_id = states["create_task"]["record"]["id"]
    task = db.row("SELECT status, created_by, modified_user_id FROM tasks WHERE id = %s",
                  (task_id,))
    assert task == {"status": "Completed", "created_by": sally, "modified_user_id": sally}

    deadline = time.monotonic() + 30
    while True:
        feed = requests.get(f"{api}/feed?limit=50", headers=auth, timeout=30).json()
        ids = {item["id"].partition(":")[2] for item in feed["items"]}
        if {note_id, task_id} <= ids or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert {note_id, task_id} <= ids, feed
