"""Posting a storm's deliveries to the API from several threads, as the networks do.

Meta and LinkedIn deliver from many machines at once, so deliveries overlap and a
redelivery can arrive while the first copy is still being stored. Each thread takes the
next delivery in the plan's order, so the order is the plan's give or take the overlap.
Nothing is retried: every answer is recorded as it came (a good delivery that is not
answered 2xx, or any 5xx, is a failure the scenario reports).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

import requests

from reliability.webhook_events import PATHS
from reliability.webhook_stream import Shipment


@dataclass(frozen=True, slots=True)
class Answer:
    """The API's answer to one delivery: its status code (None: no answer at all) and
    the reason it gave (``accepted``/``duplicate`` for a 200, the ``error`` of a 4xx)."""

    code: int | None
    reason: str

    @property
    def label(self) -> str:
        return f"{self.code if self.code is not None else 'no answer'} {self.reason}"


def deliver_all(api_url: str, shipments: Sequence[Shipment], *, threads: int = 8,
                timeout: float = 30.0) -> tuple[list[Answer], float]:
    """Every answer, in the plan's order, and the seconds the sending took."""
    answers: list[Answer | None] = [None] * len(shipments)
    work: queue.Queue[int] = queue.Queue()
    for index in range(len(shipments)):
        work.put(index)

    def sender() -> None:
        with requests.Session() as http:
            while True:
                try:
                    index = work.get_nowait()
                except queue.Empty:
                    return
                answers[index] = _post(http, api_url, shipments[index], timeout)

    began = time.monotonic()
    workers = [threading.Thread(target=sender, daemon=True, name=f"storm-{n}")
               for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return [answer or Answer(None, "not sent") for answer in answers], \
        time.monotonic() - began


def _post(http: requests.Session, api_url: str, shipment: Shipment,
          timeout: float) -> Answer:
    try:
        response = http.post(api_url + PATHS[shipment.network], data=shipment.body,
                             headers=dict(shipment.headers), timeout=timeout)
    except requests.RequestException as exc:
        return Answer(None, type(exc).__name__)
    try:
        document = response.json()
    except ValueError:
        return Answer(response.status_code, "not JSON")
    if not isinstance(document, dict):
        return Answer(response.status_code, "not a JSON object")
    reason = document.get("status") if response.ok else document.get("error")
    return Answer(response.status_code, str(reason or "no reason given"))
