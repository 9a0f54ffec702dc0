"""One way every process connects to Redis: a plain server, or a Sentinel-managed one.

Why: redis-py reads ``redis://``, ``rediss://`` and ``unix://`` URLs and follows a Sentinel
failover (``Sentinel.master_for``: its pool asks the Sentinels for the primary on every new
connection and drops one that finds the old primary demoted), but has no URL for Sentinel,
and ``REDIS_URL`` is the one setting every process is given. So this adds that URL, the
convention of the Redis-Sentinel-Url package, Prefect and docket, and leaves the rest to
redis-py:

    redis+sentinel://[[user]:password@]host[:port][,host[:port]...]/service[/db][?options]
    rediss+sentinel://...   (TLS to the Redis servers and to the Sentinels)

Sentinels default to port 26379, ``db`` to 0; ``service`` is the name in ``sentinel monitor``.
The password is the servers'; ``sentinel_auth=yes`` sends it to the Sentinels too (no
Sentinel password in the query: log redaction masks only the user-info password);
``sentinel_socket_timeout`` (1 s) bounds a question to one Sentinel. Other options are
redis-py's; an unknown one is a ``ValueError`` at start-up, not a ``TypeError`` later.

Redis replicates asynchronously: a write the primary answered may be missing from the
replica Sentinel promotes. ``replica_acks=N`` (default 1 with Sentinel, else 0) and
``replica_ack_timeout`` (0.5 s) make :func:`confirm_replicated` wait (``WAIT``) until N
replicas hold a write, or raise :class:`NotReplicatedError`. The API calls it before it
answers that an update is accepted, a worker before it writes one to SuiteCRM, so
"accepted" is never lost and a retry never makes a second record
(docs/reliability-sentinel.md).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

import redis
from redis.connection import URL_QUERY_ARGUMENT_PARSERS
from redis.sentinel import Sentinel

PLAIN_SCHEMES = ("redis", "rediss", "unix")
SENTINEL_SCHEMES = ("redis+sentinel", "rediss+sentinel")
SENTINEL_PORT = 26379
SENTINEL_TIMEOUT_SECONDS = 1.0
ACK_TIMEOUT_SECONDS = 0.5
BARRIER_KEY = "socialcrm:replication:barrier"
# Query options redis-py hands to a connection as text (it parses the others itself).
_TEXT_OPTIONS = frozenset({
    "client_name", "lib_name", "lib_version", "username", "password", "ssl_keyfile",
    "ssl_certfile", "ssl_cert_reqs", "ssl_ca_certs", "ssl_ca_path", "ssl_ca_data",
    "ssl_password", "ssl_ciphers"})
_OURS = frozenset({"replica_acks", "replica_ack_timeout"})
_SENTINEL_OURS = frozenset({"sentinel_auth", "sentinel_socket_timeout"})
_YES, _NO = frozenset({"1", "true", "yes", "on"}), frozenset({"0", "false", "no", "off"})


class NotReplicatedError(redis.RedisError):
    """Fewer replicas than required confirmed a write in time: it may not survive a
    failover, so it must not be reported as stored (the API answers 503; the client
    retries with the same idempotency key)."""


class ReplicatedRedis(redis.Redis):
    """A redis-py client that also knows how many replicas must confirm a write that may
    not be lost (``replica_acks``) and how long to wait for them; closing it also closes
    its Sentinel connections."""

    replica_acks: int = 0
    replica_ack_timeout: float = ACK_TIMEOUT_SECONDS
    sentinel_manager: Sentinel | None = None

    def close(self) -> None:
        super().close()
        if self.sentinel_manager is not None:
            self.sentinel_manager.close()


@dataclass(frozen=True, slots=True)
class SentinelTarget:
    """A parsed Sentinel URL: where the Sentinels are and what to ask them for."""

    sentinels: tuple[tuple[str, int], ...]
    service: str
    db: int = 0
    tls: bool = False
    username: str | None = None
    password: str | None = None
    sentinel_auth: bool = False
    sentinel_timeout: float = SENTINEL_TIMEOUT_SECONDS
    options: dict[str, Any] = field(default_factory=dict)  # redis-py's, for the servers


def connect(url: str, **options: Any) -> ReplicatedRedis:
    """A client for ``url`` (see the module docstring). ``options`` are redis-py client
    options (``socket_timeout=5``...); the same option in the URL wins, as with
    ``Redis.from_url``. A malformed URL is a ``ValueError`` saying what is wrong, never
    echoing a password. Nothing is connected until the first command."""
    try:
        check_redis_url(url)
    except ValueError as exc:
        raise ValueError(f"the Redis URL {exc}") from None
    query = _query(url)
    if _scheme(url) in SENTINEL_SCHEMES:
        target = parse_sentinel_url(url)
        sentinel = Sentinel(list(target.sentinels), sentinel_kwargs=_sentinel_kwargs(target),
                            **{**options, **_server_kwargs(target)})
        policy = _with_policy(_acks(query, default=1), _ack_timeout(query))
        client: ReplicatedRedis = sentinel.master_for(target.service, redis_class=policy)
        client.sentinel_manager = sentinel
        return client
    policy = _with_policy(_acks(query, default=0), _ack_timeout(query))
    return cast("ReplicatedRedis", policy.from_url(_without_ours(url), **options))


@functools.cache
def _with_policy(acks: int, ack_timeout: float) -> type[ReplicatedRedis]:
    """``ReplicatedRedis`` with this acknowledgement policy as class attributes: RQ
    rebuilds a client in a worker pool's children and its scheduler process from the
    client's class and its pool's arguments only (``rq.connections.parse_connection``),
    so the policy must travel with the class."""
    return cast("type[ReplicatedRedis]", type(
        "ReplicatedRedis", (ReplicatedRedis,),
        {"replica_acks": acks, "replica_ack_timeout": ack_timeout,
         "__module__": __name__}))


def _ack_timeout(query: dict[str, str]) -> float:
    return _seconds(query, "replica_ack_timeout", ACK_TIMEOUT_SECONDS)


def check_redis_url(url: str) -> str:
    """``url`` unchanged when :func:`connect` can use it, else a ``ValueError`` whose
    message completes "REDIS_URL ..." (the settings validate with it, connecting to
    nothing)."""
    scheme = _scheme(url)
    if scheme in SENTINEL_SCHEMES:
        parse_sentinel_url(url)
        return url
    query = _query(url)
    _check_options(query, allowed=_OURS)
    _acks(query, default=0)
    _ack_timeout(query)
    _server_options({k: v for k, v in query.items() if k not in _OURS})
    parts = urlsplit(url)
    if not (parts.netloc or parts.path):
        raise ValueError(f"names no server after {scheme}://")
    return url


def parse_sentinel_url(url: str) -> SentinelTarget:
    """The Sentinels, service, database and options of a ``redis+sentinel://`` URL."""
    if (scheme := _scheme(url)) not in SENTINEL_SCHEMES:
        raise ValueError(f"must start with {' or '.join(s + '://' for s in SENTINEL_SCHEMES)}")
    netloc, _, after = url.split("://", 1)[1].partition("/")
    path = after.partition("?")[0]
    userinfo, at, hosts = netloc.partition("?")[0].rpartition("@")
    username, password = _credentials(userinfo) if at else (None, None)
    sentinels = tuple(_host_port(part) for part in hosts.split(","))
    service, db = _service_and_db(path if "?" not in netloc else "")
    query = _query(url)
    _check_options(query, allowed=_OURS | _SENTINEL_OURS)
    _acks(query, default=1)
    _ack_timeout(query)
    return SentinelTarget(
        sentinels=sentinels, service=service, db=db, tls=scheme == "rediss+sentinel",
        username=username, password=password,
        sentinel_auth=_flag(query, "sentinel_auth"),
        sentinel_timeout=_seconds(query, "sentinel_socket_timeout", SENTINEL_TIMEOUT_SECONDS),
        options=_server_options({k: v for k, v in query.items()
                                 if k not in _OURS | _SENTINEL_OURS}))


