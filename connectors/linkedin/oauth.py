"""LinkedIn's OAuth host: refresh an organization admin's token, and introspect one.

Why a client of its own: OAuth lives on ``www.linkedin.com/oauth/v2``, not on the REST
host, takes form bodies instead of Rest.li JSON, and authenticates with the app's client
id and secret instead of a member's bearer token. Both calls send the secrets in the
form body (never in a URL), and every token that comes back is registered with the log
filter before anything else happens to it.

A refresh is safe to send again: LinkedIn keeps the refresh token (its lifetime does
not restart) and the newest access token wins, so the transport may retry it like a
read. Keeping two processes from refreshing the same token at once is the caller's job
(``workers.tokens`` holds a Redis lock around it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import requests

from connectors.errors import (
    AuthenticationError,
    BadResponseError,
    ConnectorError,
    RateLimitedError,
    UnavailableError,
    ValidationError,
)
from connectors.redaction import remember_secret
from connectors.social import utc_from_epoch_seconds
from connectors.transport import CallCounter, RetryPolicy, Transport, parse_retry_after

LINKEDIN_OAUTH_URL = "https://www.linkedin.com"
SERVICE = "linkedin-oauth"
# OAuth error codes that mean "this grant is dead": ask an admin to connect again.
_DEAD_GRANT = frozenset({"invalid_grant", "invalid_token", "expired_token"})


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """What a refresh answered. ``*_expires_in`` are seconds from the answer."""

    access_token: str = field(repr=False)
    expires_in: int
    refresh_token: str | None = field(default=None, repr=False)
    refresh_token_expires_in: int | None = None
    scopes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TokenIntrospection:
    """What LinkedIn says about a token: ``status`` is active, expired or revoked."""

    active: bool
    status: str
    expires_at: datetime | None
    scopes: tuple[str, ...]
    client_id: str | None


def _scopes(value: Any) -> tuple[str, ...]:
    """LinkedIn separates scopes with commas (sometimes spaces)."""
    if not isinstance(value, str):
        return ()
    return tuple(sorted({s for s in value.replace(",", " ").split() if s}))


def _seconds(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and value > 0 else None


def classify(response: requests.Response) -> ConnectorError | None:
    """OAuth answers -> typed errors: a dead grant is an ``AuthenticationError``."""
    status = response.status_code
    if status < 400:
        return None
    if status == 429:
        return RateLimitedError("LinkedIn OAuth throttled the call", service=SERVICE,
                                retry_after=parse_retry_after(response.headers.get("Retry-After")))
    if status >= 500:
        return UnavailableError("LinkedIn OAuth is unavailable", service=SERVICE)
    try:
        body = response.json()
    except ValueError:
        body = {}
    code = str(body.get("error") or "") if isinstance(body, dict) else ""
    described = str(body.get("error_description") or "") if isinstance(body, dict) else ""
    if status == 401 or code in _DEAD_GRANT or code == "invalid_client":
        reason = "expired" if "expire" in f"{code} {described}".lower() else "invalid"
        return AuthenticationError(
            f"LinkedIn refused the credentials ({code or status}): connect the organization "
            "again, or check LINKEDIN_CLIENT_ID / LINKEDIN_CLIENT_SECRET",
            reason=reason, service=SERVICE, detail=described or None)
    return ValidationError(f"LinkedIn OAuth refused the request ({code or status})",
                           service=SERVICE, detail=described or None)


class LinkedInOAuth:
    """The app's side of LinkedIn OAuth 2.0 (refresh and introspection)."""

    def __init__(self, client_id: str, client_secret: str, *,
                 base_url: str = LINKEDIN_OAUTH_URL, timeout: float = 10.0,
                 retry: RetryPolicy | None = None, session: requests.Session | None = None,
                 counter: CallCounter | None = None) -> None:
        if not client_id or not client_secret:
            raise ValueError("LINKEDIN_CLIENT_ID and LINKEDIN_CLIENT_SECRET are needed "
                             "to refresh or inspect LinkedIn tokens")
        remember_secret(client_secret)
        self._client_id = client_id
        self._client_secret = client_secret
        self.transport = Transport(SERVICE, base_url, session=session, timeout=timeout,
                                   retry=retry, counter=counter)

    @property
    def counter(self) -> CallCounter:
        return self.transport.counter

    def _post(self, path: str, form: Mapping[str, str], endpoint: str) -> Mapping[str, Any]:
        response = self.transport.send(
            "POST", path, endpoint=endpoint, classify=classify, idempotent=True,
            data={**form, "client_id": self._client_id, "client_secret": self._client_secret},
            headers={"Accept": "application/json"})
        try:
            body = response.json()
        except ValueError:
            raise BadResponseError(f"{endpoint} answered something that is not JSON",
                                   service=SERVICE, status=response.status_code) from None
        if not isinstance(body, dict):
            raise BadResponseError(f"{endpoint} answered JSON that is not an object",
                                   service=SERVICE, status=response.status_code)
        return body

    def refresh(self, refresh_token: str) -> IssuedToken:
        """A new access token for ``refresh_token`` (``AuthenticationError`` when dead)."""
        remember_secret(refresh_token)
        body = self._post("/oauth/v2/accessToken",
                          {"grant_type": "refresh_token", "refresh_token": refresh_token},
                          "POST /oauth/v2/accessToken")
        access = body.get("access_token")
        expires_in = _seconds(body.get("expires_in"))
        if not isinstance(access, str) or not access or expires_in is None:
            raise BadResponseError("the refresh answered no access_token/expires_in",
                                   service=SERVICE)
        renewed = body.get("refresh_token")
        remember_secret(access, renewed if isinstance(renewed, str) else None)
        return IssuedToken(
            access_token=access, expires_in=expires_in,
            refresh_token=renewed if isinstance(renewed, str) and renewed else refresh_token,
            refresh_token_expires_in=_seconds(body.get("refresh_token_expires_in")),
            scopes=_scopes(body.get("scope")))

    def introspect(self, token: str) -> TokenIntrospection:
        """Whether ``token`` is active, when it expires and what it may do."""
        remember_secret(token)
        body = self._post("/oauth/v2/introspectToken", {"token": token},
                          "POST /oauth/v2/introspectToken")
        expires = _seconds(body.get("expires_at"))
        client_id = body.get("client_id")
        return TokenIntrospection(
            active=body.get("active") is True,
            status=str(body.get("status") or ("active" if body.get("active") else "unknown")),
            expires_at=utc_from_epoch_seconds(expires) if expires else None,
            scopes=_scopes(body.get("scope")),
            client_id=client_id if isinstance(client_id, str) else None)
