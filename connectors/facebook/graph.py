"""The Graph API core: one transport, the version, the token and its proof.

Everything the readers and writers share lives here: the versioned base URL, the token
in the ``Authorization: Bearer`` header by default (so no URL, log line or proxy log
carries it; ``token_in_header=False`` sends Graph's ``access_token`` parameter instead),
``appsecret_proof`` on every call when the app secret is known, the
error mapping, and turning Graph's absolute ``paging.next`` links back into requests of
our own (same origin only; their ``access_token`` is dropped and ours applied).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Mapping
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
    ) -> None:
        if parse_version(version) < parse_version(min_version, MIN_VERSION_SETTING):
            log.warning(
                "Graph API %s is older than %s and may be retired soon: raise %s",
                version, min_version, VERSION_SETTING,
            )
        self.base_url = base_url.rstrip("/")
        self.version = version
        self.app_id = app_id
        self._app_secret = app_secret
        self._access_token = access_token
        self.throttle_wait = throttle_wait
        self.token_in_header = token_in_header
        self.governor = governor or UsageGovernor(sleep=sleep, clock=clock)
        self.transport = Transport(
            SERVICE, f"{self.base_url}/{version}", session=session, timeout=timeout,
            retry=retry, sleep=sleep, counter=counter, governor=self.governor,
        )
        origin = urlsplit(self.base_url)
        self._origin = (origin.scheme, origin.netloc)
        self._base_path = origin.path.rstrip("/")

    @property
    def counter(self) -> CallCounter:
        return self.transport.counter

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
        """``relative_url`` of a batch item (credentials come from the batch call)."""
        query = urlencode({k: v for k, v in params.items() if k not in CREDENTIAL_PARAMS})
        return f"{self.version}/{path.lstrip('/')}" + (f"?{query}" if query else "")
