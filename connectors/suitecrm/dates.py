"""Dates as SuiteCRM V8 really takes and gives them.

SuiteCRM stores a datetime only when it arrives as UTC ``Y-m-d H:i:s`` (or in the API
user's display format); ``Y-m-d H:i``, ISO strings with ``T``, ``Z`` or an offset are
silently stored as NULL while the API still answers 201. Filters compare values as raw
SQL strings, so an offset is silently ignored there too. The client therefore formats
every datetime itself from an aware ``datetime`` and refuses naive ones; it never
forwards a caller's date string that SuiteCRM would misread.

Output is ISO 8601 cut to the minute (``2026-11-22T08:02:00+00:00``) although the
database keeps seconds.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

DB_DATETIME = "%Y-%m-%d %H:%M:%S"
DB_DATE = "%Y-%m-%d"
_DB_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
_DB_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def format_datetime(value: datetime) -> str:
    """Aware datetime -> UTC ``Y-m-d H:i:s``; a naive one is a bug and raises."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"naive datetime {value.isoformat()} has no time zone; SuiteCRM needs UTC, "
            "pass an aware datetime (e.g. datetime.now(UTC))"
        )
    return value.astimezone(UTC).strftime(DB_DATETIME)


def format_date(value: date) -> str:
    return value.strftime(DB_DATE)


def is_db_datetime(text: str) -> bool:
    return bool(_DB_DATETIME_RE.match(text))


def is_db_date(text: str) -> bool:
    return bool(_DB_DATE_RE.match(text))


def parse_datetime(text: str | None) -> datetime | None:
    """A datetime attribute as SuiteCRM returns it; ``""`` (NULL) gives ``None``."""
    if not text:
        return None
    if "T" in text:
        parsed = datetime.fromisoformat(text)
    elif is_db_datetime(text):
        parsed = datetime.strptime(text, DB_DATETIME)
    else:
        raise ValueError(f"not a SuiteCRM datetime: {text!r}")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_date(text: str | None) -> date | None:
    if not text:
        return None
    return datetime.strptime(text, DB_DATE).date()


def encode_value(value: object) -> object:
    """Turn Python values into what SuiteCRM stores correctly; others pass through."""
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    return value
