"""Quick updates from many reps at once: accepted (202), then applied by the workers.

Each session is a phone: its own kept-alive connection, its own rep's token. All post at
the same moment (a barrier), each one ``POST /api/v1/updates`` with a new
``Idempotency-Key`` (a note or a logged call on the rep's own account, alternately, with
the project's multilingual texts), then poll ``GET /api/v1/updates/{id}`` every
``POLL_SECONDS`` (as an app would) until the update is no longer ``queued``.

Accepted -> applied is read from the update itself: ``accepted_at`` (the API stored it)
and ``updated_at`` (the worker stored the outcome), both stamped by the service to the
microsecond, so the poll's period does not blur the figure; the time until the phone saw
it (poll included) is kept beside it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bench.support.corpus import Comment
from bench.support.feed_corpus import SUBJECTS
from bench.support.get_load import Connection
from bench.support.mobile_target import Rep
from workers.updates.model import parse_iso

POLL_SECONDS = 0.5
WAIT_SECONDS = 300  # an update still queued after this is a hang, not a measurement
LOGIN_THREADS = 4
JSON_BODY = {"Content-Type": "application/json"}


@dataclass(frozen=True, slots=True)
class Session:
    """A rep logged in to the API, and the account the rep's updates are about."""

    rep: Rep
    headers: dict[str, str]
    account_id: str


@dataclass(frozen=True, slots=True)
class UpdateTiming:
    """One update's life: the 202's latency, accepted -> outcome as the service stamped
    it, accepted -> seen by the phone, and how it ended."""

    post_seconds: float
    applied_seconds: float
    seen_seconds: float
    status: str
    module: str
    record_id: str
    reason: str


def log_in(api_url: str, reps: Sequence[Rep], sessions: int,
           accounts: Mapping[str, str] | None = None) -> list[Session]:
    """``sessions`` logins through ``POST /api/v1/auth/token``, the reps taking turns;
    ``accounts`` names each rep's account (by user id) for the updates."""
    def one(number: int) -> Session:
        rep = reps[number % len(reps)]
        connection = Connection(api_url)
        try:
            answer = connection.send(
                "POST", "/api/v1/auth/token", JSON_BODY,
                json.dumps({"username": rep.user_name, "password": rep.password}).encode())
        finally:
            connection.close()
        if answer.status != 200:
            raise RuntimeError(f"{rep.user_name} could not log in: {answer.status} "
                               f"{answer.body[:200]!r}")
        token = json.loads(answer.body)["access_token"]
        return Session(rep, {"Authorization": f"Bearer {token}"},
                       (accounts or {}).get(rep.user_id, ""))

    with ThreadPoolExecutor(LOGIN_THREADS) as pool:
        return list(pool.map(one, range(sessions)))


def update_body(number: int, comment: Comment, account_id: str) -> dict[str, Any]:
    """A note or a logged call on ``account_id``, as a rep's app would send it."""
    parent = {"module": "Accounts", "id": account_id}
    now = datetime.now(UTC).isoformat()
    subject = SUBJECTS[number % len(SUBJECTS)]
    if number % 2:
        return {"type": "log_call", "subject": subject, "direction": "outbound",
                "duration_minutes": 5 + number % 20, "parent": parent,
                "description": comment.text, "client_time": now}
    return {"type": "add_note", "subject": f"After the visit: {subject}",
            "text": comment.text, "parent": parent, "client_time": now}


def post_all(api_url: str, sessions: Sequence[Session], texts: Iterator[Comment],
             key: Callable[[int], str], check_alive: Callable[[], None]
             ) -> list[UpdateTiming]:
    """Every session posts one update at the same moment; wait for every outcome."""
    bodies = [json.dumps(update_body(n, next(texts), s.account_id)).encode()
              for n, s in enumerate(sessions)]
    start = threading.Barrier(len(sessions) + 1)
    results: list[UpdateTiming | BaseException | None] = [None] * len(sessions)

    def phone(index: int) -> None:
        connection = Connection(api_url)
        try:
            start.wait()
            results[index] = _one_update(connection, sessions[index], bodies[index],
                                         key(index))
        except BaseException as exc:  # reported below, in the benchmark's thread
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=phone, args=(n,), name=f"phone-{n}", daemon=True)
               for n in range(len(sessions))]
    for thread in threads:
        thread.start()
    start.wait()
    while any(thread.is_alive() for thread in threads):
        check_alive()
        time.sleep(POLL_SECONDS)
    for thread in threads:
        thread.join()
    done = []
    for result in results:
        if not isinstance(result, UpdateTiming):
            raise RuntimeError(f"a phone's update did not finish: {result!r}")
        done.append(result)
    return done


def _one_update(connection: Connection, session: Session, body: bytes,
                key: str) -> UpdateTiming:
    headers = {**session.headers, **JSON_BODY, "Idempotency-Key": key}
    answer = connection.send("POST", "/api/v1/updates", headers, body)
    answered = time.perf_counter()
    if answer.status != 202:
        raise RuntimeError(f"POST /updates answered {answer.status}: {answer.body[:300]!r}")
    update = json.loads(answer.body)
    deadline = answered + WAIT_SECONDS
    while update["status"] == "queued":
        if time.perf_counter() > deadline:
            raise RuntimeError(f"update {update['id']} still queued after {WAIT_SECONDS} s")
        time.sleep(POLL_SECONDS)
        polled = connection.get(f"/api/v1/updates/{update['id']}", session.headers)
        if polled.status != 200:
            raise RuntimeError(f"GET /updates/{update['id']} answered {polled.status}")
        update = json.loads(polled.body)
    accepted, outcome = parse_iso(update["accepted_at"]), parse_iso(update["updated_at"])
    if accepted is None or outcome is None:
        raise RuntimeError(f"update {update['id']} without its times: {update}")
    record = update.get("record") or {}
    return UpdateTiming(post_seconds=answer.seconds,
                        applied_seconds=(outcome - accepted).total_seconds(),
                        seen_seconds=time.perf_counter() - answered,
                        status=str(update["status"]), module=str(record.get("module", "")),
                        record_id=str(record.get("id", "")),
                        reason=str(update.get("reason", "")))
