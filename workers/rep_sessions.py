"""Reps' API sessions and their SuiteCRM tokens, in Redis, shared by API and workers.

A rep logs in once with SuiteCRM credentials; the API keeps the SuiteCRM token pair that
login produced and hands the phone its own opaque tokens instead (``docs/mobile-api.md``):

* **What Redis holds.** A session hash (user id and name, whether an admin, when it
  started, the SuiteCRM token pair *sealed* with Fernet, ``workers.tokens.TokenCipher``)
  and, for each token the phone holds, only its SHA-256 (the access token's key also
  names the rep, so checking a request is one Redis read): a dump of Redis gives no
  bearer token, no refresh token and no SuiteCRM token in clear.
* **Access and refresh.** The access token lives ``access_seconds`` (an hour); the
  refresh token ``refresh_seconds`` (30 days) and rotates on use: refreshing returns a
  new pair and the old refresh token dies, so a stolen one works at most once.
* **Logout revokes** the session: both token hashes and the sealed SuiteCRM pair go at
  once; a worker still holding the session's id finds nothing and fails the rep's
  update with "log in again", never falling back to another identity.
* **One SuiteCRM pair per session, refreshed by one process at a time.** SuiteCRM cancels
  the access token a refresh token came with when that refresh token is used. API
  processes and workers acting as the same rep therefore renew under a Redis lock, and
  a process that waited takes the pair the other stored (``coordinate``).
* **Workers act as the rep** through the rep's newest live session
  (:meth:`SessionStore.crm_for_user`); the update a rep queued is written with that rep's
  SuiteCRM token, so SuiteCRM's roles and audit trail apply.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import redis
from cachetools import LRUCache
from redis.client import Pipeline

from connectors.suitecrm import FieldInfo, PasswordClient, SuiteCRMClient, Token
from workers.tokens import TokenCipher

PREFIX = "socialcrm:api:"
SESSION = PREFIX + "session:"  # hash per session id
ACCESS = PREFIX + "access:"  # sha256(access token) -> session id
REFRESH = PREFIX + "refresh:"  # sha256(refresh token) -> session id
USER = PREFIX + "user:"  # sorted set per user id: session ids by start time
LOCK = PREFIX + "crm-lock:"  # per session: one SuiteCRM refresh at a time
DEFAULT_ACCESS_SECONDS = 3600
DEFAULT_REFRESH_SECONDS = 30 * 24 * 3600
LOCK_SECONDS = 30  # a SuiteCRM token request takes well under a second
TOKEN_BYTES = 32
KNOWN_TOKENS = 10_000  # tokens whose owner a process remembers (about 1 MB)
# Reads queued on a pipeline for a rep (by user id) beside the token check.
RepReads = Callable[[Pipeline, str], None]


class RepSignedOut(Exception):
    """No live session for the rep (logged out, expired or never logged in)."""


@dataclass(frozen=True, slots=True)
class Rep:
    """Who is calling: the SuiteCRM user behind a valid access token."""

    user_id: str
    user_name: str
    session_id: str
    is_admin: bool = False
    full_name: str = ""  # as SuiteCRM shows it (an app signs replies with it)


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    """What the phone receives: opaque tokens, never SuiteCRM's."""

    access_token: str
    refresh_token: str
    expires_in: int
    refresh_expires_in: int
    rep: Rep


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


