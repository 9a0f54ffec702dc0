"""No secret in any log line of the running system, in any error body, or in Redis in
clear (issue 12, Security: "never in logs", "never in error bodies", "a raw dump of the
Redis data holds no plaintext token").

``tests/system/test_secrets.py`` proves it for the ``socialcrm`` command starting and
failing. This runs the whole system, ``socialcrm run`` (the API under gunicorn, a worker
and the scheduler), on DEBUG logging against a password-protected Redis with AOF, with
secrets planted everywhere they exist:

* settings: SuiteCRM's two client secrets, the token key, the Facebook app secret and
  verify token, the LinkedIn client secret, the SuiteCRM notice secret, Redis' password;
* a rep's SuiteCRM password at login, and a wrong one (SuiteCRM's token endpoint quotes a
  wrong password back in its error);
* tokens handed out at run time: the Facebook user and Page tokens the Graph sandbox
  gives ``socialcrm connect``, every access and refresh token SuiteCRM issues (the
  service account's, the rep's, and those rotated when they expire: recorded by a proxy
  in front of SuiteCRM), and the API's own tokens given to the phone.

It is exercised as in a day's use: a login, a refresh, quick updates (one that SuiteCRM
refuses, one written while SuiteCRM answers 503, one after every SuiteCRM token expired),
signed Facebook, LinkedIn and SuiteCRM webhooks, a badly signed one, a forged token. Then
every line every process wrote, every error body, every key and value of Redis (read
and DUMPed) and its AOF files are searched for every secret.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pytest
import redis
import requests
from rq import Queue

from plugin.crm_events import sign as sign_notice
from sandboxes.facebook import FacebookSandbox
from sandboxes.facebook.sender import send_facebook_webhook
from sandboxes.linkedin.webhook_sender import send_linkedin_webhook
from sandboxes.suitecrm import SuiteCRMSandbox
from tests.security.token_proxy import TokenRecorder, recording_proxy
from tests.system.conftest import child_env
from workers.queues import queue_name
from workers.redis_server import find_redis_server, free_port

PLANTED = {
    "SUITECRM_CLIENT_SECRET": "planted-run-sync-secret-e41a",
    "SUITECRM_PASSWORD_CLIENT_SECRET": "planted-run-password-secret-77b0",
    "SOCIALCRM_SECRET_KEY": "planted-run-token-key-0123456789abcdef0123",
    "FACEBOOK_APP_SECRET": "planted-run-facebook-app-secret-2c5d",
    "FACEBOOK_VERIFY_TOKEN": "planted-run-facebook-verify-9a18",
    "LINKEDIN_CLIENT_SECRET": "planted-run-linkedin-secret-f0c3",
    "SOCIALCRM_NOTICE_SECRET": "planted-run-notice-secret-5be2",
}
REDIS_PASSWORD = "planted-run-redis-password-31d7"
REP = ("planted.rep", "planted-run-rep-password-c9e4")
WRONG_PASSWORD = "planted-run-wrong-password-08f6"
FB_USER_TOKEN = "planted-run-fb-user-token-EAAGd41b"
FB_PAGE_TOKEN = "planted-run-fb-page-token-EAAGe7a2"
FORGED = "planted-run-forged-bearer-token-6d0e"
SYNC_CLIENT = "planted-run-sync"
PASSWORD_CLIENT = "planted-run-password"


@dataclass
class Exercised:
    """What the running system wrote and stored, and every secret it must not show."""

    secrets: set[str]
    output: str  # every line of `socialcrm run` (all its processes) and `connect`
    error_bodies: list[str] = field(default_factory=list)
    redis_values: bytes = b""  # keys and values, read by type
    redis_dumps: bytes = b""  # DUMP of every key
    aof: bytes = b""
    outcomes: dict[str, str] = field(default_factory=dict)


def start_redis(data: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [find_redis_server(), "--bind", "127.0.0.1", "--port", str(port), "--requirepass",
         REDIS_PASSWORD, "--save", "", "--appendonly", "yes", "--appendfsync", "always",
         "--dir", str(data), "--logfile", ""],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://:{REDIS_PASSWORD}@127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while True:
        try:
            redis.Redis.from_url(url, socket_timeout=1).ping()
            return process, url
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@pytest.fixture(scope="module")
def exercised(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Exercised]:
    tmp = tmp_path_factory.mktemp("secrets-running")
    (tmp / "redis").mkdir()
    server, redis_url = start_redis(tmp / "redis")
    try:
        with SuiteCRMSandbox(port=0, seed=True, with_plugin=True) as crm, \
                FacebookSandbox(seed=False, app_secret=PLANTED["FACEBOOK_APP_SECRET"],
                                user_token=FB_USER_TOKEN, page_token=FB_PAGE_TOKEN) as graph, \
                recording_proxy(crm.url) as (proxy_url, recorder):
            crm.add_client(SYNC_CLIENT, PLANTED["SUITECRM_CLIENT_SECRET"], "client_credentials")
            crm.add_client(PASSWORD_CLIENT, PLANTED["SUITECRM_PASSWORD_CLIENT_SECRET"],
                           "password")
            crm.add_user(REP[0], REP[1], first_name="Плант", last_name="Rep")
            env = child_env(
                SUITECRM_URL=proxy_url, SUITECRM_CLIENT_ID=SYNC_CLIENT,
                SUITECRM_PASSWORD_CLIENT_ID=PASSWORD_CLIENT, REDIS_URL=redis_url,
                FACEBOOK_GRAPH_URL=graph.url, FACEBOOK_APP_ID=graph.app_id,
                SOCIALCRM_LOG_LEVEL="DEBUG", SOCIALCRM_API_PORT=str(free_port()),
                SOCIALCRM_WORKERS="1", SOCIALCRM_DATA_DIR=str(tmp / "data"), **PLANTED)
            yield run_and_exercise(env, crm, graph, recorder, redis_url, tmp / "redis")
    finally:
        server.terminate()
        server.wait(timeout=10)


def run_and_exercise(env: dict[str, str], crm: SuiteCRMSandbox, graph: FacebookSandbox,
                     recorder: TokenRecorder, redis_url: str, data: Path) -> Exercised:
    connect = subprocess.run([sys.executable, "-m", "socialcrm", "connect", "facebook",
                              "--page-id", graph.page_id], input=FB_USER_TOKEN + "\n",
                             env=env, capture_output=True, text=True, timeout=120, check=False)
    assert connect.returncode == 0, connect.stderr
    process = subprocess.Popen([sys.executable, "-m", "socialcrm", "run"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    try:
        deadline, stdout = time.monotonic() + 120, process.stdout
        assert stdout is not None
        while time.monotonic() < deadline and (line := stdout.readline()):
            lines.append(line)
            if "Press Ctrl-C" in line:
                break
        assert "Press Ctrl-C" in "".join(lines), "".join(lines)
        api = f"http://127.0.0.1:{env['SOCIALCRM_API_PORT']}"
        found = Exercised(secrets=set(), output="")
        phone_tokens = use_the_system(api, env, crm, graph, found)
        wait_for_webhook_jobs(redis_url)
    finally:
        process.send_signal(signal.SIGINT)
        rest, errors = process.communicate(timeout=60)
    found.output = "".join(lines) + rest + errors + connect.stdout + connect.stderr
    found.secrets = {*PLANTED.values(), REDIS_PASSWORD, REP[1], WRONG_PASSWORD,
                     FB_USER_TOKEN, FB_PAGE_TOKEN, *recorder.seen(), *phone_tokens}
    read_redis(redis_url, data, found)
    return found


def use_the_system(api: str, env: dict[str, str], crm: SuiteCRMSandbox,
                   graph: FacebookSandbox, found: Exercised) -> set[str]:
    """A day's use, failures included; returns the tokens the API gave the phone."""
    http = requests.Session()

    def call(method: str, path: str, **options: object) -> requests.Response:
        answer = http.request(method, api + path, timeout=60, **options)  # type: ignore[arg-type]
        if answer.status_code >= 400:
            found.error_bodies.append(f"{method} {path} {answer.status_code}: {answer.text}")
        return answer

    call("POST", "/api/v1/auth/token", json={"username": REP[0], "password": WRONG_PASSWORD})
    login = call("POST", "/api/v1/auth/token", json={"username": REP[0], "password": REP[1]})
    assert login.status_code == 200, login.text
    refreshed = call("POST", "/api/v1/auth/refresh",
                     json={"refresh_token": login.json()["refresh_token"]}).json()
    tokens = {login.json()["access_token"], login.json()["refresh_token"],
              refreshed["access_token"], refreshed["refresh_token"]}
    auth = {"Authorization": f"Bearer {refreshed['access_token']}"}
    call("GET", "/api/v1/feed", headers={"Authorization": f"Bearer {FORGED}"})
    call("GET", "/api/v1/updates/" + "0" * 32, headers=auth)

    def update(body: dict[str, str]) -> str:
        answer = call("POST", "/api/v1/updates", json=body,
                      headers={**auth, "Idempotency-Key": uuid.uuid4().hex})
        assert answer.status_code == 202, answer.text
        return str(answer.json()["id"])

    task = {"type": "create_task", "subject": "Call back 📞", "date_due": "2026-06-01T12:00:00Z"}
    updates = {"refused": update({"type": "complete_task", "task_id": str(uuid.uuid4())})}
    # More 503s than one call retries: the job fails (its traceback logged), RQ retries it.
    crm.faults.configure(fail_next=5, fail_status=503)
    updates["through 503s"] = update(task)
    wait_for(updates, api, auth, http)
    crm.expire_tokens()  # the next write renews the rep's and the service's tokens
    updates["after expiry"] = update(task)

    post = graph.store.add_post("9001", "Новая гитара", int(time.time()))
    comment = graph.add_visitor_comment(str(post["id"]), "Где мой заказ? 😡",
                                        author_id="100000000000991", author_name="Анна")
    hook = f"{api}/webhooks/facebook"
    secret = PLANTED["FACEBOOK_APP_SECRET"]
    for answer in (
        send_facebook_webhook(hook, secret, "comment", page_id=graph.page_id,
                              post_id=str(post["id"]), comment_id=str(comment["id"]),
                              text="Где мой заказ? 😡", sender_id="100000000000991"),
        send_facebook_webhook(hook, "planted-run-wrong-app-secret", "comment",
                              page_id=graph.page_id),
        send_linkedin_webhook(f"{api}/webhooks/linkedin", PLANTED["LINKEDIN_CLIENT_SECRET"],
                              "COMMENT"),
        notice(api, PLANTED["SOCIALCRM_NOTICE_SECRET"]),
    ):
        if answer.status_code >= 400:
            found.error_bodies.append(f"webhook {answer.status_code}: {answer.text}")
    wait_for(updates, api, auth, http)
    found.outcomes = {name: call("GET", f"/api/v1/updates/{update_id}", headers=auth)
                      .json()["status"] for name, update_id in updates.items()}
    return tokens


