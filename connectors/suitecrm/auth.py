"""OAuth2 against SuiteCRM's ``/Api/access_token``.

Written here rather than through a generic OAuth library because SuiteCRM's failure
modes need exact handling that such libraries get wrong: a wrong password answers 500
with the password in the message (a generic client would raise and log it), one client
serves exactly one grant type, and refresh tokens rotate (the old one dies on use, so the
caller must persist the new one). The token request itself is a single form POST.

``TokenManager`` holds the current token of one identity, fetches it lazily, renews it
``refresh_margin`` seconds before expiry and once more when the API answers 401. Several
processes sharing one user's token (API processes and workers acting as a rep) pass a
``coordinate`` function: SuiteCRM cancels the access token a refresh token was issued
with when that refresh token is used, so two processes refreshing at once would leave one
holding a dead pair. ``coordinate(current, renew)`` serialises renewals (a lock shared by
the processes), hands back a token another process already renewed, and calls ``renew``
only when none did; connectors know no Redis, so the caller supplies it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from connectors.errors import AuthenticationError, BadResponseError
from connectors.redaction import remember_secret
from connectors.suitecrm.records import Token
from connectors.suitecrm.responses import SERVICE, classify_token, json_body
from connectors.transport import Transport

TOKEN_PATH = "Api/access_token"  # noqa: S105 - a URL path, not a secret


@dataclass(frozen=True, slots=True)
class ClientCredentials:
    """The service account: a SuiteCRM client set up for the ``client_credentials`` grant."""

    client_id: str
    client_secret: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class PasswordClient:
    """The client reps log in through (``password`` and ``refresh_token`` grants)."""

    client_id: str
    client_secret: str = field(repr=False)


def request_token(transport: Transport, form: dict[str, str], *, clock: Callable[[], float]
                  ) -> Token:
    """POST one grant; parse the token or raise ``AuthenticationError``."""
    sent_at = clock()
    response = transport.send(
        "POST", TOKEN_PATH, endpoint=f"POST /access_token ({form['grant_type']})",
        # A refresh token rotates when used: a retry after a lost answer would present a
        # dead token, so only the other grants are retried.
        classify=classify_token, idempotent=form["grant_type"] != "refresh_token", data=form,
        headers={"Accept": "application/json"},
    )
    body = json_body(response)
    try:
        access = str(body["access_token"])
        expires_in = float(body.get("expires_in", 3600))
    except (KeyError, TypeError, ValueError):
        raise BadResponseError("token answer without access_token", service=SERVICE) from None
    refresh = body.get("refresh_token")
    remember_secret(access, str(refresh) if refresh else None)
    return Token(access_token=access, expires_at=sent_at + expires_in,
                 refresh_token=str(refresh) if refresh else None,
                 token_type=str(body.get("token_type", "Bearer")))


def password_login(transport: Transport, client: PasswordClient, username: str, password: str,
                   *, clock: Callable[[], float] = time.time) -> Token:
    """Log a user in; the token acts as that user (SuiteCRM's ACL and audit apply)."""
    return request_token(transport, {
        "grant_type": "password",
        "client_id": client.client_id,
        "client_secret": client.client_secret,
        "username": username,
        "password": password,
    }, clock=clock)


Coordinator = Callable[[Token | None, Callable[[Token | None], Token]], Token]


class TokenManager:
    """Current token of one identity (service account or one user), thread-safe."""

    def __init__(
        self,
        transport: Transport,
        client: ClientCredentials | PasswordClient,
        *,
        token: Token | None = None,
        on_token: Callable[[Token], None] | None = None,
        clock: Callable[[], float] = time.time,
        refresh_margin: float = 60.0,
        coordinate: Coordinator | None = None,
    ) -> None:
        if isinstance(client, PasswordClient) and token is None:
            raise ValueError("a password client needs the token from password_login()")
        self._transport = transport
        self._client = client
        self._token = token
        self._on_token = on_token
        self._clock = clock
        self._margin = refresh_margin
        self._coordinate = coordinate
        self._lock = threading.Lock()

    @property
    def token(self) -> Token | None:
        return self._token

    def access_token(self) -> str:
        with self._lock:
            token = self._token
            if token is None or token.expires_within(self._margin, self._clock()):
                token = self._renew(token) if self._coordinate is None else \
                    self._coordinated(token)
            return token.access_token

    def reject(self, access_token: str) -> None:
        """The API answered 401 for this token: renew on next use (once per token)."""
        with self._lock:
            if self._token is not None and self._token.access_token == access_token:
                self._token = Token(access_token=access_token, expires_at=0.0,
                                    refresh_token=self._token.refresh_token)

    def forget(self) -> None:
        with self._lock:
            self._token = None

    def _coordinated(self, current: Token | None) -> Token:
        assert self._coordinate is not None
        token = self._coordinate(current, self._renew)
        self._token = token
        return token

    def _renew(self, current: Token | None) -> Token:
        if isinstance(self._client, ClientCredentials):
            form = {
                "grant_type": "client_credentials",
                "client_id": self._client.client_id,
                "client_secret": self._client.client_secret,
            }
        else:
            if current is None or not current.refresh_token:
                raise AuthenticationError("session expired and cannot be refreshed; log in again",
                                          service=SERVICE, reason="expired")
            form = {
                "grant_type": "refresh_token",
                "client_id": self._client.client_id,
                "client_secret": self._client.client_secret,
                "refresh_token": current.refresh_token,
            }
        try:
            token = request_token(self._transport, form, clock=self._clock)
        except AuthenticationError as exc:
            if form["grant_type"] == "refresh_token":
                exc.reason = "expired"  # however SuiteCRM words it, the session is over
            raise
        self._token = token
        if self._on_token is not None:
            self._on_token(token)  # rotated refresh token: the caller must persist it
        return token
