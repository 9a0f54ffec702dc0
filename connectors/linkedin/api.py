"""The core every LinkedIn call goes through: headers, version, errors, counting, paging.

``LinkedInClient`` holds one ``LinkedInApi`` (``self.api``) and its mixins call it, the
way ``FacebookClient`` holds a ``GraphApi``. Every request carries ``Authorization:
Bearer``, ``LinkedIn-Version`` and ``X-Restli-Protocol-Version: 2.0.0`` (set per call,
so an injected, shared session can never lose them). Query strings are built by
``urns`` (Rest.li syntax stays literal) and sent as part of the path, never as
``params`` that ``requests`` would re-encode.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import requests

from connectors.errors import BadResponseError
from connectors.linkedin.classify import ErrorMapper
from connectors.linkedin.config import LinkedInConfig
from connectors.linkedin.pagination import (
    Listing,
    OffsetPaginator,
    Paginator,
    TokenPaginator,
)
from connectors.linkedin.throttle import ThrottleGovernor, ThrottleRule
from connectors.linkedin.urns import Restli, path_with_query
from connectors.redaction import remember_secret
from connectors.transport import CallCounter, Transport

log = logging.getLogger(__name__)

SERVICE = "linkedin"
RESTLI_PROTOCOL = "2.0.0"
# LinkedIn keeps a monthly version for about a year; warn well before it goes.
VERSION_WARN_MONTHS = 10

T = TypeVar("T")
Params = Mapping[str, str | int | Restli | None]


class LinkedInApi:
    """Authenticated, counted, throttle-governed GET/POST for one member token.

    ``access_token`` is registered with the log filter the moment it is handed over,
    like the config's client secret.
    """

    def __init__(
        self,
        config: LinkedInConfig,
        *,
        access_token: str,
        session: requests.Session | None = None,
        counter: CallCounter | None = None,
    ) -> None:
        remember_secret(access_token, config.client_secret)
        age = config.age_months()
        if age >= VERSION_WARN_MONTHS:
            log.warning("LinkedIn API version %s is %d months old; LinkedIn retires versions "
                        "after about a year: update %s", config.version, age,
                        config.version_setting)
        self.config = config
        self._access_token = access_token
        self._page_sizes: dict[str, int] = {}  # per finder, learned from "count too large"
        rule = ThrottleRule(default_retry_after=config.rate_limit_retry_after)
        self.governor = ThrottleGovernor(rule, clock=config.clock, sleep=config.sleep,
                                         max_hold=config.retry.max_retry_after,
                                         service=SERVICE)
        self.errors = ErrorMapper(version=config.version,
                                  version_setting=config.version_setting, throttle=rule,
                                  clock=config.clock, holds=self.governor.remaining)
        self.transport = Transport(SERVICE, config.base_url, session=session,
                                   timeout=config.timeout, retry=config.retry,
                                   sleep=config.sleep, counter=counter,
                                   governor=self.governor, user_agent=config.user_agent)

    @property
    def counter(self) -> CallCounter:
        return self.transport.counter

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self._access_token}",
            "LinkedIn-Version": self.config.version,
            "X-Restli-Protocol-Version": RESTLI_PROTOCOL,
            "Accept": "application/json",
        }

    @staticmethod
    def decode(response: requests.Response) -> Mapping[str, Any]:
        """The JSON object of an answer (``{}`` when it has no body)."""
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

    def get(self, path: str, params: Params, endpoint: str,
            object_urn: str | None = None) -> Mapping[str, Any]:
        """``object_urn`` marks a read of one object, where a 404 means it was deleted."""
        name = f"GET {endpoint}"
        response = self.transport.send(
            "GET", path_with_query(path, params), endpoint=name,
            classify=self.errors.classifier(object_urn, endpoint=name), idempotent=True,
            headers=self._headers(),
        )
        return self.decode(response)

    def post(self, path: str, body: Mapping[str, Any], endpoint: str,
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

    def listing(self, finder: str, path: str, params: Params, endpoint: str,
                parse: Callable[[Mapping[str, Any]], T], key: Callable[[T], str], *,
                object_urn: str | None = None, start: int = 0) -> Listing[T]:
        """A resumable listing of one finder, paged the way ``token_paged`` says.

        A page size LinkedIn refused once is not asked for again by later listings of
        the same finder (``_page_sizes``), so the cost of "count too large" is paid once.
        """

        def fetch(paging: Mapping[str, str | int]) -> Mapping[str, Any]:
            return self.get(path, {**params, **paging}, endpoint, object_urn)

        def remember(size: int) -> None:
            self._page_sizes[finder] = size

        size = self._page_sizes.get(finder, self.config.page_size)
        paginator: Paginator
        if finder in self.config.token_paged:
            paginator = TokenPaginator(fetch, page_size=size, on_shrink=remember)
        else:
            paginator = OffsetPaginator(fetch, count=size, start=start, on_shrink=remember,
                                        overlap=self.config.page_overlap)
        return Listing(paginator, parse, key)
