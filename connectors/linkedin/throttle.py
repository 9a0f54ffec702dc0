"""LinkedIn throttling: how long a 429 means, and a governor that honours it.

LinkedIn publishes no numbers, sends no usage headers, and answers a 429
(``serviceErrorCode`` 101) often *without* ``Retry-After``. Its limits are per
resource, per application and per member, counted per day and reset at midnight UTC.
Blind short retries against a daily limit only burn the next day's budget, so:

* ``Retry-After`` is obeyed when present;
* a message naming a daily limit ("... APPLICATION DAY limit ...") waits until the
  next UTC midnight;
* any other 429 waits a conservative ``default_retry_after`` (a setting) the first
  time, and twice as long for each further 429 in a row on the same resource, never
  past the next UTC midnight (when the daily counters reset). An unmarked 429 that
  keeps coming back is most likely a daily limit LinkedIn did not name: a fixed short
  wait would poke it every minute all day. The first successful answer resets the
  doubling for that resource (another error in between does not);
* after a 429 the governor holds every further call to that resource until the wait
  is over: it sleeps when the hold is short, and when it is long it raises
  ``RateLimitedError`` at once *without* calling LinkedIn, so a worker can reschedule.
  The error mapper reads the hold from the governor (``remaining``), so the
  ``retry_after`` a caller sees is the hold the governor enforces.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import requests

from connectors.errors import RateLimitedError
from connectors.linkedin.errorbody import ErrorBody
from connectors.linkedin.timewindows import seconds_until_next_utc_midnight
from connectors.transport import parse_retry_after

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class ThrottleRule:
    """How long a 429 is taken to last when LinkedIn does not say."""

    default_retry_after: float = 60.0
    daily_markers: tuple[str, ...] = ("DAY limit", "daily limit")

    def wait(self, response: requests.Response, now: datetime, *, repeats: int = 0) -> float:
        """Seconds to hold calls after this 429; ``repeats``: 429s on the same resource
        right before this one (each doubles an unmarked wait, up to UTC midnight)."""
        header = parse_retry_after(response.headers.get("Retry-After"))
        if header is not None:
            return header
        until_midnight = seconds_until_next_utc_midnight(now)
        if ErrorBody.of(response).mentions(*self.daily_markers):
            return until_midnight
        return min(self.default_retry_after * 2.0 ** min(repeats, 32), until_midnight)


class ThrottleGovernor:
    """Holds calls to a throttled resource until LinkedIn's wait is over (per endpoint)."""

    def __init__(
        self,
        rule: ThrottleRule,
        *,
        clock: Clock = utc_now,
        sleep: Callable[[float], None],
        max_hold: float,
        service: str = "linkedin",
    ) -> None:
        self.rule = rule
        self.clock = clock
        self.sleep = sleep
        self.max_hold = max_hold
        self.service = service
        self._holds: dict[str, datetime] = {}
        self._repeats: dict[str, int] = {}  # 429s in a row per endpoint
        self._lock = threading.Lock()

    def held_until(self, endpoint: str) -> datetime | None:
        with self._lock:
            return self._holds.get(endpoint)

    def remaining(self, endpoint: str) -> float | None:
        """Seconds the endpoint is still held (``None`` when it is not)."""
        until = self.held_until(endpoint)
        if until is None:
            return None
        return max(0.0, (until - self.clock()).total_seconds())

    def before_request(self, endpoint: str) -> None:
        until = self.held_until(endpoint)
        if until is None:
            return
        remaining = (until - self.clock()).total_seconds()
        if remaining <= 0:
            with self._lock:
                if self._holds.get(endpoint) == until:
                    del self._holds[endpoint]
            return
        if remaining > self.max_hold:
            raise RateLimitedError(
                f"{endpoint} is throttled by LinkedIn until {until.isoformat()}; "
                "call held without contacting LinkedIn",
                retry_after=remaining,
                service=self.service,
                attempts=0,
            )
        self.sleep(remaining)

    def after_response(self, endpoint: str, response: requests.Response) -> None:
        if response.status_code != 429:
            if response.status_code < 400:  # only a success shows the limit has eased
                with self._lock:
                    self._repeats.pop(endpoint, None)
            return
        now = self.clock()
        with self._lock:
            repeats = self._repeats.get(endpoint, 0)
            self._repeats[endpoint] = repeats + 1
            until = now + timedelta(seconds=self.rule.wait(response, now, repeats=repeats))
            current = self._holds.get(endpoint)
            if current is None or until > current:
                self._holds[endpoint] = until
