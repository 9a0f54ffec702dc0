"""Network tokens at rest: encrypted in Redis, refreshed by one process at a time.

Why encrypted: Redis is shared by every API and worker host, its AOF files and backups
travel, and a Page token is the keys to a company's public voice. Each connection's
secrets (access and refresh token) are sealed with Fernet (AES-128-CBC + HMAC-SHA256,
from ``cryptography``) under a key derived from ``SOCIALCRM_SECRET_KEY`` with HKDF, so the
setting can be any long passphrase. The sealed text also names its network and account
and is checked on opening, so a token copied onto another connection's key is refused.
Expiry, scopes and who connected stay readable beside it (no secret; ``redis-cli`` and
``socialcrm connect list`` show them without the key).

A wrong key never yields garbage: Fernet authenticates before it decrypts, and the
failure is a ``TokenKeyError`` that says what to do. Rotation: give the old keys as
``previous_keys`` (they still open), then ``TokenStore.reseal_all()`` rewrites every
token under the current key.

Refresh (LinkedIn access tokens live 60 days, their refresh token a year): ``fresh()``
takes a Redis lock per connection, re-reads the token once it holds it and refreshes
only if it is still stale, so two workers never spend the same refresh at once; the one
that waited reads the token the other stored.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import redis
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from redis.exceptions import LockError

from connectors.linkedin.oauth import IssuedToken
from connectors.redaction import remember_secret

log = logging.getLogger(__name__)

KEY_PREFIX = "socialcrm:token:"
LOCK_PREFIX = "socialcrm:token-refresh:"
# Fixed on purpose: the same key must derive the same Fernet key on every host. HKDF's
# salt only separates uses of one secret; the info string names this use.
_HKDF_SALT = b"socialcrm"
_HKDF_INFO = b"socialcrm network tokens at rest v1"
# Refresh a day ahead: the 6-hourly token check then renews a token before any job
# could meet it expired, and an early refresh costs LinkedIn nothing.
REFRESH_MARGIN = timedelta(days=1)

Refresher = Callable[[str], IssuedToken]


class TokenError(Exception):
    """Base of the token store's errors; the message says what to do."""


class TokenKeyError(TokenError):
    """A stored token cannot be opened with the configured key (a different key)."""


class TokenNotFound(TokenError):
    """No token is stored for that connection."""


class RefreshBusy(TokenError):
    """Another process held the refresh lock for longer than we waited: retry later."""


class CannotRefresh(TokenError):
    """The token is stale and there is no refresh token: an admin must connect again."""


def utc_now() -> datetime:
    return datetime.now(UTC)


def fernet_key(secret_key: str) -> bytes:
    """The Fernet key HKDF-SHA256 derives from a configured secret key."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=_HKDF_SALT,
                   info=_HKDF_INFO).derive(secret_key.encode("utf-8"))
    return base64.urlsafe_b64encode(derived)


class TokenCipher:
    """Seals with the current key; opens with it or any of ``previous_keys``."""

    def __init__(self, secret_key: str, previous_keys: Sequence[str] = ()) -> None:
        if not secret_key:
            raise TokenKeyError("SOCIALCRM_SECRET_KEY is not set: tokens cannot be stored")
        self._fernet = MultiFernet([Fernet(fernet_key(k))
                                    for k in (secret_key, *previous_keys) if k])

    def seal(self, plain: bytes) -> bytes:
        return self._fernet.encrypt(plain)

    def open(self, sealed: bytes, what: str) -> bytes:
        try:
            return self._fernet.decrypt(sealed)
        except InvalidToken:
            raise TokenKeyError(
                f"the stored token of {what} cannot be decrypted with this "
                "SOCIALCRM_SECRET_KEY: it was stored under another key. Set the key it was "
                "stored with (or pass it as a previous key to rotate), or connect again"
            ) from None

    def reseal(self, sealed: bytes, what: str) -> bytes:
        """The same token sealed under the current key."""
        try:
            return self._fernet.rotate(sealed)
        except InvalidToken:
            raise TokenKeyError(f"the stored token of {what} opens with none of the "
                                "given keys") from None


@dataclass(frozen=True, slots=True)
class NetworkToken:
    """One connection's credentials (``account_id``: a Page id or organization URN)."""

    network: str
    account_id: str
    access_token: str = field(repr=False)
    expires_at: datetime | None = None
    refresh_token: str | None = field(default=None, repr=False)
    refresh_expires_at: datetime | None = None
    scopes: tuple[str, ...] = ()
    connected_by: str = ""
    connected_at: datetime | None = None
    refreshed_at: datetime | None = None

    @property
    def label(self) -> str:
        return f"{self.network} {self.account_id}"

    def expires_within(self, margin: timedelta, now: datetime) -> bool:
        """Whether the access token is dead by ``now + margin`` (never, if no expiry)."""
        return self.expires_at is not None and self.expires_at <= now + margin


def _when(value: datetime | None) -> str:
    return value.astimezone(UTC).isoformat() if value else ""


def _parse_when(raw: bytes | None) -> datetime | None:
    text = (raw or b"").decode()
    return datetime.fromisoformat(text) if text else None


def token_key(network: str, account_id: str) -> str:
    return f"{KEY_PREFIX}{network}:{account_id}"


