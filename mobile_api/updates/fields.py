"""Field types and checks shared by the update schemas.

Why lengths are checked here, as SuiteCRM stores text: a value too long for its column
would be refused by the database or cut, and the rep's words would not come back as
written; so the API refuses it at once (422), counting an emoji as the escape the
SocialCRM package stores it as (``workers.updates.text``).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import marshmallow as ma

from workers.updates.text import stored_length

# What SuiteCRM's V8 API takes as a record id in a path: a UUID or a number.
_ID = r"(\d{1,36}|[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})"
RECORD_ID = f"^{_ID}$"
REF = r"ref:[!-~]([ -~]{0,198}[!-~])?"
# An idempotency key: 1 to 200 printable ASCII characters, no space at either end.
KEY_PATTERN = r"^[!-~]([ -~]{0,198}[!-~])?$"


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
EARLIEST = date(1970, 1, 1)
LATEST = date(2100, 12, 31)


class Fits(ma.validate.Validator):
    """At most ``limit`` characters as SuiteCRM stores them, not blank, and no control
    characters (SuiteCRM would drop or garble them; line breaks and tabs are fine)."""

    def __init__(self, limit: int, *, blank: bool = False) -> None:
        self.limit = limit
        self.blank = blank

    def __call__(self, value: Any) -> Any:
        if not self.blank and not str(value).strip():
            raise ma.ValidationError("must not be empty")
        if _CONTROL.search(str(value)):
            raise ma.ValidationError("must not contain control characters")
        if stored_length(str(value)) > self.limit:
            raise ma.ValidationError(
                f"too long: at most {self.limit} characters as SuiteCRM stores them "
                "(an emoji counts as 9)")
        return value


def plausible_time(value: date) -> None:
    """A time (or date) a CRM record can hold: 1970 to 2100."""
    day = value.date() if isinstance(value, datetime) else value  # no zone shift: no overflow
    if not EARLIEST <= day <= LATEST:
        raise ma.ValidationError(f"must be between {EARLIEST} and {LATEST}")


def moment(description: str, **options: Any) -> ma.fields.AwareDateTime:
    """A point in time with its time zone (ISO 8601), 1970 to 2100."""
    return ma.fields.AwareDateTime(validate=plausible_time,
                                   metadata={"description": description}, **options)


class Trimmed(ma.fields.String):
    """Text whose surrounding spaces SuiteCRM drops (names): dropped here already, so
    what the app reads back equals what was accepted."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text: str = super()._deserialize(value, attr, data, **kwargs)
        return text.strip()


def record_id(description: str, *, ref: bool = False, **options: Any) -> ma.fields.String:
    """A SuiteCRM record id (``ref: True``: or ``ref:<idempotency key>`` of an earlier
    update of the rep that creates it)."""
    pattern = f"^({REF}|{_ID})$" if ref else RECORD_ID
    return ma.fields.String(validate=ma.validate.Regexp(pattern, error=(
        "not a record id" + (" or ref:<idempotency key>" if ref else ""))),
        metadata={"description": description}, **options)


def subject(limit: int, description: str) -> Trimmed:
    return Trimmed(required=True, validate=Fits(limit), metadata={
        "description": f"{description} (at most {limit} characters; an emoji counts as 9)"})


def long_text(limit: int, description: str, *, blank: bool = False,
              **options: Any) -> ma.fields.String:
    """Text of at most ``limit`` stored characters (``blank``: '' allowed, to clear)."""
    return ma.fields.String(validate=Fits(limit, blank=blank),
                            metadata={"description": description}, **options)


def one_of(values: Any, description: str, **options: Any) -> ma.fields.String:
    return ma.fields.String(validate=ma.validate.OneOf(list(values)),
                            metadata={"description": description}, **options)
