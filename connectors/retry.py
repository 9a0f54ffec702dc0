"""The retry policy every connector call obeys, and the two rules that go with it.

``RetryPolicy`` says how often and how long to wait; ``may_retry`` says which failures
may be tried again at all; ``settle`` says what a caller sees when one is not. The
transport (``connectors.transport``) applies them to whole requests and to the parts of
one (batch items), so no client keeps a retry loop of its own.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from connectors.errors import (
    ConnectorError,
    OutcomeUnknownError,
    RetryLaterError,
    UnavailableError,
)


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
        return float(ceiling * self.jitter())


NO_RETRY = RetryPolicy(max_attempts=1)


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


def may_retry(error: ConnectorError, *, idempotent: bool) -> bool:
    """Whether trying again is safe: a transient failure of an idempotent call, or a
    429 of any call (the service refused it before doing anything)."""
    return isinstance(error, RetryLaterError) and (idempotent or error.status == 429)


def settle(error: ConnectorError, *, idempotent: bool) -> ConnectorError:
    """The error a caller sees once an attempt is not retried: a transient failure of a
    non-idempotent call that reached the service may have been applied, so it becomes
    ``OutcomeUnknownError`` (not a retry-later error that invites a blind re-post)."""
    if idempotent or not isinstance(error, UnavailableError):
        return error
    unsure = OutcomeUnknownError(
        f"{error.message}; the write may have been applied", service=error.service,
        status=error.status, detail=error.detail, attempts=error.attempts)
    unsure.__cause__ = error
    return unsure
