"""The running system pointed at the REAL SuiteCRM, the traffic sent to it, and the counts
read back from SuiteCRM's own MariaDB.

* :func:`live_stack`: Redis with AOF, the API under gunicorn and a fleet of ``socialcrm
  worker`` processes (``crm`` and ``webhooks`` queues), all configured with the real
  SuiteCRM's clients and a Facebook app secret for the webhooks;
* :func:`live_sessions`: the reps are SuiteCRM's demo users, logged in through the API as
  a phone does (the test instance gives each the user name as password);
* :class:`Webhooks`: signed Facebook comment deliveries, one new comment each, resent like
  Meta resends (same bytes) on a 5xx or a broken connection;
* :func:`count_tasks`, :func:`count_interactions`: what SuiteCRM's database holds, by the
  run's marker, so "applied once" is read where SuiteCRM keeps it, not from Redis.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import requests
from redis import Redis
from rq import Queue

from reliability.processes import ApiServer, Credentials, RedisServer, WorkerFleet, environment
from reliability.suitecrm_services import LiveSuiteCRM
from sandboxes.facebook.sender import build_event, meta_json, signature_headers
from workers.queues import queue_name

DEMO_REPS: tuple[str, ...] = ("sally", "max", "will", "chris", "sarah", "jim")
FACEBOOK_APP_SECRET = "reliability-live-facebook-app-secret"  # noqa: S105 - the run's own
PAGE = "104200000000001"
COMMENT_TEXT = "Гитара пришла сломанной 😡 你好 — O'Brien says \"a < b\" & 5 > 3"
RESEND_PAUSE_SECONDS = 0.5


class Rows(Protocol):
    """Reads SuiteCRM's database (``tests.live.host.Database`` is one)."""

    def rows(self, sql: str, args: Any = None) -> list[dict[str, Any]]: ...


class Connection(Rows, Protocol):
    def close(self) -> None: ...


class FreshRows:
    """Reads through a new connection each time. MariaDB is restarted under the run, and
    a PyMySQL connection neither survives that nor reconnects by itself."""

    def __init__(self, connect: Callable[[], Connection]) -> None:
        self._connect = connect

    def rows(self, sql: str, args: Any = None) -> list[dict[str, Any]]:
        database = self._connect()
        try:
            return database.rows(sql, args)
        finally:
            database.close()


def stored_text(text: str) -> str:
    """How the SocialCRM package stores ``text`` on SuiteCRM's 3-byte tables: each 4-byte
    character as its ``\\u{HEX}`` escape (read back through V8 it is the text again)."""
    return re.sub("[\U00010000-\U0010ffff]", lambda m: f"\\u{{{ord(m.group(0)):X}}}", text)


@dataclass
class LiveStack:
    redis: RedisServer
    api: ApiServer
    fleet: WorkerFleet

    def redis_client(self) -> Redis:
        """A fresh client (nothing here kills Redis, but keep the scenarios alike)."""
        return Redis.from_url(self.redis.url, socket_timeout=5)


@contextmanager
def live_stack(crm: LiveSuiteCRM, *, workers: int = 2) -> Iterator[LiveStack]:
    with ExitStack() as cleanup:
        workdir = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="rel-live-")))
        server = RedisServer(workdir / "redis", fsync="always").start()
        cleanup.callback(server.stop)
        env = environment(server.url, Credentials(crm.url, crm.sync_client,
                                                  crm.password_client))
        env["FACEBOOK_APP_SECRET"] = FACEBOOK_APP_SECRET
        api = ApiServer(env).start()
        cleanup.callback(api.stop)
        fleet = WorkerFleet(env, size=workers, queues=("crm", "webhooks")).start()
        cleanup.callback(fleet.stop)
        yield LiveStack(server, api, fleet)


@dataclass(frozen=True, slots=True)
class Session:
    user_name: str
    user_id: str
    headers: dict[str, str]


