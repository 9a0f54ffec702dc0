"""Values that must never reach a log line, and the text functions that take them out.

Configured secrets are known when settings load, but access and refresh tokens arrive
later (a SuiteCRM login, a Facebook token exchange, a Page's token). Whatever obtains or
receives one calls ``remember_secret``; the log filter set up by the command line asks
``known_secrets`` on every record, so a token is redacted from the moment it exists.
The set is bounded: the oldest values are forgotten first once it is full.

A URL's password is a secret too, wherever it appears: ``mask_url`` hides it in one URL
(for banners and ``config show``), ``redact`` hides it in any text, beside the listed
secrets. Both replace only the secret part with ``***`` so the line stays useful.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

MAX_REMEMBERED = 4096
# Shorter values would redact ordinary words; every real token is far longer.
MIN_SECRET_LENGTH = 8
MASK = "***"

_lock = threading.Lock()
_secrets: OrderedDict[str, None] = OrderedDict()

# scheme://user:password@ -- the password stops at the first character a URL's userinfo
# cannot hold unencoded, so the host after it stays readable.
_URL_PASSWORD = re.compile(r"(\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/?#@\[\]]*):[^\s/?#@]*@")


def remember_secret(*values: str | None) -> None:
    """Redact these values from every log line from now on (empty ones are ignored)."""
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


def mask_url(url: str) -> str:
    """``url`` with its password replaced by ``***``; scheme, user, host, path unchanged."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:  # not parseable as a URL: fall back to the text-wide pattern
        return mask_url_passwords(url)
    if password is None:
        return url
    userinfo, _, host = parts.netloc.rpartition("@")
    user = userinfo.partition(":")[0]
    return urlunsplit(parts._replace(netloc=f"{user}:{MASK}@{host}"))


def mask_url_passwords(text: str) -> str:
    """Every ``scheme://user:password@`` in free text, with the password masked."""
    return _URL_PASSWORD.sub(rf"\1:{MASK}@", text)


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with each secret and every URL password replaced by ``***``.

    Longer secrets go first, so a secret that contains another is hidden whole.
    """
    present = {secret for secret in secrets if secret and secret in text}
    for secret in sorted(present, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return mask_url_passwords(text)
