
"""Reps' phones: concurrent sessions posting quick updates, retrying as a good client does.

Each update is a ``create_task`` whose subject carries the run's marker and the update's
number, so the records can be counted in SuiteCRM afterwards, and whose description holds
text that must come back unchanged (emoji, Cyrillic, Chinese). A phone retries the same
update with the SAME Idempotency-Key on a 503 or a broken connection, as the API's
contract asks, until it gets 202 (accepted) or 200 (accepted before): that is what makes
"every accepted update applied exactly once" meaningful.
"""

from __future__ import annotations

import queue
import threading
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import requests

DESCRIPTION = "Звонок 👍🏽 客户很满意 «O'Brien» \"ok\""
REPS: tuple[str, ...] = ("sally", "max", "will", "chris", "sarah")  # the sandbox's seed
RETRY_PAUSE_SECONDS = 0.25


def subject(marker: str, number: int) -> str:
    return f"{marker} #{number}"


@dataclass
class Sent:
    """What the phones saw, for every update they sent."""

    accepted: dict[int, str] = field(default_factory=dict)  # number -> update id
    answers: Counter[str] = field(default_factory=Counter)  # "202", "503", "conn"...
    latencies_202: list[float] = field(default_factory=list)
    failures: list[tuple[float, float]] = field(default_factory=list)  # (start, end)
    given_up: list[int] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0

    @property
    def unavailable_seconds(self) -> float:
        """From the first refused request to the end of the last one that was refused
        (0 when none was): how long reps could not record an update."""
        if not self.failures:
            return 0.0
        return max(end for _, end in self.failures) - min(start for start, _ in self.failures)


def login(api_url: str, user_name: str) -> dict[str, str]:
    answer = requests.post(f"{api_url}/api/v1/auth/token", timeout=60,
                           json={"username": user_name, "password": f"{user_name}-Passw0rd"})
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def sessions(api_url: str, count: int, reps: Sequence[str] = REPS) -> list[dict[str, str]]:
    """``count`` sessions (several per seeded rep when ``count`` exceeds the reps)."""
    return [login(api_url, reps[index % len(reps)]) for index in range(count)]


class Phones:
    """``len(headers)`` phones sending ``total`` numbered updates between them."""

    def __init__(self, api_url: str, headers: Sequence[dict[str, str]], marker: str, *,
                 give_up_after: float = 120.0) -> None:
        self.api_url = api_url
        self.headers = list(headers)
        self.marker = marker
        self.give_up_after = give_up_after
        self.sent = Sent()
        self._lock = threading.Lock()

    def body(self, number: int) -> dict[str, str]:
        return {"type": "create_task", "subject": subject(self.marker, number),
                "date_due": "2026-06-01T12:00:00Z", "description": DESCRIPTION}

    def send(self, total: int, *, pace: float = 0.0) -> Sent:
        """Send updates 0..total-1 from all phones at once; ``pace`` seconds between two
        updates of one phone (0: as fast as the API answers)."""
        work: queue.Queue[int] = queue.Queue()
        for number in range(total):
            work.put(number)
        self.sent.started = time.monotonic()
        threads = [threading.Thread(target=self._phone, args=(headers, work, pace),
                                    daemon=True) for headers in self.headers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.sent.finished = time.monotonic()
        return self.sent

    def _phone(self, headers: dict[str, str], work: queue.Queue[int], pace: float) -> None:
        with requests.Session() as http:
            while True:
                try:
                    number = work.get_nowait()
                except queue.Empty:
                    return
                self._send_one(http, headers, number)
                if pace:
                    time.sleep(pace)

    def _send_one(self, http: requests.Session, headers: dict[str, str], number: int) -> None:
        key = f"{self.marker}-{number}-{uuid.uuid4().hex[:8]}"
        deadline = time.monotonic() + self.give_up_after
        while True:
            began = time.monotonic()
            try:
                answer = http.post(f"{self.api_url}/api/v1/updates", json=self.body(number),
                                   headers={**headers, "Idempotency-Key": key}, timeout=30)
                outcome = str(answer.status_code)
            except requests.RequestException:
                answer, outcome = None, "conn"
            ended = time.monotonic()
            with self._lock:
                self.sent.answers[outcome] += 1
                if answer is not None and answer.status_code in (200, 202):
                    self.sent.accepted[number] = str(answer.json()["id"])
                    if answer.status_code == 202:
                        self.sent.latencies_202.append(ended - began)
                    return
                if outcome not in ("503", "conn") or ended > deadline:
                    self.sent.given_up.append(number)  # a 500 or a 4xx is never retried
                    return
                self.sent.failures.append((began, ended))
            time.sleep(RETRY_PAUSE_SECONDS)


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]