class SessionStore:
    """Sessions of one SuiteCRM (see the module docstring)."""

    def __init__(self, client: redis.Redis, cipher: TokenCipher, *, suitecrm_url: str,
                 password_client: PasswordClient,
                 access_seconds: int = DEFAULT_ACCESS_SECONDS,
                 refresh_seconds: int = DEFAULT_REFRESH_SECONDS,
                 client_options: dict[str, Any] | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        if access_seconds < 60 or refresh_seconds <= access_seconds:
            raise ValueError("access tokens live at least 60 s, refresh tokens longer")
        self._redis = client
        self._cipher = cipher
        self._url = suitecrm_url
        self._client = password_client
        self.access_seconds = access_seconds
        self.refresh_seconds = refresh_seconds
        self._options = dict(client_options or {})
        self._fields: dict[str, dict[str, FieldInfo]] = {}  # shared by every rep's client
        self._clock = clock
        # Whose each token this process accepted was (digest -> user id), for the reads
        # that ride along with a token check (:meth:`authenticate_with`).
        self._owners: LRUCache[str, str] = LRUCache(maxsize=KNOWN_TOKENS)
        self._owners_lock = threading.Lock()  # cachetools' caches are not thread-safe

    # -- sessions -------------------------------------------------------------------
    def start(self, crm_token: Token, *, user_id: str, user_name: str,
              is_admin: bool, full_name: str = "") -> IssuedTokens:
        """A new session for a rep SuiteCRM just logged in (``crm_token`` acts as them)."""
        session_id = secrets.token_hex(16)
        rep = Rep(user_id, user_name, session_id, is_admin, full_name)
        now = self._clock()
        pipe = self._redis.pipeline()
        pipe.hset(SESSION + session_id, mapping={
            "user_id": user_id, "user_name": user_name, "is_admin": "1" if is_admin else "0",
            "full_name": full_name,
            "started": f"{now:.3f}", "crm": self._seal(crm_token)})
        pipe.expire(SESSION + session_id, self.refresh_seconds)
        pipe.zadd(USER + user_id, {session_id: now})
        pipe.expire(USER + user_id, self.refresh_seconds)
        pipe.execute()
        return self._issue(rep)

    def authenticate(self, access_token: str) -> Rep | None:
        """The rep behind a bearer token, or None (unknown, expired, revoked, forged)."""
        return self.authenticate_with(access_token, None)[0]

    def authenticate_with(self, access_token: str, reads: RepReads | None
                          ) -> tuple[Rep | None, list[Any] | None]:
        """:meth:`authenticate`, and ``reads`` of the rep's own keys in the same round
        trip: their answers, or None when they were not made (the token unknown to this
        process until now, or refused).

        Why a guess: the reads need the rep's id before Redis says whose the token is.
        This process remembers whose each token it accepted was (by its digest, as Redis
        keys it), so from a phone's second request on both go in one pipeline; the
        token check in it decides, and answers read for another rep are dropped (a token
        never changes owner, so that cannot happen, but nothing rests on it)."""
        if not access_token or len(access_token) > 200:
            return None, None
        digest = _digest(access_token)
        guess = None
        if reads is not None:
            with self._owners_lock:
                guess = self._owners.get(digest)
        if reads is None or guess is None:
            rep = self._rep_of(self._redis.get(ACCESS + digest))
            if rep is not None and reads is not None:
                with self._owners_lock:
                    self._owners[digest] = rep.user_id
            return rep, None
        pipe = self._redis.pipeline(transaction=False)
        pipe.get(ACCESS + digest)
        reads(pipe, guess)
        held, *answers = pipe.execute(raise_on_error=False)
        if isinstance(held, Exception):
            raise held
        rep = self._rep_of(held)
        if rep is None:
            with self._owners_lock:
                self._owners.pop(digest, None)
            return None, None
        if rep.user_id != guess or any(isinstance(a, Exception) for a in answers):
            return rep, None
        return rep, answers

    @staticmethod
    def _rep_of(held: Any) -> Rep | None:
        if held is None:
            return None
        # One round trip per request: the access key holds who the rep is (it dies with
        # the session on logout, and with its pair on refresh).
        session_id, user_id, user_name, is_admin, *rest = json.loads(cast("bytes", held))
        return Rep(user_id, user_name, session_id, bool(is_admin), rest[0] if rest else "")

    def refresh(self, refresh_token: str) -> IssuedTokens | None:
        """A new token pair for a valid refresh token (which dies here), or None."""
        if not refresh_token or len(refresh_token) > 200:
            return None
        session_id = self._redis.getdel(REFRESH + _digest(refresh_token))
        if session_id is None:
            return None
        rep = self._rep(cast("bytes", session_id).decode())
        if rep is None:
            return None
        old_access = self._redis.hget(SESSION + rep.session_id, "access")
        if old_access is not None:
            self._redis.delete(ACCESS + cast("bytes", old_access).decode())
        return self._issue(rep)

    def revoke(self, session_id: str) -> None:
        """Log out: the session's tokens and its SuiteCRM pair are gone at once."""
        key = SESSION + session_id
        stored = cast("dict[bytes, bytes]", self._redis.hgetall(key))
        pipe = self._redis.pipeline()
        for field, prefix in ((b"access", ACCESS), (b"refresh", REFRESH)):
            if field in stored:
                pipe.delete(prefix + stored[field].decode())
        pipe.delete(key)
        if b"user_id" in stored:
            pipe.zrem(USER + stored[b"user_id"].decode(), session_id)
        pipe.execute()

    # -- SuiteCRM as the rep ----------------------------------------------------------
    def crm_for_session(self, session_id: str) -> SuiteCRMClient:
        """A client acting as the session's rep; ``RepSignedOut`` when it is over."""
        token = self._crm_token(session_id)
        if token is None:
            raise RepSignedOut("the rep's session is over: log in again")

        def coordinate(current: Token | None,
                       renew: Callable[[Token | None], Token]) -> Token:
            return self._renew_shared(session_id, current, renew)

        return SuiteCRMClient(self._url, self._client, token=token, coordinate=coordinate,
                              field_cache=self._fields, **self._options)

    def crm_for_user(self, user_id: str) -> SuiteCRMClient:
        """A client acting as the rep through their newest live session (workers)."""
        newest = cast("list[bytes]", self._redis.zrevrange(USER + user_id, 0, 9))
        for raw in newest:
            session_id = raw.decode()
            if self._redis.exists(SESSION + session_id):
                return self.crm_for_session(session_id)
            self._redis.zrem(USER + user_id, session_id)
        raise RepSignedOut(f"user {user_id} has no live session: the rep must log in again")

    def _renew_shared(self, session_id: str, current: Token | None,
                      renew: Callable[[Token | None], Token]) -> Token:
        """Renew under the session's lock; take a pair another process stored meanwhile."""
        with self._redis.lock(LOCK + session_id, timeout=LOCK_SECONDS,
                              blocking_timeout=LOCK_SECONDS):
            stored = self._crm_token(session_id)
            if stored is None:
                raise RepSignedOut("the rep's session is over: log in again")
            fresh = current is None or stored.access_token != current.access_token
            if fresh and not stored.expires_within(60, self._clock()):
                return stored
            token = renew(stored)
            if self._redis.exists(SESSION + session_id):
                self._redis.hset(SESSION + session_id, "crm", self._seal(token))
            return token

    # -- internals --------------------------------------------------------------------
    def _issue(self, rep: Rep) -> IssuedTokens:
        access, refresh = _new_token(), _new_token()
        access_hash, refresh_hash = _digest(access), _digest(refresh)
        pipe = self._redis.pipeline()
        pipe.set(ACCESS + access_hash, json.dumps(
            [rep.session_id, rep.user_id, rep.user_name, rep.is_admin, rep.full_name]),
            ex=self.access_seconds)
        pipe.set(REFRESH + refresh_hash, rep.session_id, ex=self.refresh_seconds)
        pipe.hset(SESSION + rep.session_id,
                  mapping={"access": access_hash, "refresh": refresh_hash})
        pipe.expire(SESSION + rep.session_id, self.refresh_seconds)
        pipe.execute()
        return IssuedTokens(access, refresh, self.access_seconds, self.refresh_seconds, rep)

    def _rep(self, session_id: str) -> Rep | None:
        values = cast("list[bytes | None]", self._redis.hmget(
            SESSION + session_id, ["user_id", "user_name", "is_admin", "full_name"]))
        if values[0] is None:
            return None
        user_id, user_name, is_admin, full_name = (v.decode() if v is not None else ""
                                                   for v in values)
        return Rep(user_id, user_name, session_id, is_admin == "1", full_name)

    def _crm_token(self, session_id: str) -> Token | None:
        sealed = self._redis.hget(SESSION + session_id, "crm")
        if sealed is None:
            return None
        data = json.loads(self._cipher.open(cast("bytes", sealed), "a rep's SuiteCRM token"))
        return Token(access_token=data["access"], expires_at=float(data["expires_at"]),
                     refresh_token=data.get("refresh"))

    def _seal(self, token: Token) -> bytes:
        return self._cipher.seal(json.dumps({
            "access": token.access_token, "refresh": token.refresh_token,
            "expires_at": token.expires_at}).encode("utf-8"))
