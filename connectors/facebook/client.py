"""``FacebookClient``: one Page connection, everything passed in explicitly.

The client reads no environment: the caller (the CLI, a worker) builds it from
``Settings``. It composes one mixin per concern (feed, messaging, leads, writes,
tokens) over a single ``GraphApi``, so every call shares one session, one retry policy,
one usage governor and one call counter.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import requests

from connectors.facebook.actions import ActionsMixin
from connectors.facebook.errors import DEFAULT_THROTTLE_WAIT
from connectors.facebook.feed import FeedMixin
from connectors.facebook.graph import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_WAIT,
    DEFAULT_MIN_VERSION,
    DEFAULT_VERSION,
    GraphApi,
)
from connectors.facebook.leads import LeadsMixin
from connectors.facebook.messaging import MessagingMixin
from connectors.facebook.tokens import TokensMixin
from connectors.transport import CallCounter, Governor, RetryPolicy


class FacebookClient(FeedMixin, MessagingMixin, LeadsMixin, ActionsMixin, TokensMixin):
    """Graph API client for one Page (its Page access token) and one app.

    ``app_secret`` turns on ``appsecret_proof`` for every call. ``governor`` defaults to
    a ``UsageGovernor`` sharing ``sleep`` and ``clock``; pass one to tune thresholds.
    ``max_wait`` is the longest any call blocks to wait out a throttle (the governor's
    own ``max_wait`` when one is passed); longer throttles raise ``RateLimitedError``.
    """

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_BASE_URL,
        version: str = DEFAULT_VERSION,
        min_version: str = DEFAULT_MIN_VERSION,
        app_id: str | None = None,
        app_secret: str | None = None,
        access_token: str | None = None,
        session: requests.Session | None = None,
        timeout: float = 10.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        counter: CallCounter | None = None,
        governor: Governor | None = None,
        throttle_wait: float = DEFAULT_THROTTLE_WAIT,
        token_in_header: bool = True,
        max_wait: float = DEFAULT_MAX_WAIT,
    ) -> None:
        self.graph = GraphApi(
            base_url=base_url, version=version, min_version=min_version, app_id=app_id,
            app_secret=app_secret, access_token=access_token, session=session,
            timeout=timeout, retry=retry, sleep=sleep, clock=clock, counter=counter,
            governor=governor, throttle_wait=throttle_wait, token_in_header=token_in_header,
            max_wait=max_wait,
        )

    @property
    def counter(self) -> CallCounter:
        """Graph HTTP calls made by this client, by endpoint label."""
        return self.graph.counter

    def charged_calls(self) -> int:
        """Calls as Graph charges them (every batch item counts): see ``GraphApi``."""
        return self.graph.charged_calls()

    @property
    def governor(self) -> Governor:
        return self.graph.governor

    @property
    def version(self) -> str:
        return self.graph.version

    def __repr__(self) -> str:
        return f"FacebookClient(base_url={self.graph.base_url!r}, version={self.version!r})"
