"""The Graph API core: one transport, the version, the token and its proof.

Everything the readers and writers share lives here: the versioned base URL, the token
in the ``Authorization: Bearer`` header by default (so no URL, log line or proxy log
carries it; ``token_in_header=False`` sends Graph's ``access_token`` parameter instead and
is warned about), ``appsecret_proof`` on every call (batch items included) when the app
secret is known, the error mapping, and turning Graph's absolute ``paging.next`` links
back into requests of our own (same origin only; their ``access_token`` is dropped and
ours applied).

One waiting limit, ``max_wait``: the longest a call blocks to wait out a throttle. The
usage governor holds requests back up to it, the transport retries a throttled answer
whose ``retry_after`` is within it, and batch items are re-sent under the same policy;
anything longer is a ``RateLimitedError`` for the caller to reschedule.

Graph counts every batch item as a call for its rate limits. ``charged_calls()`` is
that count for this client: HTTP requests, minus batch envelopes whose items ran, plus
those items.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import requests

from connectors.errors import BadResponseError
from connectors.facebook.errors import (
    DEFAULT_THROTTLE_WAIT,
    SERVICE,
    VERSION_SETTING,
    GraphClassifier,
    decode_json,
)
from connectors.facebook.governor import UsageGovernor
from connectors.facebook.tokens import appsecret_proof
from connectors.transport import CallCounter, Governor, RetryPolicy, Transport

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://graph.facebook.com"
DEFAULT_VERSION = "v25.0"
DEFAULT_MIN_VERSION = "v22.0"
DEFAULT_MAX_WAIT = 300.0  # seconds a call may block waiting out a throttle
MIN_VERSION_SETTING = "FACEBOOK_GRAPH_MIN_VERSION"
_VERSION = re.compile(r"^v(\d+)\.(\d+)$")
_VERSION_SEGMENT = re.compile(r"^/?v\d+\.\d+(/|$)")
CREDENTIAL_PARAMS = frozenset({"access_token", "appsecret_proof"})


def parse_version(version: str, setting: str = VERSION_SETTING) -> tuple[int, int]:
    """``"v25.0"`` -> ``(25, 0)``; a malformed version names the setting to fix."""
    match = _VERSION.match(version)
    if not match:
        raise ValueError(f"{setting} must look like v25.0 (got {version!r})")
    return int(match.group(1)), int(match.group(2))


class GraphApi:
    """Authenticated, counted, governed GET/POST/DELETE against one Graph version."""

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
        if parse_version(version) < parse_version(min_version, MIN_VERSION_SETTING):
            log.warning(
                "Graph API %s is older than %s and may be retired soon: raise %s",
                version, min_version, VERSION_SETTING,
            )
        if not token_in_header:
            log.warning("Graph access tokens will travel in URLs (token_in_header=False): "
                        "proxies and access logs will record them")
        self.base_url = base_url.rstrip("/")
        self.version = version
        self.app_id = app_id
        self._app_secret = app_secret
        self._access_token = access_token
        self.throttle_wait = throttle_wait
        self.token_in_header = token_in_header
        self.governor = governor or UsageGovernor(sleep=sleep, clock=clock, max_wait=max_wait)
        self.max_wait = float(getattr(self.governor, "max_wait", max_wait))
        self.transport = Transport(
            SERVICE, f"{self.base_url}/{version}", session=session, timeout=timeout,
            retry=replace(retry or RetryPolicy(), max_retry_after=self.max_wait), sleep=sleep,
            counter=counter, governor=self.governor,
        )
        self._tally_lock = threading.Lock()
        self._batch_envelopes = 0
        self._batch_items = 0
        origin = urlsplit(self.base_url)
        self._origin = (origin.scheme, origin.netloc)
        self._base_path = origin.path.rstrip("/")

    @property
    def counter(self) -> CallCounter:
        return self.transport.counter

    def record_batch(self, items_run: int) -> None:
        """One batch envelope answered with ``items_run`` items Graph ran (and charged)."""
        with self._tally_lock:
            self._batch_envelopes += 1
            self._batch_items += items_run

    def charged_calls(self) -> int:
        """Calls as Graph counts them for rate limits: each batch item is one, the
        envelope none. Exact when this client has its ``CallCounter`` to itself."""
        with self._tally_lock:
            envelopes, items = self._batch_envelopes, self._batch_items
        return self.counter.total(SERVICE) - envelopes + items

    @property
    def has_token(self) -> bool:
        return bool(self._access_token)

    def current_token(self) -> str:
        if not self._access_token:
            raise ValueError("no access token configured")
        return self._access_token

    def app_credentials(self) -> tuple[str, str]:
        if not self.app_id or not self._app_secret:
            raise ValueError("app id and app secret are needed for this call")
        return self.app_id, self._app_secret

    def _auth(self, token: str | None) -> tuple[dict[str, str], dict[str, str]]:
        """Headers and extra params that authenticate one call with ``token``."""
        if not token:
            return {}, {}
        params = {}
        if self._app_secret:
            params["appsecret_proof"] = appsecret_proof(token, self._app_secret)
        if not self.token_in_header:
            return {}, {"access_token": token, **params}
        return {"Authorization": f"Bearer {token}"}, params

    def call(
        self,
        method: str,
        path: str,
        *,
        endpoint: str,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        idempotent: bool | None = None,
        token: str | None = None,
        authenticate: bool = True,
    ) -> Any:
        """Send one request and return its decoded JSON (typed error otherwise)."""
        headers, auth_params = self._auth((token or self._access_token) if authenticate
                                          else None)
        query = {k: v for k, v in (params or {}).items() if k not in CREDENTIAL_PARAMS}
        if method == "POST":  # credentials in the body, not the URL
            data, auth_params = {**(data or {}), **auth_params}, {}
        response = self.transport.send(
            method, path, endpoint=endpoint,
            classify=GraphClassifier(endpoint, self.throttle_wait),
            idempotent=method in ("GET", "DELETE") if idempotent is None else idempotent,
            params={**query, **auth_params}, data=data, headers=headers,
        )
        return decode_json(response, endpoint)

    def get(self, path: str, params: Mapping[str, Any] | None = None, *, endpoint: str,
            **kwargs: Any) -> Any:
        return self.call("GET", path, endpoint=endpoint, params=params, **kwargs)

    def post(self, path: str, data: Mapping[str, Any] | None = None, *, endpoint: str,
             **kwargs: Any) -> Any:
        return self.call("POST", path, endpoint=endpoint, data=data, **kwargs)

    def delete(self, path: str, *, endpoint: str) -> Any:
        return self.call("DELETE", path, endpoint=endpoint)

    def split_next(self, url: str) -> tuple[str, dict[str, str]]:
        """A ``paging.next`` link as (path under our version, params without credentials).

        A link to another host is refused: following it would hand our token to a third
        party. The version segment is replaced by ours so a whole read stays on one
        version.
        """
        parts = urlsplit(url)
        if (parts.scheme or parts.netloc) and (parts.scheme, parts.netloc) != self._origin:
            raise BadResponseError("paging link points to another host", service=SERVICE)
        path = parts.path
        if self._base_path and path.startswith(self._base_path + "/"):
            path = path[len(self._base_path):]
        path = _VERSION_SEGMENT.sub("", path).lstrip("/")
        params = {k: v for k, v in parse_qsl(parts.query, keep_blank_values=True)
                  if k not in CREDENTIAL_PARAMS}
        return path, params

    def relative(self, path: str, params: Mapping[str, Any]) -> str:
        """``relative_url`` of a batch item. The token comes from the batch call; the item
        carries its own ``appsecret_proof`` too, so an app with "Require App Secret" on
        gets every item answered whether or not Graph hands the batch's proof down."""
        query = {k: v for k, v in params.items() if k not in CREDENTIAL_PARAMS}
        if self._app_secret and self._access_token:
            query["appsecret_proof"] = appsecret_proof(self._access_token, self._app_secret)
        encoded = urlencode(query)
        return f"{self.version}/{path.lstrip('/')}" + (f"?{encoded}" if encoded else "")
