"""GET requests timed on the wire: one client in a row, or many clients at once for a while.

Why ``http.client`` and not ``requests``: the clients share the machine's two CPUs with
the servers they measure, so the lighter the client, the less of its own work ends up in
a figure (what remains weighs alike on every endpoint measured). It also hands over the
body exactly as it crossed the wire (compressed when the server compressed it), which is
what the byte figures count. Connections are kept alive, as a phone's HTTP stack keeps
its connection to the API.

Why time-boxed load rounds (``get_for``) rather than a fixed number of requests: the
benchmark must finish in a known time on a machine whose speed varies; the rate is the
answers counted over the wall time the round took.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from bench.support.load import Load

TIMEOUT = 60.0


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer as it arrived: status, the body's bytes on the wire, their encoding."""

    status: int
    body: bytes
    encoding: str  # Content-Encoding ("" when the body is sent as it is)
    seconds: float


class Connection:
    """One kept-alive connection to ``base`` (scheme, host, port and path prefix)."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"plain http on loopback only, not {base}")
        self.host, self.port = parts.hostname, parts.port or 80
        self.prefix = parts.path.rstrip("/")
        self._connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)

    def get(self, path: str, headers: Mapping[str, str]) -> Answer:
        return self.send("GET", path, headers)

    def send(self, method: str, path: str, headers: Mapping[str, str],
             body: bytes | None = None) -> Answer:
        """``method`` ``path`` (below the prefix). A kept-alive connection the server
        closed while idle (Apache's ``KeepAliveTimeout``) is opened anew and the request
        sent once more, as a phone's HTTP stack does; a failure on a fresh connection is
        an answer with status 0."""
        began = time.perf_counter()
        for attempt in (1, 2):
            try:
                self._connection.request(method, self.prefix + path, body=body,
                                         headers=dict(headers))
                response = self._connection.getresponse()
                answer = response.read()
                return Answer(response.status, answer,
                              response.getheader("Content-Encoding") or "",
                              time.perf_counter() - began)
            except (OSError, http.client.HTTPException):
                self.close()
                self._connection = http.client.HTTPConnection(self.host, self.port,
                                                              timeout=TIMEOUT)
                if attempt == 2 or not _idle_close_possible(method):
                    break
        return Answer(0, b"", "", time.perf_counter() - began)

    def close(self) -> None:
        self._connection.close()


def _idle_close_possible(method: str) -> bool:
    """Only requests safe to send twice are sent again (a POST might have landed)."""
    return method in ("GET", "HEAD")


def get_for(base: str, path: str, headers: Mapping[str, str], *, clients: int,
            seconds: float) -> tuple[Load, set[int]]:
    """``clients`` connections GET ``path`` back to back for ``seconds``; the load and
    the body sizes seen (one size when every answer was the same page)."""
    start = threading.Barrier(clients + 1)
    shares = [Load() for _ in range(clients)]
    sizes: list[set[int]] = [set() for _ in range(clients)]
    deadline = [0.0]

    def client(index: int) -> None:
        connection = Connection(base)
        start.wait()
        while time.perf_counter() < deadline[0]:
            answer = connection.get(path, headers)
            shares[index].latencies.append(answer.seconds)
            shares[index].statuses[answer.status] += 1
            sizes[index].add(len(answer.body))
        connection.close()

    threads = [threading.Thread(target=client, args=(n,), name=f"get-load-{n}")
               for n in range(clients)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + seconds
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    total = Load(seconds=time.perf_counter() - began)
    for share in shares:
        total.latencies += share.latencies
        total.statuses.update(share.statuses)
    return total, set().union(*sizes)