def wait_for_webhook_jobs(redis_url: str, seconds: float = 60) -> None:
    """Until the webhook jobs (intake, then ingest) have all run, and logged."""
    client = redis.Redis.from_url(redis_url)
    queue = Queue(queue_name("webhooks"), connection=client)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and (queue.count or queue.started_job_registry.count):
        time.sleep(0.3)
    client.close()


def notice(api: str, secret: str) -> requests.Response:
    body = json.dumps({"schema": 2, "notice_id": str(uuid.uuid4()), "unsent": 0, "events": [
        {"event_id": str(uuid.uuid4()), "module": "Tasks", "record_id": str(uuid.uuid4()),
         "action": "update", "changed_fields": ["status"], "assigned_user_id": "1",
         "modified_user_id": "1", "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                               time.gmtime())}]}).encode()
    stamp = int(time.time())
    return requests.post(f"{api}/webhooks/suitecrm", data=body, timeout=30, headers={
        "Content-Type": "application/json", "X-SocialCRM-Timestamp": str(stamp),
        "X-SocialCRM-Signature": sign_notice(body, secret, stamp)})


def wait_for(updates: dict[str, str], api: str, auth: dict[str, str],
             http: requests.Session, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        states = [http.get(f"{api}/api/v1/updates/{update_id}", headers=auth, timeout=30)
                  .json()["status"] for update_id in updates.values()]
        if "queued" not in states:
            return
        time.sleep(0.3)


def read_redis(url: str, data: Path, found: Exercised) -> None:
    """Every key and value by its type, every key's DUMP, and the AOF files' bytes."""
    client = redis.Redis.from_url(url)
    values: list[bytes] = []
    dumps: list[bytes] = []
    for key in client.scan_iter(count=500):
        values += [key, *stored_values(client, key)]
        dumps.append(cast(bytes, client.dump(key)) or b"")
    found.redis_values, found.redis_dumps = b"\n".join(values), b"\n".join(dumps)
    found.aof = b"".join(path.read_bytes() for path in sorted(data.rglob("*")) if path.is_file())
    client.close()


def stored_values(client: redis.Redis, key: bytes) -> list[bytes]:
    """What a key holds, whatever its type (strings, fields and values, members...)."""
    kind = cast(bytes, client.type(key))
    found: Any
    if kind == b"string":
        found = [client.get(key)]
    elif kind == b"hash":
        pairs = cast("dict[bytes, bytes]", client.hgetall(key)).items()
        found = [part for pair in pairs for part in pair]
    elif kind == b"list":
        found = client.lrange(key, 0, -1)
    elif kind == b"set":
        found = list(cast("set[bytes]", client.smembers(key)))
    elif kind == b"zset":
        found = client.zrange(key, 0, -1)
    elif kind == b"stream":
        entries = cast("list[tuple[bytes, dict[bytes, bytes]]]", client.xrange(key))
        found = [part for _, fields in entries for pair in fields.items() for part in pair]
    else:
        raise AssertionError(f"{key!r} is a {kind!r}: read it too")
    return [bytes(value) for value in found if value]


def leaked(text: str | bytes, secrets: set[str]) -> list[str]:
    haystack = text if isinstance(text, bytes) else text.encode("utf-8", "replace")
    return sorted(secret for secret in secrets if secret.encode() in haystack)


def test_the_system_was_exercised(exercised: Exercised) -> None:
    """The secrets were really in use: the runtime tokens were issued and the updates
    went their ways (a test that exercised nothing would prove nothing)."""
    runtime = exercised.secrets - {*PLANTED.values(), REDIS_PASSWORD, REP[1], WRONG_PASSWORD,
                                   FB_USER_TOKEN, FB_PAGE_TOKEN}
    assert len(runtime) >= 8, "service, rep and phone tokens, renewed after expiry"
    assert exercised.outcomes == {"refused": "failed", "through 503s": "applied",
                                  "after expiry": "applied"}
    assert " DEBUG " in exercised.output, "the logs were on at DEBUG, and were read"
    assert "Traceback" in exercised.output, "a failed job's traceback was logged, and read"
    assert any(" 401: " in body for body in exercised.error_bodies)
    assert any("webhook 403" in body for body in exercised.error_bodies)
    assert exercised.redis_values and exercised.aof


def test_no_secret_in_any_log_line_of_any_process(exercised: Exercised) -> None:
    assert leaked(exercised.output, exercised.secrets) == []


def test_no_secret_in_any_error_body(exercised: Exercised) -> None:
    for body in exercised.error_bodies:
        assert leaked(body, exercised.secrets) == [], body


def test_redis_holds_no_secret_or_token_in_clear(exercised: Exercised) -> None:
    assert leaked(exercised.redis_values, exercised.secrets) == []
    assert leaked(exercised.redis_dumps, exercised.secrets) == []
    assert leaked(exercised.aof, exercised.secrets) == []

