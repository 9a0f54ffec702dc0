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
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping

import requests

from connectors.errors import RateLimitedError
from connectors.facebook.usage import Usage, read_usage

log = logging.getLogger(__name__)


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
        self.pauses: list[float] = []

    @property
    def usage(self) -> Usage:
        with self._lock:
            return self._usage

    @property
    def paused_seconds(self) -> float:
        with self._lock:
            return sum(self.pauses)

    def pause_for(self, now: float) -> float:
        """Seconds to wait before a request sent at ``now`` (no side effects)."""
        with self._lock:
            usage, resume_at = self._usage, self._resume_at
        if resume_at is not None:
            return max(0.0, resume_at - now)
        if usage.percent < self.slow_from:
            return 0.0
        share = (usage.percent - self.slow_from) / (self.stop_at - self.slow_from)
        return self.max_pause * min(1.0, share)

    def before_request(self, endpoint: str) -> None:
        wait = self.pause_for(self.clock())
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
