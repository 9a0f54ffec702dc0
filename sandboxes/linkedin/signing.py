"""How LinkedIn signs webhooks, written again for the sandbox on purpose.

The sandbox plays LinkedIn: it signs what it sends and checks what its reference inbox
receives. It must not borrow the client's functions for that, or a mistake in them
would sign and verify itself and every test would pass. This module follows LinkedIn's
webhook page directly: ``X-LI-Signature`` is the hex HMAC-SHA256, keyed with the app's
client secret, of the raw POST body prefixed by ``hmacsha256=``; the validation
``challengeResponse`` is the hex HMAC-SHA256 of the ``challengeCode`` alone.

The page's sentence can also be read as "the hash, prefixed by ``hmacsha256=``", so a
header carrying that prefix before the hex digest is accepted too (and the sender can
send it that way, to show a receiver copes with both).
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-LI-Signature"
SIGNED_PREFIX = "hmacsha256="


def _hex_hmac(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def sign(body: bytes, secret: str, *, prefix: str = SIGNED_PREFIX) -> str:
    """The ``X-LI-Signature`` value LinkedIn sends with ``body`` (the exact bytes)."""
    return _hex_hmac(secret, prefix.encode("utf-8") + body)


def challenge_answer(code: str, secret: str) -> dict[str, str]:
    """What a webhook must answer to ``GET ?challengeCode=<code>``."""
    return {"challengeCode": code, "challengeResponse": _hex_hmac(secret, code.encode("utf-8"))}


def signature_matches(body: bytes, header: str | None, secret: str, *,
                      prefix: str = SIGNED_PREFIX) -> bool:
    """True when ``header`` signs exactly ``body``; hex case and an ``hmacsha256=`` lead
    are ignored. The digests are compared in constant time."""
    if not header or not secret:
        return False
    given = header.strip().lower()
    if given.startswith(SIGNED_PREFIX):
        given = given[len(SIGNED_PREFIX):]
    expected = sign(body, secret, prefix=prefix)
    return hmac.compare_digest(expected.encode("ascii"), given.encode("ascii", "replace"))
