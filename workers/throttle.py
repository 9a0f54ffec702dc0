"""A job that was told to wait retries when the service said, not on the fixed backoff.

Why: when SuiteCRM, Graph or LinkedIn answer "too many requests" or "unavailable" with a
``Retry-After``, the connectors raise ``RetryLaterError`` carrying it. RQ would retry on
the job's fixed intervals (10 s, 30 s, 2 min...): too early hammers a service that asked
for quiet, too late delays the rep. So the running job's next retry is set to exactly the
asked wait, and a throttle (the service is fine, just busy) costs no retry: only real
failures use up a job's retries.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

from rq import get_current_job
from rq.job import Job

from connectors.errors import RateLimitedError, RetryLaterError

P = ParamSpec("P")
R = TypeVar("R")


def wait_as_told(job: Job | None, error: RetryLaterError) -> None:
    """Make ``job``'s next retry wait what ``error`` asked (nothing when it said nothing)."""
    if job is None or error.retry_after is None:
        return
    wait = max(1, math.ceil(error.retry_after))
    job.retry_intervals = [wait] * max(1, len(job.retry_intervals or ()))
    if isinstance(error, RateLimitedError) and job.retries_left is not None:
        job.retries_left += 1  # throttled, not failed: the retry is not used up


@contextmanager
def retries_as_told() -> Iterator[None]:
    """Around a job's work: a ``RetryLaterError`` sets the retry's wait, then goes on up."""
    try:
        yield
    except RetryLaterError as error:
        wait_as_told(get_current_job(), error)
        raise


def obeys_retry_after(function: Callable[P, R]) -> Callable[P, R]:
    """The job function, with ``retries_as_told`` around it."""

    @wraps(function)
    def job(*args: P.args, **kwargs: P.kwargs) -> R:
        with retries_as_told():
            return function(*args, **kwargs)

    return job