def confirm_replicated(client: redis.Redis, *keys: str) -> None:
    """Return once ``keys`` exist on the server that answers now and ``client.replica_acks``
    of its replicas hold every write made so far (at once when it requires none); else
    raise ``NotReplicatedError``.

    Redis ``WAIT`` counts the replicas that acknowledged the *connection's* last write,
    and a pooled client may have made the caller's write on another connection; so one
    small write (``INCR`` of a barrier key) and ``WAIT`` go together on one connection:
    the replication stream is in order, so a replica that has the barrier has everything
    written before it, by any connection. The keys are checked on that same connection,
    because the connection may be new: after a failover it reaches the new primary, whose
    replicas confirm the barrier but which may never have received the caller's write.
    """
    if not isinstance(client, ReplicatedRedis) or client.replica_acks <= 0:
        return
    needed = client.replica_acks
    timeout_ms = max(1, round(client.replica_ack_timeout * 1000))
    with client.pipeline(transaction=False) as pipe:
        if keys:
            pipe.exists(*keys)
        pipe.incr(BARRIER_KEY)
        pipe.wait(needed, timeout_ms)
        answers = pipe.execute()
    if keys and int(answers[0]) < len(keys):
        raise NotReplicatedError("the write is gone from the primary that answers now: a "
                                 "failover lost it")
    if int(answers[-1]) < needed:
        raise NotReplicatedError(f"{answers[-1]} of {needed} required replica(s) confirmed "
                                 f"the write within {timeout_ms} ms")


def _scheme(url: str) -> str:
    known = PLAIN_SCHEMES + SENTINEL_SCHEMES
    expected = f"must start with {', '.join(s + '://' for s in known)}"
    if not isinstance(url, str) or "://" not in url:
        raise ValueError(expected)
    scheme = url.split("://", 1)[0].lower()
    if scheme not in known:
        raise ValueError(f"{expected} (not {scheme}://)")
    return scheme


