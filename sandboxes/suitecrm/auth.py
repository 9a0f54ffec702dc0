"""OAuth2 for the sandbox: clients, passwords, JWT access tokens, refresh tokens.

Mirrors SuiteCRM's league/oauth2-server setup: each client allows exactly one grant
(``client_credentials`` or ``password``) plus ``refresh_token``; a client-credentials
token acts as the admin (id ``"1"``) and has an empty ``sub``; access tokens are JWTs
(``aud`` = client id, ``jti``, ``iat``, ``nbf``, ``exp``, ``sub``, ``scopes``) signed
here with HMAC-SHA256 and a per-process random key, so a real SuiteCRM token (RS256)
fails verification just like an expired one; refresh tokens are opaque
(``def50200`` + hex), last a month and are rotated on use (the old refresh token and
the access token issued with it stop working). Error bodies and hints are the ones
recorded from the real server, including the 500 that echoes a wrong password.
Nothing here logs a secret.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import (
    OAuthError,
    access_denied,
    invalid_client,
    invalid_refresh_token,
    invalid_request,
    unknown_error,
    unsupported_grant,
)

REFRESH_TTL = 30 * 24 * 3600
GRANTS = ("client_credentials", "password", "refresh_token")
_BEARER = re.compile(r"^(?:\s+)?Bearer\s")
_B64URL = re.compile(r"^[A-Za-z0-9_\-=]*$")


@dataclass(frozen=True, slots=True)
class OAuthClient:
    """An OAuth2 client; like SuiteCRM it keeps only the SHA-256 of the secret."""

    client_id: str
    secret_sha256: str
    grant_type: str
    user_id: str = "1"

    @classmethod
    def create(
        cls, client_id: str, secret: str, grant_type: str, user_id: str = "1"
    ) -> OAuthClient:
        if grant_type not in {"client_credentials", "password"}:
            raise ValueError(f"unsupported grant type for a client: {grant_type}")
        digest = hashlib.sha256(secret.encode()).hexdigest()
        return cls(
            client_id=client_id, secret_sha256=digest, grant_type=grant_type, user_id=user_id
        )


@dataclass(slots=True)
class AccessToken:
    """Server-side record of an issued JWT, so logout and expiry can revoke it."""

    jti: str
    client_id: str
    user_id: str
    grant_type: str
    expires_at: float
    revoked: bool = False


@dataclass(slots=True)
class RefreshToken:
    """An opaque refresh token; one use only (rotated), tied to its client."""

    client_id: str
    user_id: str
    access_jti: str
    expires_at: float
    revoked: bool = False


UserLookup = Callable[[str], tuple[str, str] | None]


class OAuthServer:
    """Issues and checks tokens. ``find_user(user_name)`` returns ``(user_id, password)``."""

    def __init__(self, find_user: UserLookup, clock: Callable[[], float], token_ttl: int) -> None:
        self.find_user = find_user
        self.clock = clock
        self.token_ttl = token_ttl
        self.clients: dict[str, OAuthClient] = {}
        self.access_tokens: dict[str, AccessToken] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        self._key = secrets.token_bytes(32)
        # Guards the token tables only; never held while calling ``find_user`` (which
        # takes the store lock), so the two locks are never nested the other way round.
        self._lock = threading.Lock()

    def add_client(self, client: OAuthClient) -> None:
        with self._lock:
            self.clients[client.client_id] = client

    # ------------------------------------------------------------------ token endpoint
    def token(
        self, params: Mapping[str, Any], basic: tuple[str, str] | None = None
    ) -> dict[str, Any]:
        grant = params.get("grant_type")
        if grant not in GRANTS:
            raise unsupported_grant()
        client_id = params.get("client_id") or (basic[0] if basic else None)
        secret = params.get("client_secret") or (basic[1] if basic else None)
        if not isinstance(client_id, str) or not client_id:
            raise invalid_request("client_id")
        with self._lock:
            client = self.clients.get(client_id)
        if client is None:
            raise unknown_error(f"OAuth2Clients module with id {client_id} is not found")
        if grant not in (client.grant_type, "refresh_token") or not self._secret_ok(client, secret):
            raise invalid_client()
        if grant == "client_credentials":
            return self._issue(client, client.user_id, grant, with_refresh=False)
        if grant == "password":
            return self._password_grant(client, params)
        return self._refresh_grant(client, params)

    def _secret_ok(self, client: OAuthClient, secret: object) -> bool:
        if not isinstance(secret, str):
            return False
        digest = hashlib.sha256(secret.encode()).hexdigest()
        return hmac.compare_digest(digest, client.secret_sha256)

    def _password_grant(self, client: OAuthClient, params: Mapping[str, Any]) -> dict[str, Any]:
        username = params.get("username")
        password = params.get("password")
        if not isinstance(username, str) or not username:
            raise invalid_request("username")
        if not isinstance(password, str) or not password:
            raise invalid_request("password")
        found = self.find_user(username)
        if found is None:
            raise unknown_error(f"No user found with this username: {username}")
        user_id, expected = found
        if not hmac.compare_digest(password.encode(), expected.encode()):
            raise unknown_error(f"The password is invalid: {password}")
        return self._issue(client, user_id, "password", with_refresh=True)

    def _refresh_grant(self, client: OAuthClient, params: Mapping[str, Any]) -> dict[str, Any]:
        token = params.get("refresh_token")
        if not isinstance(token, str) or not token:
            raise invalid_request("refresh_token")
        with self._lock:
            record = self.refresh_tokens.get(token)
            if record is None:
                raise invalid_refresh_token("Cannot decrypt the refresh token")
            if record.client_id != client.client_id:
                raise invalid_refresh_token("Token is not linked to client")
            if record.expires_at < self.clock():
                raise invalid_refresh_token("Token has expired")
            if record.revoked:
                raise invalid_refresh_token("Token has been revoked")
            record.revoked = True
            old_access = self.access_tokens.get(record.access_jti)
            if old_access is not None:
                old_access.revoked = True
        grant = old_access.grant_type if old_access else "password"
        return self._issue(client, record.user_id, grant, with_refresh=True)

    def _issue(
        self, client: OAuthClient, user_id: str, grant: str, *, with_refresh: bool
    ) -> dict[str, Any]:
        now = self.clock()
        jti = secrets.token_hex(40)
        expires = now + self.token_ttl
        payload = {
            "aud": client.client_id,
            "jti": jti,
            "iat": now,
            "nbf": now,
            "exp": expires,
            "sub": "" if grant == "client_credentials" else user_id,
            "scopes": [],
        }
        with self._lock:
            self.access_tokens[jti] = AccessToken(jti, client.client_id, user_id, grant, expires)
        body: dict[str, Any] = {
            "token_type": "Bearer",
            "expires_in": self.token_ttl,
            "access_token": self._sign(payload),
        }
        if with_refresh:
            refresh = "def50200" + secrets.token_hex(386)
            with self._lock:
                self.refresh_tokens[refresh] = RefreshToken(
                    client.client_id, user_id, jti, now + REFRESH_TTL
                )
            body["refresh_token"] = refresh
        return body

    # ------------------------------------------------------------------ resource server
    def verify(self, authorization: str | None) -> AccessToken:
        token = _BEARER.sub("", authorization or "").strip()
        parts = token.split(".")
        if len(parts) != 3:
            raise access_denied("The JWT string must have two dots")
        header = _decode_json(parts[0])
        payload = _decode_json(parts[1])
        expected = _b64(
            hmac.new(self._key, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
        )
        signed_here = header.get("alg") == "HS256" and hmac.compare_digest(expected, parts[2])
        exp = payload.get("exp")
        if not signed_here or not isinstance(exp, int | float) or exp <= self.clock():
            raise access_denied("Access token could not be verified")
        with self._lock:
            record = self.access_tokens.get(str(payload.get("jti")))
        if record is None or record.revoked:
            raise access_denied("Access token has been revoked")
        if record.expires_at <= self.clock():
            raise access_denied("Access token could not be verified")
        return record

    def revoke(self, jti: str) -> None:
        """Logout: the access token and the refresh tokens issued with it stop working."""
        with self._lock:
            record = self.access_tokens.get(jti)
            if record is not None:
                record.revoked = True
            for refresh in self.refresh_tokens.values():
                if refresh.access_jti == jti:
                    refresh.revoked = True

    def expire_all(self) -> int:
        """Make every access token expired now (a test switch; refresh tokens survive)."""
        moment = self.clock() - 1
        with self._lock:
            live = [t for t in self.access_tokens.values() if t.expires_at > moment]
            for record in live:
                record.expires_at = moment
        return len(live)

    def _sign(self, payload: dict[str, Any]) -> str:
        header = _b64(json.dumps({"typ": "JWT", "alg": "HS256"}, separators=(",", ":")).encode())
        body = _b64(json.dumps(payload, separators=(",", ":")).encode())
        signature = hmac.new(self._key, f"{header}.{body}".encode(), hashlib.sha256).digest()
        return f"{header}.{body}.{_b64(signature)}"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _decode_json(part: str) -> dict[str, Any]:
    if not _B64URL.match(part):
        raise access_denied(
            "Error while decoding from Base64Url, invalid base64 characters detected"
        )
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        value = json.loads(raw)
    except (binascii.Error, ValueError):
        raise access_denied("Error while decoding from JSON") from None
    if not isinstance(value, dict):
        raise access_denied("Error while decoding from JSON")
    return value


__all__ = ["OAuthClient", "OAuthError", "OAuthServer"]
