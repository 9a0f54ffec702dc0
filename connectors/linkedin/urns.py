"""URNs and Rest.li 2.0 query syntax, encoded the way LinkedIn parses them.

LinkedIn's protocol 2.0 gives ``( ) , :`` a meaning inside query values: ``(k:v)`` is a
record and ``List(a,b)`` a list. A URN is itself full of colons (and a comment URN of
parentheses and commas), so every URN *inside* such a value must be percent-encoded
while the structural characters around it stay literal. ``requests`` cannot know which
is which: given ``params`` it would encode the parentheses too, and LinkedIn would then
read the record as a plain string. So query strings are built here, by hand, and passed
to the transport as part of the path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import quote

_URN = re.compile(r"^urn:li:[A-Za-z]+:.+$")
_COMMENT_URN = re.compile(r"^urn:li:comment:\((?P<object>urn:li:[A-Za-z]+:[^,]+),(?P<id>[^)]+)\)$")


class Restli(str):
    """A value already in Rest.li syntax (a record or list): never encoded again."""

    __slots__ = ()


def is_urn(value: str) -> bool:
    return bool(_URN.match(value))


def encode(value: str | int) -> str:
    """Percent-encode one primitive (a URN, a text) so no character keeps a meaning."""
    return quote(str(value), safe="")


def leaf(value: str | int | Restli) -> str:
    return str(value) if isinstance(value, Restli) else encode(value)


def record(**fields: str | int | Restli) -> Restli:
    """``record(entity="urn:li:share:1")`` -> ``(entity:urn%3Ali%3Ashare%3A1)``."""
    return Restli("(" + ",".join(f"{key}:{leaf(value)}" for key, value in fields.items()) + ")")


def restli_list(values: Iterable[str | int | Restli]) -> Restli:
    """``List(urn%3Ali%3Ashare%3A1,urn%3Ali%3Ashare%3A2)``."""
    return Restli("List(" + ",".join(leaf(value) for value in values) + ")")


def query(params: Mapping[str, str | int | Restli | None]) -> str:
    """A query string; ``None`` values are left out; Rest.li values stay literal."""
    return "&".join(f"{encode(k)}={leaf(v)}" for k, v in params.items() if v is not None)


def path_with_query(path: str, params: Mapping[str, str | int | Restli | None]) -> str:
    text = query(params)
    return f"{path}?{text}" if text else path


def urn_kind(urn: str) -> str:
    """``urn:li:organization:1`` -> ``organization`` (the key used in owner records)."""
    parts = urn.split(":", 3)
    if len(parts) < 4 or parts[0] != "urn" or parts[1] != "li":
        raise ValueError(f"not a LinkedIn URN: {urn!r}")
    return parts[2]


def owner(urn: str) -> Restli:
    """``owner=(organization:urn%3Ali%3Aorganization%3A1)`` for the Lead Sync finders."""
    return record(**{urn_kind(urn): urn})


def comment_parts(comment_urn: str) -> tuple[str, str]:
    """``urn:li:comment:(urn:li:activity:7,42)`` -> (``urn:li:activity:7``, ``42``)."""
    match = _COMMENT_URN.match(comment_urn)
    if not match:
        raise ValueError(f"not a comment URN: {comment_urn!r}")
    return match.group("object"), match.group("id")


def organization_urn(value: str | int) -> str:
    """Accept ``12345`` or ``urn:li:organization:12345``; always return the URN."""
    text = str(value).strip()
    if text.isdigit():
        return f"urn:li:organization:{text}"
    if urn_kind(text) not in {"organization", "organizationBrand"}:
        raise ValueError(f"not an organization URN: {value!r}")
    return text
