"""Concurrent clients posting webhook deliveries, each request's latency recorded.

Each client is a thread with one persistent ``http.client`` connection (as Meta's
delivery servers keep theirs), sending its share of the deliveries back to back; all
start together behind a barrier. ``http.client`` rather than ``requests``: the clients
run on the same two CPUs as the server, so the lighter the client, the less of its own
overhead ends up in the figure (it still adds some, alike for every endpoint measured).
"""

from __future__ import annotations

import http.client
import math
import threading
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

Request = tuple[bytes, Mapping[str, str]]  # body and headers


@dataclass
class Load:
    """Latencies in seconds, answers by status (0: no answer), and wall time."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    seconds: float = 0.0

    def add(self, other: Load) -> None:
        self.latencies += other.latencies
        self.statuses.update(other.statuses)
        self.seconds += other.seconds

    def percentile(self, share: float) -> float:
        """Nearest-rank percentile (``share`` 0.5 for p50, 0.99 for p99)."""
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(share * len(ordered)) - 1)]

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds


def post_concurrently(url: str, requests: Sequence[Request], clients: int) -> Load:
    """POST every request to ``url`` from ``clients`` connections at once."""
    parts = urlsplit(url)
    host, port, path = parts.hostname or "127.0.0.1", parts.port or 80, parts.path or "/"
    start = threading.Barrier(clients + 1)
    shares = [Load() for _ in range(clients)]

    def client(index: int) -> None:
        connection = http.client.HTTPConnection(host, port, timeout=30)
        start.wait()
        for body, headers in requests[index::clients]:
            began = time.perf_counter()
            try:
                connection.request("POST", path, body=body, headers=dict(headers))
                answer = connection.getresponse()
                answer.read()
                status = answer.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=30)
                status = 0
            shares[index].latencies.append(time.perf_counter() - began)
            shares[index].statuses[status] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(n,), name=f"load-{n}")
               for n in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    total = Load(seconds=time.perf_counter() - began)
    for share in shares:
        total.latencies += share.latencies
        total.statuses.update(share.statuses)
    return total
