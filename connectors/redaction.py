"""Values that must never reach a log line: the tokens this process obtains at run time.

Configured secrets are known when settings load, but access and refresh tokens arrive
later (a SuiteCRM login, a Facebook token exchange, a Page's token). Whatever obtains or
receives one calls ``remember_secret``; the log filter set up by the command line asks
``known_secrets`` on every record, so a token is withheld from the moment it exists.
The set is bounded: the oldest values are forgotten first once it is full.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

MAX_REMEMBERED = 4096
# Shorter values would withhold ordinary words; every real token is far longer.
MIN_SECRET_LENGTH = 8

_lock = threading.Lock()
_secrets: OrderedDict[str, None] = OrderedDict()


def remember_secret(*values: str | None) -> None:
    """Withhold these values from every log line from now on (empty ones are ignored)."""
    with _lock:
        for value in values:
            if value and len(value) >= MIN_SECRET_LENGTH:
                _secrets[value] = None
                _secrets.move_to_end(value)
        while len(_secrets) > MAX_REMEMBERED:
            _secrets.popitem(last=False)


def known_secrets() -> tuple[str, ...]:
    """Every value remembered so far, newest last."""
    with _lock:
        return tuple(_secrets)