class TokenStore:
    """Encrypted tokens in one Redis, by (network, account id)."""

    def __init__(self, client: redis.Redis, cipher: TokenCipher, *,
                 clock: Callable[[], datetime] = utc_now, lock_seconds: float = 120.0,
                 wait_seconds: float = 60.0) -> None:
        self._redis = client
        self._cipher = cipher
        self._clock = clock
        self.lock_seconds = lock_seconds  # longer than a refresh with all its retries
        self.wait_seconds = wait_seconds

    def save(self, token: NetworkToken) -> None:
        """Store (or replace) a connection's token."""
        plain = json.dumps({"network": token.network, "account_id": token.account_id,
                            "access_token": token.access_token,
                            "refresh_token": token.refresh_token})
        fields = {
            "sealed": self._cipher.seal(plain.encode("utf-8")),
            "expires_at": _when(token.expires_at),
            "refresh_expires_at": _when(token.refresh_expires_at),
            "scopes": " ".join(token.scopes), "connected_by": token.connected_by,
            "connected_at": _when(token.connected_at), "refreshed_at": _when(token.refreshed_at),
        }
        key = token_key(token.network, token.account_id)
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            pipe.hset(key, mapping=fields)  # type: ignore[arg-type]
            pipe.execute()

    def find(self, network: str, account_id: str) -> NetworkToken | None:
        """The stored token (its secrets registered with the log filter), or ``None``."""
        raw: dict[bytes, bytes] = self._redis.hgetall(token_key(network, account_id))  # type: ignore[assignment]
        if not raw:
            return None
        what = f"{network} {account_id}"
        if b"sealed" not in raw:
            raise TokenError(f"the stored token of {what} is incomplete: connect it again")
        opened = json.loads(self._cipher.open(raw[b"sealed"], what))
        if (opened.get("network"), opened.get("account_id")) != (network, account_id):
            raise TokenKeyError(f"the token stored for {what} was sealed for another "
                                "connection: connect it again")
        remember_secret(opened["access_token"], opened.get("refresh_token"))
        return NetworkToken(
            network=network, account_id=account_id, access_token=opened["access_token"],
            refresh_token=opened.get("refresh_token"),
            expires_at=_parse_when(raw.get(b"expires_at")),
            refresh_expires_at=_parse_when(raw.get(b"refresh_expires_at")),
            scopes=tuple((raw.get(b"scopes") or b"").decode().split()),
            connected_by=(raw.get(b"connected_by") or b"").decode(),
            connected_at=_parse_when(raw.get(b"connected_at")),
            refreshed_at=_parse_when(raw.get(b"refreshed_at")))

    def load(self, network: str, account_id: str) -> NetworkToken:
        token = self.find(network, account_id)
        if token is None:
            raise TokenNotFound(f"no token stored for {network} {account_id}: connect it "
                                f"with `socialcrm connect {network}`")
        return token

    def delete(self, network: str, account_id: str) -> bool:
        return bool(self._redis.delete(token_key(network, account_id)))

    def stored(self) -> Iterator[tuple[str, str]]:
        """(network, account id) of every stored token."""
        for key in self._redis.scan_iter(match=f"{KEY_PREFIX}*", count=500):
            network, _, account = key.decode()[len(KEY_PREFIX):].partition(":")
            yield network, account

    def reseal_all(self) -> int:
        """Rewrite every token under the current key (after a key rotation)."""
        count = 0
        for network, account in list(self.stored()):
            key = token_key(network, account)
            sealed = self._redis.hget(key, "sealed")
            if sealed is not None:
                resealed = self._cipher.reseal(sealed, f"{network} {account}")  # type: ignore[arg-type]
                self._redis.hset(key, "sealed", resealed)
                count += 1
        return count

    # -- refresh ----------------------------------------------------------------------

    def _stale(self, token: NetworkToken, margin: timedelta, rejected: str | None) -> bool:
        return token.access_token == rejected or token.expires_within(margin, self._clock())

    def fresh(self, network: str, account_id: str, refresh: Refresher, *,
              margin: timedelta = REFRESH_MARGIN, rejected: str | None = None) -> NetworkToken:
        """A token that is good for at least ``margin``, refreshing it if needed.

        ``rejected``: an access token the network just refused (401 expired): it is
        refreshed even if its date says otherwise, unless another process already
        replaced it. One refresh per connection at a time across all hosts.
        """
        token = self.load(network, account_id)
        if not self._stale(token, margin, rejected):
            return token
        lock = self._redis.lock(LOCK_PREFIX + f"{network}:{account_id}",
                                timeout=self.lock_seconds, blocking_timeout=self.wait_seconds)
        if not lock.acquire():
            raise RefreshBusy(f"another process is still refreshing {network} {account_id}")
        try:
            token = self.load(network, account_id)  # the holder before us may have done it
            if not self._stale(token, margin, rejected):
                log.info("token of %s was refreshed by another process", token.label)
                return token
            return self._refresh(token, refresh)
        finally:
            try:
                lock.release()
            except LockError:  # it expired while we refreshed: the result still stands
                log.warning("refresh lock of %s expired before it was released", token.label)

    def _refresh(self, token: NetworkToken, refresh: Refresher) -> NetworkToken:
        if not token.refresh_token:
            raise CannotRefresh(f"the token of {token.label} expires and has no refresh "
                                f"token: connect it again with `socialcrm connect "
                                f"{token.network}`")
        issued = refresh(token.refresh_token)
        now = self._clock()
        renewed = replace(
            token, access_token=issued.access_token,
            expires_at=now + timedelta(seconds=issued.expires_in),
            refresh_token=issued.refresh_token or token.refresh_token,
            refresh_expires_at=(now + timedelta(seconds=issued.refresh_token_expires_in)
                                if issued.refresh_token_expires_in else token.refresh_expires_at),
            scopes=issued.scopes or token.scopes, refreshed_at=now)
        self.save(renewed)
        log.info("refreshed the token of %s (valid until %s)", token.label,
                 renewed.expires_at)
        return renewed
