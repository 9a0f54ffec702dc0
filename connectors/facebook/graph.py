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
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import requests

from connectors.errors import BadResponseError
from connectors.facebook.config import GraphConfig
from connectors.facebook.errors import SERVICE, VERSION_SETTING, GraphClassifier, decode_json
from connectors.facebook.governor import UsageGovernor
from connectors.facebook.tokens import appsecret_proof
from connectors.redaction import remember_secret
from connectors.transport import CallCounter, Governor, Transport

log = logging.getLogger(__name__)

_VERSION_SEGMENT = re.compile(r"^/?v\d+\.\d+(/|$)")
CREDENTIAL_PARAMS = frozenset({"access_token", "appsecret_proof"})


class GraphApi:
    """Authenticated, counted, governed GET/POST/DELETE against one Graph version.

    ``access_token`` (a Page or user token) is registered with the log filter the
    moment it is handed over, like every secret of ``config``. ``governor`` defaults to
    a ``UsageGovernor`` on the config's ``sleep``, ``clock`` and ``max_wait``; a
    governor passed in brings its own ``max_wait``, which then applies everywhere.
    """

    def __init__(
        self,
        config: GraphConfig,
        *,
        access_token: str | None = None,
        session: requests.Session | None = None,
        counter: CallCounter | None = None,
        governor: Governor | None = None,
    ) -> None:
        remember_secret(access_token, config.app_secret)
        if config.is_old:
            log.warning(
                "Graph API %s is older than %s and may be retired soon: raise %s",
                config.version, config.min_version, VERSION_SETTING,
            )
        if not config.token_in_header:
            log.warning("Graph access tokens will travel in URLs (token_in_header=False): "
                        "proxies and access logs will record them")
        self.config = config
        self.base_url = config.base_url.rstrip("/")
        self._access_token = access_token
        self.governor: Governor = governor or UsageGovernor(
            sleep=config.sleep, clock=config.clock, max_wait=config.max_wait)
        self.max_wait = float(getattr(self.governor, "max_wait", config.max_wait))
        self.transport = Transport(
            SERVICE, f"{self.base_url}/{config.version}", session=session,
            timeout=config.timeout, retry=replace(config.retry, max_retry_after=self.max_wait),
            sleep=config.sleep, counter=counter, governor=self.governor,
            user_agent=config.user_agent,
        )
        self._tally_lock = threading.Lock()
        self._batch_envelopes = 0
        self._batch_items = 0
        origin = urlsplit(self.base_url)
        self._origin = (origin.scheme, origin.netloc)
        self._base_path = origin.path.rstrip("/")

    @property
    def version(self) -> str:
        return self.config.version

    @property
    def throttle_wait(self) -> float:
        return self.config.throttle_wait

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
        if not self.config.app_id or not self.config.app_secret:
            raise ValueError("app id and app secret are needed for this call")
        return self.config.app_id, self.config.app_secret

    def _auth(self, token: str | None) -> tuple[dict[str, str], dict[str, str]]:
        """Headers and extra params that authenticate one call with ``token``."""
        if not token:
            return {}, {}
        params = {}
        if self.config.app_secret:
            params["appsecret_proof"] = appsecret_proof(token, self.config.app_secret)
        if not self.config.token_in_header:
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
        if self.config.app_secret and self._access_token:
            query["appsecret_proof"] = appsecret_proof(self._access_token,
                                                       self.config.app_secret)
        encoded = urlencode(query)
        return f"{self.version}/{path.lstrip('/')}" + (f"?{encoded}" if encoded else "")
