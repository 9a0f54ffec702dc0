"""Where a sandbox may listen: loopback only, unless the caller explicitly allows more.

Every sandbox serves a control API (``/__sandbox__/...``) without authentication, and
hands out working credentials (seeded tokens, client secrets, demo passwords). On a
laptop that is harmless because only local processes can reach loopback; on any other
interface it would let anyone on the network read and forge the demo's data. So the
three sandboxes open their listening socket only through :func:`open_listener`, which
refuses a non-loopback address with :class:`RemoteBindRefused` before any socket exists,
and, when ``allow_remote`` says the exposure is wanted, warns on the log and on stderr.

Host names other than ``localhost`` are refused without being resolved: what a name
points at can change, and the check must not depend on DNS.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import sys

log = logging.getLogger(__name__)

LOOPBACK_NAMES = frozenset({"localhost", "localhost."})


class RemoteBindRefused(ValueError):
    """The sandbox was asked to listen beyond loopback without ``allow_remote``: pick a
    loopback address, or allow it explicitly (and accept the exposure)."""


def is_loopback(host: str) -> bool:
    """True for ``localhost``, 127.0.0.0/8, ``::1`` (bracketed or not) and IPv4-mapped
    loopback; everything else, including the wildcard addresses, is not."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def danger(name: str, host: str) -> str:
    """The one sentence that says why listening on ``host`` is risky."""
    return (f"the {name} sandbox's control API (/__sandbox__/) is unauthenticated and "
            f"hands out credentials to anyone who can reach it on {host}")


def check_host(name: str, host: str, *, allow_remote: bool) -> None:
    """Raise :class:`RemoteBindRefused` unless ``host`` is loopback or ``allow_remote``.

    Sandboxes call it in their constructor too, so a bad host fails before any state is
    built, not only when the server starts."""
    if allow_remote or is_loopback(host):
        return
    raise RemoteBindRefused(
        f"refusing to listen on {host!r}: {danger(name, host)}; use a loopback address "
        f"(127.0.0.1, ::1, localhost) or allow it explicitly (allow_remote=True, "
        f"--allow-remote)")


def warn_remote(name: str, host: str) -> None:
    """Say loudly, on the log and straight on stderr (in case logging is not set up),
    that a sandbox listens beyond loopback."""
    message = f"{danger(name, host)}; use it only on a network you trust"
    log.warning("%s", message)
    print(f"WARNING: {message}", file=sys.stderr, flush=True)


def open_listener(name: str, host: str, port: int, *, allow_remote: bool) -> socket.socket:
    """A bound, listening TCP socket for ``host:port`` (port 0: a free one), after the
    loopback check; the caller hands its file descriptor to werkzeug's ``make_server``.

    Binding here rather than in werkzeug also turns a busy port into an ``OSError``
    instead of the process exit werkzeug performs on that error."""
    check_host(name, host, allow_remote=allow_remote)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host.strip("[]"), port))
        listener.listen(128)
    except BaseException:
        listener.close()
        raise
    if not is_loopback(host):
        warn_remote(name, host)
    return listener


def http_url(host: str, port: int) -> str:
    """``http://host:port``, with an IPv6 literal in brackets as URLs require."""
    bare = host.strip("[]")
    return f"http://[{bare}]:{port}" if ":" in bare else f"http://{bare}:{port}"
