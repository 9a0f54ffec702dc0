"""How the package stores the shared secret in SuiteCRM's config table, for the PHP stub tests.

``encrypted`` is what SCRM_Config writes under the encryption stand-in of ``php/stubs.php``
(a SHA-256 keystream in place of SuiteCRM's Blowfish, keyed by the stub's key and the key
type 'encrypt_field'); ``legacy`` is what releases up to 0.2.0 wrote (base64). The live suite
checks the real Blowfish on a real SuiteCRM.
"""

from __future__ import annotations

import base64
import hashlib

STUB_KEY = "stub-key"
KEY_TYPE = "encrypt_field"


def _keystream(key: str, data: bytes) -> bytes:
    stream = b""
    block = 0
    while len(stream) < len(data):
        stream += hashlib.sha256(f"{key}#{block}".encode()).digest()
        block += 1
    return bytes(a ^ b for a, b in zip(data, stream, strict=False))


def encrypted(secret: str, key: str = STUB_KEY) -> str:
    """``bf:`` + the stub's blowfishEncode(blowfishGetKey('encrypt_field'), secret)."""
    cipher = _keystream(f"{key}/{KEY_TYPE}", secret.encode())
    return "bf:" + base64.b64encode(cipher).decode()


def legacy(secret: str) -> str:
    """The base64 form 0.2.0 and older stored."""
    return "b64:" + base64.b64encode(secret.encode()).decode()
