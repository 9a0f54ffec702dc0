"""What a rep is told when SuiteCRM, asked with the rep's own token, does not answer.

One place maps the connector's typed errors to API answers, so every read endpoint says
the same thing for the same cause:

* a record SuiteCRM hides from the rep and a record that does not exist get the very same
  404 (a rep must not learn that a record exists by the different answer);
* a module the rep's role closes entirely is a 403 on lists;
* SuiteCRM refusing the rep's token even after a renewal is a 401: log in again;
* SuiteCRM down, slow or throttling is a 503 with ``Retry-After``;
* anything else SuiteCRM answers that we cannot use is a 502 (our request or its answer
  was wrong: never the rep's fault, never a 500 with a stack trace).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from connectors.errors import (
    AuthenticationError,
    ConnectorError,
    NotFoundError,
    PermissionDeniedError,
    RetryLaterError,
)
from mobile_api.auth.guard import CHALLENGE
from mobile_api.errors import ApiError

log = logging.getLogger(__name__)
DEFAULT_RETRY_SECONDS = 5


@contextmanager
def suitecrm_answers(missing: str | None = None) -> Iterator[None]:
    """Translate connector errors raised inside. ``missing``: the message of the 404 for
    a record that is absent or hidden (``None`` when no single record is asked for: a
    refusal then means the rep's role closes the whole module, a 403)."""
    try:
        yield
    except (NotFoundError, PermissionDeniedError) as exc:
        if missing is not None:
            raise ApiError(404, missing) from None
        if isinstance(exc, PermissionDeniedError):
            raise ApiError(403, "your SuiteCRM role does not let you read these "
                                "records") from None
        raise _bad_gateway(exc) from None
    except AuthenticationError:
        raise ApiError(401, "SuiteCRM no longer accepts your session: log in again",
                       headers=CHALLENGE) from None
    except RetryLaterError as exc:
        wait = max(1, round(exc.retry_after or DEFAULT_RETRY_SECONDS))
        raise ApiError(503, "SuiteCRM is not answering right now: try again shortly",
                       headers={"Retry-After": str(wait)}) from None
    except ConnectorError as exc:
        raise _bad_gateway(exc) from None


def _bad_gateway(exc: ConnectorError) -> ApiError:
    log.error("SuiteCRM answered a rep's read unexpectedly: %s", exc)
    return ApiError(502, "SuiteCRM gave an answer the service cannot use; the error is "
                         "logged")
