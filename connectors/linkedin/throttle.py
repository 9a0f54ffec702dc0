"""LinkedIn throttling: how long a 429 means, and a governor that honours it.

LinkedIn publishes no numbers, sends no usage headers, and answers a 429
(``serviceErrorCode`` 101) often *without* ``Retry-After``. Its limits are per
resource, per application and per member, counted per day and reset at midnight UTC.
Blind short retries against a daily limit only burn the next day's budget, so:

* ``Retry-After`` is obeyed when present;
* a message naming a daily limit ("... APPLICATION DAY limit ...") waits until the
  next UTC midnight;
* any other 429 waits a conservative ``default_retry_after`` (a setting);
* after a 429 the governor holds every further call to that resource until the wait
  is over: it sleeps when the hold is short, and when it is long it raises
  ``RateLimitedError`` at once *without* calling LinkedIn, so a worker can reschedule.
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

    def wait(self, response: requests.Response, now: datetime) -> float:
        """Seconds to hold calls after this 429."""
        header = parse_retry_after(response.headers.get("Retry-After"))
        if header is not None:
            return header
        if ErrorBody.of(response).mentions(*self.daily_markers):
            return seconds_until_next_utc_midnight(now)
        return self.default_retry_after


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
        self._lock = threading.Lock()

    def held_until(self, endpoint: str) -> datetime | None:
        with self._lock:
            return self._holds.get(endpoint)

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
            return
        now = self.clock()
        until = now + timedelta(seconds=self.rule.wait(response, now))
        with self._lock:
            current = self._holds.get(endpoint)
            if current is None or until > current:
                self._holds[endpoint] = until
