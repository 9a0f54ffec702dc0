"""The one HTTP transport every connector client sends through.

It owns what must be identical for Facebook, LinkedIn and SuiteCRM:

* a timeout on every call (connect and read);
* an explicit retry policy: only transient failures (``RetryLaterError`` from the
  client's classifier, timeouts, dropped connections), only for idempotent calls
  (a refused connection, a connect timeout or a 429 is retried for any call: the
  request was not carried out), exponential backoff with full jitter, ``Retry-After``
  obeyed, attempts capped; never auth, validation or TLS failures;
* a non-idempotent call that may have been carried out (no answer, or a 5xx) raises
  ``OutcomeUnknownError`` instead of a retryable error, so no caller re-posts blindly;
* a per-service, per-endpoint call counter so efficiency can be measured;
* a ``Governor`` hook that sees every response (errors too) and may pause before the
  next request, where rate-limit headers are read.

Clients pass an ``endpoint`` label (``"GET /module"``) instead of the URL to logging and
counting, so tokens in query strings never reach a log line.
"""

from __future__ import annotations

import email.utils
import logging
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import requests

from connectors.errors import (
    ConnectorError,
    OutcomeUnknownError,
    RetryLaterError,
    UnavailableError,
)

log = logging.getLogger(__name__)

Classifier = Callable[[requests.Response], ConnectorError | None]


class TransportSecurityError(ConnectorError):
    """TLS verification failed: a configuration problem, never retried."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How many attempts and how long to wait between them.

    ``delay`` is the single place backoff is computed; tests pass ``jitter`` returning
    a fixed fraction (and a no-op ``sleep`` to the transport) for determinism.
    """

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 20.0
    max_retry_after: float = 60.0
    jitter: Callable[[], float] = field(default=random.random, repr=False)

    def delay(self, attempt: int, retry_after: float | None) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``; ``None`` means give up now."""
        if attempt >= self.max_attempts:
            return None
        if retry_after is not None:
            if retry_after > self.max_retry_after:
                return None  # too long to block a worker: surface it to the caller
            return max(0.0, retry_after)
        ceiling = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        return ceiling * self.jitter()


NO_RETRY = RetryPolicy(max_attempts=1)


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


def parse_retry_after(value: str | None) -> float | None:
    """``Retry-After`` as seconds: either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


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
        user_agent: str = "SocialCRM",
    ) -> None:
        self.service = service
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.counter = counter or CallCounter()
        self.governor: Governor = governor or NoGovernor()
        self.session.headers.setdefault("User-Agent", user_agent)

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

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
        attempt = 0
        while True:
            attempt += 1
            self.governor.before_request(endpoint)
            self.counter.record(self.service, endpoint)
            started = time.monotonic()
            try:
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    json=json,
                    data=data,
                    headers=dict(headers or {}),
                    timeout=timeout or self.timeout,
                )
            except requests.exceptions.SSLError:
                raise TransportSecurityError(
                    "TLS verification failed", service=self.service, attempts=attempt
                ) from None
            except requests.exceptions.RequestException as exc:
                never_sent = isinstance(exc, requests.exceptions.ConnectTimeout) or (
                    isinstance(exc, requests.exceptions.ConnectionError)
                    and "refused" in str(exc).lower()
                )
                error = UnavailableError(
                    f"{endpoint} failed: {type(exc).__name__}",
                    service=self.service,
                    attempts=attempt,
                )
                log.info("%s %s: %s (attempt %d)", self.service, endpoint,
                         type(exc).__name__, attempt)
                if idempotent or never_sent:
                    wait = self.retry.delay(attempt, None)
                    if wait is not None:
                        self.sleep(wait)
                        continue
                    raise error from None
                raise OutcomeUnknownError(
                    f"{endpoint}: no answer ({type(exc).__name__}); the write may have "
                    "been applied", service=self.service, attempts=attempt) from None
            elapsed_ms = (time.monotonic() - started) * 1000
            self.governor.after_response(endpoint, response)
            log.debug("%s %s -> %s in %.0f ms", self.service, endpoint,
                      response.status_code, elapsed_ms)
            error = classify(response)
            if error is None:
                return response
            error.attempts = attempt
            if isinstance(error, RetryLaterError) and (idempotent or response.status_code == 429):
                wait = self.retry.delay(attempt, error.retry_after)
                if wait is not None:
                    log.info("%s %s -> %s, retrying in %.2fs (attempt %d)", self.service,
                             endpoint, response.status_code, wait, attempt)
                    self.sleep(wait)
                    continue
            if (isinstance(error, UnavailableError) and not idempotent
                    and response.status_code >= 500):
                raise OutcomeUnknownError(
                    f"{endpoint} failed with HTTP {response.status_code}; the write may have "
                    "been applied", service=self.service, status=response.status_code,
                    attempts=attempt) from error
            raise error
