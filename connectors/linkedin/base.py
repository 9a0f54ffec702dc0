"""The core every LinkedIn call goes through: headers, version, errors, counting, paging.

Every request carries ``Authorization: Bearer``, ``LinkedIn-Version`` and
``X-Restli-Protocol-Version: 2.0.0`` (set per call, so an injected, shared session can
never lose them). Query strings are built by ``urns`` (Rest.li syntax stays literal) and
sent as part of the path, never as ``params`` that ``requests`` would re-encode.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

import requests

from connectors.errors import BadResponseError
from connectors.linkedin.classify import ErrorMapper
from connectors.linkedin.pagination import (
    Listing,
    OffsetPaginator,
    Paginator,
    TokenPaginator,
)
from connectors.linkedin.throttle import Clock, ThrottleGovernor, ThrottleRule, utc_now
from connectors.linkedin.urns import Restli, path_with_query
from connectors.linkedin.webhooks import DEFAULT_SIGNATURE_PREFIX
from connectors.transport import CallCounter, RetryPolicy, Transport

log = logging.getLogger(__name__)

SERVICE = "linkedin"
DEFAULT_BASE_URL = "https://api.linkedin.com"
RESTLI_PROTOCOL = "2.0.0"
_VERSION = re.compile(r"^(?P<year>20\d\d)(?P<month>0[1-9]|1[0-2])(\.\d{2})?$")
# LinkedIn keeps a monthly version for about a year; warn well before it goes.
VERSION_WARN_MONTHS = 10

T = TypeVar("T")
Params = Mapping[str, str | int | Restli | None]


def version_age_months(version: str, today: datetime) -> int:
    match = _VERSION.match(version)
    if not match:
        raise ValueError(
            f"LINKEDIN_VERSION must look like YYYYMM (for example 202610), got {version!r}")
    return (today.year * 12 + today.month) - (int(match["year"]) * 12 + int(match["month"]))


class LinkedInBase:
    """Configuration and plumbing; the read/write methods come from the mixins."""

    def __init__(
        self,
        *,
        access_token: str,
        version: str,
        base_url: str = DEFAULT_BASE_URL,
        client_id: str | None = None,
        client_secret: str | None = None,
        session: requests.Session | None = None,
        timeout: float = 10.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        counter: CallCounter | None = None,
        clock: Clock = utc_now,
        rate_limit_retry_after: float = 60.0,
        page_size: int = 100,
        page_overlap: int = 5,
        batch_size: int = 50,
        lead_types: tuple[str, ...] = ("SPONSORED", "COMPANY"),
        signature_prefix: str = DEFAULT_SIGNATURE_PREFIX,
        version_setting: str = "LINKEDIN_VERSION",
        token_paged: frozenset[str] = frozenset(),
    ) -> None:
        """``token_paged`` names the finders (``posts``, ``comments``, ``leadForms``...)
        to page by ``pageSize``/``pageToken`` instead of ``start``/``count``: LinkedIn
        moves finders to token paging version by version, so it is configuration.
        ``page_overlap``: how many positions each ``start``/``count`` page re-reads of
        the one before, so that many deletions between two page reads skip nothing
        (see ``pagination``)."""
        age = version_age_months(version, clock())
        if age >= VERSION_WARN_MONTHS:
            log.warning("LinkedIn API version %s is %d months old; LinkedIn retires versions "
                        "after about a year: update %s", version, age, version_setting)
        self.version = version
        self.client_id = client_id
        self._access_token = access_token
        self._client_secret = client_secret
        self.clock = clock
        self.page_size = page_size
        self.page_overlap = page_overlap
        self.batch_size = batch_size
        self.lead_types = lead_types
        self.signature_prefix = signature_prefix
        self.token_paged = token_paged
        self._page_sizes: dict[str, int] = {}  # per finder, learned from "count too large"
        retry = retry or RetryPolicy()
        rule = ThrottleRule(default_retry_after=rate_limit_retry_after)
        self.governor = ThrottleGovernor(rule, clock=clock, sleep=sleep,
                                         max_hold=retry.max_retry_after, service=SERVICE)
        self.errors = ErrorMapper(version=version, version_setting=version_setting,
                                  throttle=rule, clock=clock, holds=self.governor.remaining)
        self.transport = Transport(SERVICE, base_url, session=session, timeout=timeout,
                                   retry=retry, sleep=sleep, counter=counter,
                                   governor=self.governor)

    @property
    def counter(self) -> CallCounter:
        return self.transport.counter

    def __repr__(self) -> str:  # never shows the token or the secret
        name = type(self).__name__
        return f"{name}(base_url={self.transport.base_url!r}, version={self.version!r})"

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self._access_token}",
            "LinkedIn-Version": self.version,
            "X-Restli-Protocol-Version": RESTLI_PROTOCOL,
            "Accept": "application/json",
        }

    @staticmethod
    def _json(response: requests.Response) -> Mapping[str, Any]:
        if not response.content:
            return {}
        try:
            data = response.json()
        except ValueError:
            raise BadResponseError("LinkedIn answered something that is not JSON",
                                   service=SERVICE, status=response.status_code) from None
        if not isinstance(data, dict):
            raise BadResponseError("LinkedIn answered JSON that is not an object",
                                   service=SERVICE, status=response.status_code)
        return data

    def _get(self, path: str, params: Params, endpoint: str,
             object_urn: str | None = None) -> Mapping[str, Any]:
        name = f"GET {endpoint}"
        response = self.transport.send(
            "GET", path_with_query(path, params), endpoint=name,
            classify=self.errors.classifier(object_urn, endpoint=name), idempotent=True,
            headers=self._headers(),
        )
        return self._json(response)

    def _post(self, path: str, body: Mapping[str, Any], endpoint: str,
              object_urn: str | None = None) -> requests.Response:
        """POSTs are not idempotent: the transport retries them only on 429 (not done)
        and raises ``OutcomeUnknownError`` when one may have been carried out."""
        headers = {**self._headers(), "Content-Type": "application/json"}
        name = f"POST {endpoint}"
        return self.transport.send(
            "POST", path, endpoint=name, json=body,
            classify=self.errors.classifier(object_urn, endpoint=name), idempotent=False,
            headers=headers,
        )

    def _listing(self, finder: str, path: str, params: Params, endpoint: str,
                 parse: Callable[[Mapping[str, Any]], T], key: Callable[[T], str], *,
                 object_urn: str | None = None, start: int = 0) -> Listing[T]:
        """A resumable listing of one finder, paged the way ``token_paged`` says.

        A page size LinkedIn refused once is not asked for again by later listings of
        the same finder (``_page_sizes``), so the cost of "count too large" is paid once.
        """

        def fetch(paging: Mapping[str, str | int]) -> Mapping[str, Any]:
            return self._get(path, {**params, **paging}, endpoint, object_urn)

        def remember(size: int) -> None:
            self._page_sizes[finder] = size

        size = self._page_sizes.get(finder, self.page_size)
        paginator: Paginator
        if finder in self.token_paged:
            paginator = TokenPaginator(fetch, page_size=size, on_shrink=remember)
        else:
            paginator = OffsetPaginator(fetch, count=size, start=start, on_shrink=remember,
                                        overlap=self.page_overlap)
        return Listing(paginator, parse, key)