def live_sessions(api_url: str, count: int, reps: Sequence[str] = DEMO_REPS) -> list[Session]:
    """``count`` phones logged in as the demo reps in turn (password = user name)."""
    found = []
    for index in range(count):
        name = reps[index % len(reps)]
        answer = requests.post(f"{api_url}/api/v1/auth/token", timeout=60,
                               json={"username": name, "password": name})
        if answer.status_code != 200:
            raise RuntimeError(f"{name} could not log in to the real SuiteCRM through the "
                               f"API: {answer.status_code} {answer.text[:200]}")
        body = answer.json()
        found.append(Session(name, str(body["user"]["id"]),
                             {"Authorization": f"Bearer {body['access_token']}"}))
    return found


@dataclass
class WebhooksSent:
    accepted: set[int] = field(default_factory=set)
    answers: Counter[str] = field(default_factory=Counter)
    given_up: list[int] = field(default_factory=list)


class Webhooks:
    """``total`` signed comment deliveries, ``pace`` seconds apart, each a new comment
    ``<tag>_<n>`` on one post of the Page, from a handful of people."""

    def __init__(self, api_url: str, tag: str, *, give_up_after: float = 120.0) -> None:
        self.url = f"{api_url}/webhooks/facebook"
        self.tag = tag
        self.give_up_after = give_up_after
        self.sent = WebhooksSent()

    def external_id(self, number: int) -> str:
        return f"{self.tag}_{number}"

    def body(self, number: int) -> bytes:
        return meta_json(build_event(
            "comment", page_id=PAGE, post_id=f"{PAGE}_{self.tag}",
            comment_id=self.external_id(number), text=COMMENT_TEXT,
            sender_id=f"p{self.tag}{number % 3}", sender_name=f"Иван {number % 3} 🎸",
            created_time=1_770_000_000 + number))

    def send(self, total: int, *, pace: float = 0.0) -> WebhooksSent:
        with requests.Session() as http:
            for number in range(total):
                self._send_one(http, number)
                if pace:
                    time.sleep(pace)
        return self.sent

    def _send_one(self, http: requests.Session, number: int) -> None:
        body = self.body(number)
        headers = {"Content-Type": "application/json",
                   **signature_headers(body, FACEBOOK_APP_SECRET)}
        deadline = time.monotonic() + self.give_up_after
        while True:
            try:
                outcome = str(http.post(self.url, data=body, headers=headers,
                                        timeout=30).status_code)
            except requests.RequestException:
                outcome = "conn"
            self.sent.answers[outcome] += 1
            if outcome == "200":
                self.sent.accepted.add(number)
                return
            if not (outcome == "conn" or outcome.startswith("5")) \
                    or time.monotonic() > deadline:
                self.sent.given_up.append(number)
                return
            time.sleep(RESEND_PAUSE_SECONDS)


def count_tasks(db: Rows, marker: str) -> tuple[Counter[int], set[str]]:
    """How many live Tasks SuiteCRM's database holds per update number of the run, and
    who created them."""
    pattern = re.compile(re.escape(marker) + r" #(\d+)$")
    found: Counter[int] = Counter()
    creators: set[str] = set()
    for row in db.rows("SELECT name, created_by FROM tasks WHERE deleted = 0 AND name LIKE %s",
                       (f"{marker} #%",)):
        match = pattern.match(str(row["name"]))
        if match:
            found[int(match.group(1))] += 1
            creators.add(str(row["created_by"]))
    return found, creators


def count_interactions(db: Rows, tag: str) -> tuple[Counter[int], int]:
    """Live Social Interactions per comment number of the run, and how many hold a body
    other than the one sent (as the package stores it)."""
    pattern = re.compile(re.escape(tag) + r"_(\d+)$")
    found: Counter[int] = Counter()
    mangled = 0
    for row in db.rows("SELECT external_id, body FROM scrm_socialinteractions "
                       "WHERE deleted = 0 AND external_id LIKE %s", (f"{tag}\\_%",)):
        match = pattern.match(str(row["external_id"]))
        if match:
            found[int(match.group(1))] += 1
            mangled += row["body"] != stored_text(COMMENT_TEXT)
    return found, mangled


def webhook_work_left(client: Redis) -> int:
    """Jobs still to run on the intake and ingest path: queued, running or waiting for a
    retry (what must reach 0 before the interactions are counted)."""
    queue = Queue(queue_name("webhooks"), connection=client)
    return int(queue.count + queue.started_job_registry.count
               + queue.scheduled_job_registry.count)
