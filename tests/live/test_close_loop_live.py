"""Closing the loop in public on the real SuiteCRM 7.14 with the current package: Sally
closes a social Case through V8 as herself, the package's change outbox is drained onto
the event stream, a real `socialcrm worker` drafts the reply (the ``close-loop`` group),
Sally reads it through the mobile API in the customer's language and sends it in one
tap; the worker posts it once (the Facebook sandbox stands in for the network) and the
real database holds the interaction ``closed_publicly`` and the reply with its verdict."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import redis
import requests

from connectors.errors import NotFoundError
from connectors.suitecrm import SuiteCRMClient
from sandboxes.facebook import DEMO_PAGE_ID, FacebookSandbox
from tests.live.host import Database, LiveSettings
from tests.live.mobile_server import MOBILE_SECRET_KEY
from workers import crm_outbox
from workers.jobs.close_loop import FUNCTION as DRAIN_CLOSURES
from workers.queues import enqueue
from workers.tokens import NetworkToken, TokenCipher, TokenStore

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = MOBILE_SECRET_KEY  # the API and the workers here share it
REP = ("sally", "sally")  # SuiteCRM's demo rep and the password the test instance gives her
INTERACTIONS = "SCRM_SocialInteractions"
COMPLAINT = "Палатка протекает по шву 😟 «срочно»"
RESOLUTION = "Заменили палатку на новую модель 🏕️, курьер привезёт её в пятницу."


def stored(text: str) -> str:
    """What SuiteCRM's 3-byte tables hold: each 4-byte character as the package's escape."""
    return re.sub("[\U00010000-\U0010ffff]", lambda m: f"\\u{{{ord(m.group(0)):X}}}", text)


@pytest.fixture()
def facebook(redis_url: str) -> Iterator[FacebookSandbox]:
    with FacebookSandbox() as running:
        TokenStore(redis.Redis.from_url(redis_url), TokenCipher(SECRET_KEY)).save(
            NetworkToken("facebook", DEMO_PAGE_ID, running.page_token))
        yield running


@pytest.fixture()
def api(mobile_api: str) -> str:
    return mobile_api


@pytest.fixture()
def created(crm: SuiteCRMClient) -> Iterator[list[tuple[str, str]]]:
    made: list[tuple[str, str]] = []
    yield made
    # Interactions before their Case: SuiteCRM 7.14 fails to delete a Case that still
    # has Social Interactions linked to it.
    for module, record in sorted(made, key=lambda m: m[0] != INTERACTIONS):
        with contextlib.suppress(NotFoundError):
            crm.delete(module, record)


def run_worker(redis_url: str, facebook: FacebookSandbox, *queues: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALCRM_")}
    env.update({"REDIS_URL": redis_url, "SOCIALCRM_SECRET_KEY": SECRET_KEY,
                "SOCIALCRM_LOG_LEVEL": "WARNING", "FACEBOOK_GRAPH_URL": facebook.url,
                "FACEBOOK_APP_ID": facebook.app_id,
                "FACEBOOK_APP_SECRET": facebook.app_secret})
    command = [sys.executable, "-m", "socialcrm", "worker", "--burst"]
    for name in queues:
        command += ["--queues", name]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def ok(answer: requests.Response, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def test_a_case_closed_in_suitecrm_is_answered_in_public_once_and_recorded(
        installed_package: str, live: LiveSettings, crm: SuiteCRMClient, db: Database,
        redis_url: str, api: str, facebook: FacebookSandbox,
        created: list[tuple[str, str]]) -> None:
    client = redis.Redis.from_url(redis_url)
    sally = db.value("SELECT id FROM users WHERE user_name = %s AND deleted = 0", (REP[0],))
    first_name = db.value("SELECT first_name FROM users WHERE id = %s", (sally,))
    assert sally and first_name, "the test instance has the demo rep"
    tag = secrets.token_hex(4)
    post_id = next(node["id"] for node in facebook.store.nodes.values()
                   if node["__type"] == "post")
    comment = facebook.add_visitor_comment(post_id, COMPLAINT, author_id="100000000000099",
                                           author_name="Ольга")
    case = crm.create("Cases", {"name": f"Tent leaks {tag}", "state": "Open",
                                "status": "Open_Assigned", "assigned_user_id": sally})
    created.append(("Cases", case.id))
    inbound = crm.create(INTERACTIONS, {
        "name": f"Complaint {tag}", "network": "facebook", "external_id": comment["id"],
        "kind": "comment", "direction": "inbound", "status": "assigned",
        "thread_external_id": post_id, "parent_external_id": post_id, "body": COMPLAINT,
        "author_name": "Ольга", "language": "ru", "occurred_at": datetime.now(UTC),
        "assigned_user_id": sally, "case_id": case.id})
    created.append((INTERACTIONS, inbound.id))

    # Only this test's changes: start after the outbox's newest row, prune nothing (other
    # suites drain the same outbox).
    newest = db.value("SELECT COALESCE(MAX(sequence), 0) FROM scrm_change_outbox")
    crm_outbox.set_position(client, int(newest))
    as_sally = SuiteCRMClient.login(live.url, live.password_client_id,
                                    live.password_client_secret, *REP)
    as_sally.update("Cases", case.id, {"state": "Closed", "status": "Closed_Closed",
                                       "resolution": RESOLUTION})
    drained = crm_outbox.drain(client, crm, prune=False)
    assert drained.applied >= 1, drained
    enqueue(client, "webhooks", DRAIN_CLOSURES, job_id=f"close-loop-{uuid.uuid4().hex}")
    run_worker(redis_url, facebook, "webhooks")

    login = ok(requests.post(f"{api}/auth/token", timeout=30,
                             json={"username": REP[0], "password": REP[1]}))
    auth = {"Authorization": f"Bearer {login['access_token']}"}
    drafts = ok(requests.get(f"{api}/drafts?limit=100", headers=auth, timeout=30))["items"]
    (draft,) = [d for d in drafts if d["case"]["id"] == case.id]
    number = db.value("SELECT case_number FROM cases WHERE id = %s", (case.id,))
    expected = (f"Хорошие новости: ваше обращение {number} решено. {RESOLUTION}\n"
                f"Спасибо за терпение!\n— {first_name}")
    assert (draft["text"], draft["language"], draft["verdict"]["decision"]) == (
        expected, "ru", "allowed"), draft
    assert db.value("SELECT status FROM scrm_socialinteractions WHERE id = %s",
                    (inbound.id,)) == "closed"

    sent = ok(requests.post(f"{api}/drafts/{draft['id']}/send", headers=auth, timeout=30), 202)
    again = ok(requests.post(f"{api}/drafts/{draft['id']}/send", headers=auth, timeout=30))
    assert again["id"] == sent["id"]
    run_worker(redis_url, facebook, "crm", "outbound")

    update = ok(requests.get(f"{api}/updates/{sent['id']}", headers=auth, timeout=30))
    assert update["delivery"]["status"] == "posted", update
    reply_id = update["record"]["id"]
    created.append((INTERACTIONS, reply_id))
    posted = [node for node in facebook.store.nodes.values()
              if node["__type"] == "comment" and node["from"] == DEMO_PAGE_ID
              and node["message"] == expected]
    assert len(posted) == 1
    answered = db.row("SELECT status, first_response_at FROM scrm_socialinteractions "
                      "WHERE id = %s", (inbound.id,))
    assert answered is not None and answered["status"] == "closed_publicly"
    assert answered["first_response_at"] is not None
    outbound = db.row(
        "SELECT body, external_id, status, direction, policy_verdict, policy_reasons, "
        "policy_approver_id, created_by, case_id FROM scrm_socialinteractions "
        "WHERE id = %s AND deleted = 0", (reply_id,))
    assert outbound is not None
    assert (outbound["body"], outbound["external_id"], outbound["status"]) == (
        stored(expected), posted[0]["id"], "closed")
    assert (outbound["direction"], outbound["policy_verdict"], outbound["created_by"],
            outbound["case_id"]) == ("outbound", "allowed", sally, case.id)
    assert outbound["policy_approver_id"] in (None, "")
    assert crm.get(INTERACTIONS, reply_id)["body"] == expected, "reads back as written"
