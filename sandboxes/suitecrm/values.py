"""Value conversion the way SuiteCRM 7 (PHP + MySQL) does it, quirks included.

Everything is stored as a string (or ``None`` for SQL NULL), like a row fetched from
MySQL. Input datetimes are kept only in the DB format ``Y-m-d H:i:s`` or the user's
display format ``m/d/Y H:i``; any other shape (``Y-m-d H:i``, ISO 8601 with ``T``, ``Z``
or an offset) becomes NULL without an error, exactly as the recordings show. Output
datetimes are ISO 8601 in UTC cut to the minute although the seconds are stored.
Filter operands are read the way MySQL reads a string compared with a DATETIME column:
the leading date and time digits count, anything after them (an offset) is ignored.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta

DB_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$")
USER_DATETIME = re.compile(r"^(\d{2})/(\d{2})/(\d{4}) (\d{2}):(\d{2})$")
DB_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
USER_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
MYSQL_OPERAND = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?"
)
TRUE_WORDS = frozenset({"1", "true", "on", "yes"})
FALSE_WORDS = frozenset({"", "0", "false", "off", "no"})


def db_now(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def parse_datetime_input(value: object) -> tuple[str | None, bool]:
    """Return ``(stored value, was DB format)`` for a datetime attribute."""
    if not isinstance(value, str):
        return None, False
    match = DB_DATETIME.match(value)
    if match:
        parts = [int(p) for p in match.groups()]
        return _format_dt(*parts), True
    match = USER_DATETIME.match(value)
    if match:
        month, day, year, hour, minute = (int(p) for p in match.groups())
        return _format_dt(year, month, day, hour, minute, 0), False
    return None, False


def parse_date_input(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    match = DB_DATE.match(value)
    if match:
        year, month, day = (int(p) for p in match.groups())
    else:
        match = USER_DATE.match(value)
        if not match:
            return None
        month, day, year = (int(p) for p in match.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _format_dt(year: int, month: int, day: int, hour: int, minute: int, second: int) -> str | None:
    try:
        return datetime(year, month, day, hour, minute, second).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def add_duration(start: str, hours: object, minutes: object) -> str | None:
    """``date_end`` of a call or meeting: start plus its duration."""
    try:
        begin = datetime.strptime(start, "%Y-%m-%d %H:%M:%S")
        delta = timedelta(hours=int(float(str(hours or 0))), minutes=int(float(str(minutes or 0))))
    except ValueError:
        return None
    return (begin + delta).strftime("%Y-%m-%d %H:%M:%S")


def to_storage(kind: str, value: object, precision: object = None) -> str | None:
    """Convert an attribute from a JSON body into what MySQL would store."""
    if value is None:
        return None
    if kind == "datetime":
        return parse_datetime_input(value)[0]
    if kind == "date":
        return parse_date_input(value)
    if kind == "bool":
        return _bool(value)
    if kind == "int":
        number = _number(value)
        return None if number is None else str(int(number))
    if kind == "float":
        number = _number(value)
        return None if number is None else format_float(number, precision)
    if kind == "multienum" and isinstance(value, list):
        return ",".join(f"^{item}^" for item in value)
    return php_string(value)


def _bool(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return "1" if value else "0"
    text = str(value).strip().lower()
    if text in FALSE_WORDS:
        return "0"
    return "1"


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def format_float(number: float, precision: object = None) -> str:
    if precision not in (None, ""):
        return f"{number:.{int(str(precision))}f}"
    if number.is_integer():
        return str(int(number))
    return repr(number)


def php_string(value: object) -> str:
    """PHP's string cast, as used when a bean property is written to the database."""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float):
        return format_float(value)
    if isinstance(value, dict | list):
        return "Array"
    return str(value)


def output(kind: str, stored: str) -> str:
    """Format a stored value for a V8 response."""
    if kind == "datetime":
        return stored[:10] + "T" + stored[11:16] + ":00+00:00"
    if kind == "date":
        return stored[:10]
    return stored


def user_datetime(stored: str) -> str:
    """The user's display format (``m/d/Y H:i``), as ``/current-user`` shows dates."""
    moment = datetime.strptime(stored, "%Y-%m-%d %H:%M:%S")
    return moment.strftime("%m/%d/%Y %H:%M")


def mysql_temporal_operand(kind: str, value: str) -> str | None:
    """Read a filter value the way MySQL converts a string for a DATETIME/DATE column."""
    match = MYSQL_OPERAND.match(value)
    if not match:
        return None
    year, month, day, hour, minute, second = match.groups()
    day_part = f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
    if kind == "date":
        return day_part
    return f"{day_part} {int(hour or 0):02d}:{int(minute or 0):02d}:{int(second or 0):02d}"


def collate(text: str) -> str:
    """A sort/compare key close to MySQL's default ``utf8mb4_general_ci`` collation:
    case and accents are ignored, trailing spaces do not count."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold().rstrip(" ")


def like_pattern(pattern: str) -> re.Pattern[str]:
    """Compile an SQL LIKE pattern (``%``, ``_``, backslash escapes) over collated text."""
    out: list[str] = []
    escaped = False
    for char in collate(pattern):
        if escaped:
            out.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "%":
            out.append(".*")
        elif char == "_":
            out.append(".")
        else:
            out.append(re.escape(char))
    return re.compile("".join(out), re.DOTALL)


def as_number(text: str) -> float:
    """MySQL's string-to-number cast: the leading number, or 0."""
    match = re.match(r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", text)
    return float(match.group(0)) if match else 0.0
