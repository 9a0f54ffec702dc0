"""Whether a failed HTTP attempt ever reached the server, read from the exception chain.

A write may be repeated safely only when its request never left: the connection was
refused, the name did not resolve, the network was unreachable, or connecting timed out.
``requests`` wraps what happened several layers deep (``ConnectionError`` holding
urllib3's ``MaxRetryError`` whose ``reason`` is a ``NewConnectionError`` raised while
handling the socket's ``ConnectionRefusedError``), and its message text varies with the
platform and the locale, so the answer comes from the exception *types* found anywhere
in the chain (``__cause__``, ``__context__``, urllib3's ``reason`` and exceptions passed
as arguments), never from the words of a message. Anything not recognised as a failure
to connect counts as possibly sent: the safe default for a write.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import requests
from urllib3.exceptions import ConnectTimeoutError

# urllib3's NewConnectionError and NameResolutionError are ConnectTimeoutErrors too.
CONNECT_PHASE: tuple[type[BaseException], ...] = (
    requests.exceptions.ConnectTimeout,
    ConnectTimeoutError,
    ConnectionRefusedError,
    socket.gaierror,
)


def exception_chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and every exception it was caused by or wraps, each once."""
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked = [current.__cause__, current.__context__, getattr(current, "reason", None),
                  *current.args]
        stack.extend(item for item in linked if isinstance(item, BaseException))


def never_sent(exc: BaseException) -> bool:
    """True when the request certainly never reached the server (see module docstring)."""
    return any(isinstance(link, CONNECT_PHASE) for link in exception_chain(exc))