def _query(url: str) -> dict[str, str]:
    return dict(parse_qsl(url.partition("?")[2], keep_blank_values=True))


def _acks(query: dict[str, str], *, default: int) -> int:
    raw = query.get("replica_acks")
    if raw is None:
        return default
    if not raw.isdigit():
        raise ValueError(f"has replica_acks={raw!r}: it must be a whole number of replicas")
    return int(raw)


def _flag(query: dict[str, str], name: str) -> bool:
    raw = query.get(name, "no").lower()
    if raw not in _YES | _NO:
        raise ValueError(f"has {name}={raw!r}: it must be yes or no")
    return raw in _YES


def _seconds(query: dict[str, str], name: str, default: float) -> float:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise ValueError(f"has {name}={raw!r}: it must be a number of seconds above 0")
    return value


def _check_options(query: dict[str, str], *, allowed: frozenset[str]) -> None:
    known = set(URL_QUERY_ARGUMENT_PARSERS) | _TEXT_OPTIONS | allowed
    unknown = sorted(name for name in query if name not in known)
    if unknown:
        raise ValueError(f"has unknown option(s) {', '.join(map(repr, unknown))}")


def _server_options(query: dict[str, str]) -> dict[str, Any]:
    """The options as redis-py parses them in its own URLs (numbers, booleans, TLS
    flags; the rest as text)."""
    parsed: dict[str, Any] = {}
    for name, value in query.items():
        parser = cast("Callable[[str], Any] | None", URL_QUERY_ARGUMENT_PARSERS.get(name))
        try:
            parsed[name] = parser(value) if parser else value
        except (TypeError, ValueError):
            raise ValueError(f"has an invalid value for {name!r}") from None
    return parsed


def _without_ours(url: str) -> str:
    """``url`` without our query options (redis-py would hand them to the connections)."""
    base, _, query_text = url.partition("?")
    kept = [(k, v) for k, v in parse_qsl(query_text, keep_blank_values=True)
            if k not in _OURS]
    return f"{base}?{urlencode(kept)}" if kept else base


def _credentials(userinfo: str) -> tuple[str | None, str | None]:
    """``user:password``, ``:password`` or a lone ``user`` (as redis-py reads it)."""
    user, _, password = userinfo.partition(":")
    return unquote(user) or None, unquote(password) or None


def _host_port(part: str) -> tuple[str, int]:
    """``host``, ``host:port`` or ``[IPv6]:port``."""
    text = part.strip()
    bad = f"has a malformed Sentinel address {text!r}: write host:port or [IPv6]:port"
    if not text:
        raise ValueError("has an empty Sentinel address (two commas, or a comma at an end)")
    if text.startswith("["):
        host, bracket, port_text = text[1:].partition("]")
        if not bracket or (port_text and not port_text.startswith(":")):
            raise ValueError(bad)
        port_text = port_text[1:]
    elif text.count(":") > 1:
        raise ValueError(bad + " (an IPv6 address goes in brackets)")
    else:
        host, _, port_text = text.partition(":")
    if not host or (port_text and not (port_text.isdigit() and 0 < int(port_text) < 65536)):
        raise ValueError(bad + " (a port is a number from 1 to 65535)" if host else bad)
    return unquote(host), int(port_text) if port_text else SENTINEL_PORT


def _service_and_db(path: str) -> tuple[str, int]:
    """``service``, ``service/``, ``service/db`` or ``service/db/``."""
    parts = path.split("/")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()  # one trailing slash
    if not parts[0]:
        raise ValueError("names no Sentinel service: add /<service>[/<db>] after the "
                         "Sentinels (the name in `sentinel monitor <service> ...`)")
    if len(parts) > 2:
        raise ValueError(f"must have the path /<service>[/<db>] (not /{path})")
    if len(parts) == 2 and not parts[1].isdigit():
        raise ValueError(f"must name the database by number (not {parts[1]!r})")
    return unquote(parts[0]), int(parts[1]) if len(parts) == 2 else 0


def _server_kwargs(target: SentinelTarget) -> dict[str, Any]:
    credentials = {"username": target.username, "password": target.password}
    return {"db": target.db, **target.options, **{k: v for k, v in credentials.items() if v},
            **({"ssl": True} if target.tls else {})}


def _sentinel_kwargs(target: SentinelTarget) -> dict[str, Any]:
    """How to talk to the Sentinels: a short timeout, the servers' credentials when asked,
    and with TLS the servers' certificate options (one private CA usually covers both)."""
    kwargs: dict[str, Any] = {"socket_timeout": target.sentinel_timeout,
                              "socket_connect_timeout": target.sentinel_timeout}
    if target.sentinel_auth:
        kwargs.update(username=target.username, password=target.password)
    if target.tls:
        kwargs["ssl"] = True
        kwargs.update({k: v for k, v in target.options.items() if k.startswith("ssl_")})
    return kwargs
