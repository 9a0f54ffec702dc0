"""Text as SuiteCRM V8 answers it, turned back into the text that was written.

SuiteCRM reads every row with ``to_html``, so V8 answers string attributes HTML-encoded
by a four-entry table: ``"`` -> ``&quot;``, ``<`` -> ``&lt;``, ``>`` -> ``&gt;``,
``'`` -> ``&#039;`` (``&`` is *not* encoded). Handing ``O&#039;Brien`` to callers would
be data corruption, so the client decodes every string attribute it parses.

The SocialCRM package adds a second layer for characters outside the Basic Multilingual
Plane (emoji), which SuiteCRM's default 3-byte ``utf8`` connection would store as one
``?`` per byte: its ``before_save`` hook stores them as ``\\u{HEX}``, its
``after_retrieve``/``process_record`` hooks turn those escapes into ``&#xHEX;`` for
display, so V8 answers ``&#x1F621;``. (The hook leaves an escape already in the text
alone, so a record saved twice is not escaped twice; the price is that a text which
itself contains such an escape reads back as the character it names.)

``decode_text`` undoes both layers in ONE left-to-right regex pass, so a decoded
character is never decoded again (``&#x26;quot;`` gives the literal text ``&quot;``).
It decodes exactly:

* the four ``to_html`` entities ``&quot;`` ``&lt;`` ``&gt;`` ``&#039;``, and ``&amp;``:
  fields edited as HTML (a Case's ``description``) come back as HTML source, ``&`` as
  ``&amp;``, and since SuiteCRM decodes every entity on write, a stored text never
  holds ``&amp;`` itself: in an answer it can only stand for ``&``;
* numeric references ``&#xHEX;`` / ``&#DEC;`` naming a valid code point (not 0, not a
  surrogate, at most U+10FFFF); others stay as they are;
* ``\\u{HEX}`` escapes in the package's canonical form (uppercase hex, no leading
  zeros) with HEX in ``10000``..``10FFFF``: what the DB holds when the display hooks did
  not run (relate values, a SuiteCRM without the package's hooks).

Nothing else: other named entities such as ``&copy;`` or ``&nbsp;`` are left alone
(SuiteCRM never answers with them).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_ENTITIES = {"quot": '"', "lt": "<", "gt": ">", "amp": "&"}
_ENCODED = re.compile(
    r"&(?:(?P<named>quot|lt|gt|amp);"
    r"|#[xX](?P<hex>[0-9A-Fa-f]{1,16});"
    r"|#(?P<dec>[0-9]{1,16});)"
    r"|\\u\{(?P<escape>[1-9A-F][0-9A-F]{4}|10[0-9A-F]{4})\}"
)
MAX_CODE_POINT = 0x10FFFF


def _valid(code: int) -> bool:
    return 0 < code <= MAX_CODE_POINT and not 0xD800 <= code <= 0xDFFF


def _replace(match: re.Match[str]) -> str:
    named = match.group("named")
    if named is not None:
        return _ENTITIES[named]
    escape = match.group("escape")
    if escape is not None:
        return chr(int(escape, 16))  # the pattern admits valid code points only
    hex_digits = match.group("hex")
    code = int(hex_digits, 16) if hex_digits is not None else int(match.group("dec"))
    return chr(code) if _valid(code) else match.group(0)


def decode_text(value: str) -> str:
    """The text SuiteCRM holds behind one V8 string value (see the module docstring)."""
    if "&" not in value and "\\" not in value:
        return value
    return _ENCODED.sub(_replace, value)


def decode_value(value: Any) -> Any:
    """Decode a string, or every string inside a list or an object; others pass."""
    if isinstance(value, str):
        return decode_text(value)
    if isinstance(value, Mapping):
        return {key: decode_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decode_value(item) for item in value]
    return value


def decode_attributes(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """A record's ``attributes`` object with every string value decoded."""
    return {name: decode_value(value) for name, value in attributes.items()}
