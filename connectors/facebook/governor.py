"""A rate-limit governor that slows down *before* Graph throttles us.

Existing connectors read usage headers only on success, or not at all, and answer a
throttle with short blind retries that deepen the block. This governor sees every answer
(errors too, through the transport's ``Governor`` hook) and decides how long to pause
before the next request:

* below ``slow_from`` percent: no pause;
* from ``slow_from`` up to ``stop_at``: a pause growing linearly up to ``max_pause``
  seconds, so a long sync spreads out instead of hitting the wall;
* at ``stop_at`` or above, or whenever Graph sends ``estimated_time_to_regain_access``:
  wait until access is back (the estimate, else ``cooldown`` seconds); when that wait is
  longer than ``max_wait`` it raises ``RateLimitedError(retry_after=...)`` instead, so a
  worker reschedules the job rather than blocking for an hour.

Clock and sleep are injected, so tests drive it deterministically.

One governor lives as long as its client, and a worker builds a client per job: alone, a
governor would forget at the end of each job what Graph said, and each job, process and
host would learn the throttle again by calling into it (a call Graph refuses and, while it
throttles, counts). So a governor can be given a ``SharedUsage`` for its Page (Redis-backed
in ``workers.throttle``; this package stays free of Redis): every answer's usage and every
wait it names are recorded there, and before each request the governor also obeys what the
others recorded. Its own last answer still counts (the worse of the two is obeyed), so a
late, lower reading from another process never shortens a pause this one was told to take.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

import requests

from connectors.errors import RateLimitedError
from connectors.facebook.usage import Usage, read_usage

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SharedReading:
    """What the governors of one Page recorded: the latest usage any of them saw, and how
    long until access is back by the longest wait any answer named (0: none pending)."""

    percent: float = 0.0
    wait: float = 0.0


class SharedUsage(Protocol):
    """Usage and waits shared by every governor of one Page, across jobs and hosts.

    Must never break a Graph call: an implementation that cannot reach its store answers
    an empty reading and records nothing."""

    def read(self) -> SharedReading: ...

    def record(self, percent: float, wait: float | None) -> None:
        """One answer's usage; ``wait``: seconds until access is back, when it named
        a wait (a stored longer wait is kept)."""


class UsageGovernor:
    """Satisfies ``connectors.transport.Governor`` for Graph usage headers."""

    def __init__(
        self,
        *,
        slow_from: float = 75.0,
        stop_at: float = 95.0,
        max_pause: float = 10.0,
        cooldown: float = 60.0,
        max_wait: float = 300.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        shared: SharedUsage | None = None,
    ) -> None:
        if not 0 <= slow_from < stop_at <= 100:
            raise ValueError("need 0 <= slow_from < stop_at <= 100")
        self.slow_from = slow_from
        self.stop_at = stop_at
        self.max_pause = max_pause
        self.cooldown = cooldown
        self.max_wait = max_wait
        self.sleep = sleep
        self.clock = clock
        self._lock = threading.Lock()
        self._usage = Usage()
        self._resume_at: float | None = None
        self.shared = shared
        self.pauses: list[float] = []

    def share(self, shared: SharedUsage) -> None:
        """From now on, record in and obey ``shared`` too (see the module docstring)."""
        self.shared = shared

    @property
    def usage(self) -> Usage:
        with self._lock:
            return self._usage

    @property
    def paused_seconds(self) -> float:
        with self._lock:
            return sum(self.pauses)

    def pause_for(self, now: float, shared: SharedReading | None = None) -> float:
        """Seconds to wait before a request sent at ``now`` (no side effects): the longer
        of what this governor's own answers and the ``shared`` reading ask."""
        with self._lock:
            usage, resume_at = self._usage, self._resume_at
        own = (max(0.0, resume_at - now) if resume_at is not None
               else self.pace(usage.percent))
        if shared is None:
            return own
        return max(own, shared.wait, self.pace(shared.percent))

    def pace(self, percent: float) -> float:
        """The pause between requests at ``percent`` usage (0 below ``slow_from``)."""
        if percent < self.slow_from:
            return 0.0
        share = (percent - self.slow_from) / (self.stop_at - self.slow_from)
        return self.max_pause * min(1.0, share)

    def before_request(self, endpoint: str) -> None:
        shared = self.shared.read() if self.shared is not None else None
        wait = self.pause_for(self.clock(), shared)
        if wait <= 0:
            return
        if wait > self.max_wait:
            raise RateLimitedError(
                f"{endpoint}: Graph usage at {self.usage.percent:.0f}%, access back in "
                f"{wait:.0f} s (longer than the {self.max_wait:.0f} s this worker waits)",
                retry_after=wait, service="facebook",
            )
        log.info("facebook %s: usage %.0f%%, pausing %.2f s", endpoint, self.usage.percent,
                 wait)
        with self._lock:
            self.pauses.append(wait)
        self.sleep(wait)

    def after_response(self, endpoint: str, response: requests.Response) -> None:
        self.observe(response.headers)

    def observe(self, headers: Mapping[str, str], *, merge: bool = False) -> None:
        """Record one answer's usage.

        ``merge=True`` is for the inner answers of a batch: they may only make the
        picture worse, never clear what the batch answer itself reported.
        """
        usage = read_usage(headers)
        now = self.clock()
        if usage.regain_seconds > 0:
            resume_at: float | None = now + usage.regain_seconds
        elif usage.percent >= self.stop_at:
            resume_at = now + self.cooldown
        else:
            resume_at = None
        with self._lock:
            if merge:
                usage = Usage(max(usage.percent, self._usage.percent),
                              max(usage.regain_minutes, self._usage.regain_minutes))
                if self._resume_at is not None:
                    resume_at = max(resume_at or 0.0, self._resume_at)
            self._usage = usage
            self._resume_at = resume_at
        if self.shared is not None:
            self.shared.record(usage.percent,
                               None if resume_at is None else max(0.0, resume_at - now))
