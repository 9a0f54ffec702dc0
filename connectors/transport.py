"""The one HTTP transport every connector client sends through.

It owns what must be identical for Facebook, LinkedIn and SuiteCRM:

* a timeout on every call (connect and read);
* an explicit retry policy, in one place: only transient failures (``RetryLaterError``
  from the client's classifier, timeouts, dropped connections), only for idempotent
  calls (a request that never left, or a 429, is retried for any call: it was not
  carried out), exponential backoff with full jitter, ``Retry-After`` obeyed, attempts
  capped; never auth, validation or TLS failures. Work made of independent parts (the
  items of a Graph batch) is retried part by part under the same policy
  (``send_parts``), so no client writes a retry loop of its own;
* a non-idempotent call that may have been carried out (no answer, or a transient
  failure after it arrived) raises ``OutcomeUnknownError`` instead of a retryable error,
  so no caller re-posts blindly;
* a per-service, per-endpoint call counter so efficiency can be measured;
* a ``Governor`` hook that sees every response (errors too) and may pause before the
  next request, where rate-limit headers are read;
* our ``User-Agent`` on every request, whatever the (possibly injected) session sets.

Clients pass an ``endpoint`` label (``"GET /module"``) instead of the URL to logging and
counting, so tokens in query strings never reach a log line.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import requests

from connectors.connect_errors import never_sent
from connectors.errors import ConnectorError, RetryLaterError, UnavailableError
from connectors.retry import NO_RETRY, RetryPolicy, may_retry, parse_retry_after, settle

__all__ = [
    "DEFAULT_USER_AGENT",
    "NO_RETRY",
    "CallCounter",
    "Classifier",
    "Governor",
    "NoAnswer",
    "NoGovernor",
    "RetryPolicy",
    "Transport",
    "TransportSecurityError",
    "may_retry",
    "parse_retry_after",
    "settle",
]

log = logging.getLogger(__name__)

Classifier = Callable[[requests.Response], ConnectorError | None]
Part = TypeVar("Part", bound=Hashable)
DEFAULT_USER_AGENT = "SocialCRM"


class TransportSecurityError(ConnectorError):
    """TLS verification failed: a configuration problem, never retried."""


class CallCounter:
    """Thread-safe count of HTTP attempts by (service, endpoint)."""

    def __init__(self) -> None:
        self._counts: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()

    def record(self, service: str, endpoint: str) -> None:
        with self._lock:
            self._counts[(service, endpoint)] += 1

    def snapshot(self) -> dict[tuple[str, str], int]:
        with self._lock:
            return dict(self._counts)

    def total(self, service: str | None = None) -> int:
        with self._lock:
            return sum(n for (svc, _), n in self._counts.items() if service in (None, svc))

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()


class Governor(Protocol):
    """Sees every request and response of one transport (rate-limit governors)."""

    def before_request(self, endpoint: str) -> None: ...

    def after_response(self, endpoint: str, response: requests.Response) -> None: ...


class NoGovernor:
    def before_request(self, endpoint: str) -> None:
        return None

    def after_response(self, endpoint: str, response: requests.Response) -> None:
        return None


@dataclass(frozen=True, slots=True)
class NoAnswer:
    """An attempt that got no HTTP answer; ``never_sent``: it failed before the request
    left (connection refused or never made), so nothing can have been applied."""

    error: UnavailableError
    never_sent: bool


class Transport:
    """Send requests for one service with timeouts, retries, counting and governance."""

    def __init__(
        self,
        service: str,
        base_url: str,
        *,
        session: requests.Session | None = None,
        timeout: float = 10.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        counter: CallCounter | None = None,
        governor: Governor | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
    ) -> None:
        self.service = service
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.counter = counter or CallCounter()
        self.governor: Governor = governor or NoGovernor()
        self.user_agent = user_agent

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    def _wait(self, error: ConnectorError, attempt: int, *, idempotent: bool) -> float | None:
        """Seconds before trying ``error``'s call again; ``None``: do not retry it."""
        if not isinstance(error, RetryLaterError) or not may_retry(error, idempotent=idempotent):
            return None
        return self.retry.delay(attempt, error.retry_after)

    def _attempt(self, method: str, url: str, endpoint: str, attempt: int,
                 timeout: float | None, options: Mapping[str, Any]
                 ) -> requests.Response | NoAnswer:
        """One HTTP exchange: the response, or why none came."""
        self.governor.before_request(endpoint)
        self.counter.record(self.service, endpoint)
        headers = {"User-Agent": self.user_agent, **options.get("headers", {})}
        started = time.monotonic()
        try:
            response = self.session.request(method, url, **{**options, "headers": headers},
                                            timeout=timeout or self.timeout)
        except requests.exceptions.SSLError:
            raise TransportSecurityError(
                "TLS verification failed", service=self.service, attempts=attempt
            ) from None
        except requests.exceptions.RequestException as exc:
            log.info("%s %s: %s (attempt %d)", self.service, endpoint,
                     type(exc).__name__, attempt)
            return NoAnswer(UnavailableError(f"{endpoint}: no answer ({type(exc).__name__})",
                                             service=self.service, attempts=attempt),
                            never_sent=never_sent(exc))
        self.governor.after_response(endpoint, response)
        log.debug("%s %s -> %s in %.0f ms", self.service, endpoint, response.status_code,
                  (time.monotonic() - started) * 1000)
        return response

    def send(
        self,
        method: str,
        path: str,
        *,
        endpoint: str,
        classify: Classifier,
        idempotent: bool,
        params: Any = None,
        json: Any = None,
        data: Mapping[str, Any] | bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> requests.Response:
        """Send one logical request; return the successful response or raise a typed error."""
        url = self.url(path)
        options = {"params": params, "json": json, "data": data,
                   "headers": dict(headers or {})}
        attempt = 0
        while True:
            attempt += 1
            outcome = self._attempt(method, url, endpoint, attempt, timeout, options)
            if isinstance(outcome, requests.Response):
                error = classify(outcome)
                if error is None:
                    return outcome
                error.attempts = attempt
                if error.status is None:
                    error.status = outcome.status_code
                safe = idempotent
            else:
                error = outcome.error
                safe = idempotent or outcome.never_sent  # nothing left: nothing applied
            wait = self._wait(error, attempt, idempotent=safe)
            if wait is None:
                raise settle(error, idempotent=safe)
            log.info("%s %s: %s, retrying in %.2fs (attempt %d)", self.service, endpoint,
                     error.status or "no answer", wait, attempt)
            self.sleep(wait)

    def send_parts(
        self,
        parts: Sequence[Part],
        attempt: Callable[[Sequence[Part]], Mapping[Part, ConnectorError]],
        *,
        endpoint: str,
        idempotent: bool,
    ) -> dict[Part, ConnectorError]:
        """Run work made of independent parts (the items of a Graph batch) under the
        same policy as ``send``: ``attempt(pending)`` sends the pending parts once and
        returns the error of each part that failed (a part absent from it succeeded).
        Retryable parts are sent again together after the longest wait any of them
        needs, until the policy gives up; returns the final error of every part that
        did not succeed, settled like ``send``'s (``OutcomeUnknownError`` for a part of
        a non-idempotent call that may have been applied)."""
        pending = list(parts)
        final: dict[Part, ConnectorError] = {}
        number = 0
        while pending:
            number += 1
            again: list[Part] = []
            wait = 0.0
            for part, error in attempt(pending).items():
                error.attempts = number
                delay = self._wait(error, number, idempotent=idempotent)
                if delay is None:
                    final[part] = settle(error, idempotent=idempotent)
                else:
                    again.append(part)
                    wait = max(wait, delay)
            if again:
                log.info("%s %s: %d part(s) failed, retrying in %.2fs (attempt %d)",
                         self.service, endpoint, len(again), wait, number)
                self.sleep(wait)
            pending = again
        return final
