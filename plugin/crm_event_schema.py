"""What a change notice body must be: strict JSON (:func:`decode_body`), then the shape of a
notice as marshmallow schemas.

``plugin.crm_events`` turns what these load into typed records and every
``ValidationError`` into its own error; this module says what a valid notice looks like,
byte by byte and field by field, so that every bad value is reported under its own name
(``body`` for the JSON itself, ``events[2].module`` for a field) instead of failing somewhere
later with another exception. Keys the schemas do not know are dropped, so the PHP side can
add some.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Literal

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate

SCHEMA_VERSION = 2
MAX_UNSENT = 10**9 - 1
MAX_BODY_BYTES = 64 * 1024

Action = Literal["create", "update", "delete"]
ACTIONS: tuple[Action, ...] = ("create", "update", "delete")

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,99}$")
_RECORD_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,35}$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def _pattern(expression: re.Pattern[str], problem: str) -> validate.Regexp:
    return validate.Regexp(expression, error=problem)


class _Count(fields.Integer):
    """A JSON integer, never a bool, float or string (marshmallow's Integer takes ``true``
    as 1)."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError("must be a JSON integer")
        result: int = super()._deserialize(value, attr, data, **kwargs)
        return result


class _Text(fields.String):
    """A JSON string with a plain message (marshmallow's says "Not a valid string.")."""

    default_error_messages = {"invalid": "must be a string"}


class _Uuid4(_Text):
    """A canonical (lower-case, hyphenated) UUID version 4, as the PHP side writes them."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            parsed = uuid.UUID(text)
        except ValueError as exc:
            raise ValidationError("not a UUID") from exc
        if str(parsed) != text.lower() or parsed.version != 4:
            raise ValidationError("not a canonical UUID version 4")
        return str(parsed)


class _OptionalUserId(fields.Field[str | None]):
    """A SuiteCRM user id; absent, null and "" all mean nobody."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> str | None:
        if value is None or value == "":
            return None
        if not isinstance(value, str) or not _RECORD_ID.match(value):
            raise ValidationError("not a SuiteCRM user id")
        return value


class _UtcSecond(fields.Field[datetime]):
    """``YYYY-MM-DDTHH:MM:SSZ``, the one format the PHP side writes (gmdate)."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> datetime:
        if not isinstance(value, str):
            raise ValidationError("must be a string")
        if not _TIMESTAMP.match(value):
            raise ValidationError("expected YYYY-MM-DDTHH:MM:SSZ")
        try:
            return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError as exc:
            raise ValidationError("not a valid date and time") from exc


class _FieldNames(fields.List[str]):
    default_error_messages = {"invalid": "must be a list"}


# Any: marshmallow 4 types error_messages as an invariant dict of str | list | dict.
_REQUIRED: dict[str, Any] = {"required": "missing", "null": "must not be null"}


class EventSchema(Schema):
    """One change: which record, what happened, which fields (names only), by whom, when."""

    class Meta:
        unknown = EXCLUDE

    error_messages = {"type": "not a JSON object"}

    event_id = _Uuid4(required=True, error_messages=_REQUIRED)
    module = _Text(required=True, error_messages=_REQUIRED,
                   validate=_pattern(_NAME, "not a SuiteCRM module name"))
    record_id = _Text(required=True, error_messages=_REQUIRED,
                      validate=_pattern(_RECORD_ID, "not a SuiteCRM record id"))
    action = _Text(required=True, error_messages=_REQUIRED,
                   validate=validate.OneOf(ACTIONS, error=f"must be one of {', '.join(ACTIONS)}"))
    changed_fields = _FieldNames(
        _Text(validate=_pattern(_NAME, "not a field name"),
              error_messages={"invalid": "not a field name"}),
        required=True, error_messages=_REQUIRED)
    assigned_user_id = _OptionalUserId(load_default=None)
    modified_user_id = _OptionalUserId(load_default=None)
    occurred_at = _UtcSecond(required=True, error_messages=_REQUIRED)

    @post_load
    def _frozen_lists(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """The records are frozen: their field lists are tuples."""
        return {**data, "changed_fields": tuple(data["changed_fields"])}


class _Events(fields.List[dict[str, Any]]):
    default_error_messages = {"invalid": "must be a non-empty list"}


class NoticeSchema(Schema):
    """One notice: every change of one SuiteCRM request, and how many it could not carry."""

    class Meta:
        unknown = EXCLUDE

    error_messages = {"type": "not a JSON object"}

    schema = _Count(required=True, error_messages=_REQUIRED, strict=True,
                    validate=validate.Equal(SCHEMA_VERSION,
                                            error=f"expected {SCHEMA_VERSION}, got {{input}}"))
    notice_id = _Uuid4(required=True, error_messages=_REQUIRED)
    events = _Events(fields.Nested(EventSchema),
                     required=True, error_messages=_REQUIRED,
                     validate=validate.Length(min=1, error="must be a non-empty list"))
    unsent = _Count(required=True, error_messages=_REQUIRED, strict=True,
                    validate=validate.Range(min=0, max=MAX_UNSENT, error="must be a count"))


def decode_body(body: bytes) -> Any:
    """The JSON value of ``body``, read strictly; ``ValidationError`` on field ``body``.

    Refused beyond what ``json.loads`` refuses: more than 64 KiB, NaN and Infinity (not
    JSON), numbers out of float range, and a key given twice (two readers of the same bytes
    could take different values). Numbers of more digits than Python converts and nesting
    deeper than its recursion limit raise ValueError and RecursionError in ``json.loads``:
    both end here as ``ValidationError`` too.
    """
    if not isinstance(body, bytes | bytearray):
        raise _body_error("not bytes")
    if len(body) > MAX_BODY_BYTES:
        raise _body_error(f"larger than {MAX_BODY_BYTES} bytes")
    try:
        text = bytes(body).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _body_error("not UTF-8") from exc
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite,
                          object_pairs_hook=_unique_keys)
    except ValidationError:
        raise
    except json.JSONDecodeError as exc:
        raise _body_error(f"not JSON ({exc.msg})") from exc
    except RecursionError as exc:
        raise _body_error("nested too deeply") from exc
    except ValueError as exc:  # an integer of more digits than Python converts
        raise _body_error(f"not JSON the service reads ({str(exc).split(':')[0]})") from exc


def _body_error(problem: str) -> ValidationError:
    return ValidationError(problem, field_name="body")


def _no_constant(name: str) -> Any:
    raise _body_error(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise _body_error("a number is out of range")
    return number


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _body_error(f"duplicate key {key[:40]!r}")
        result[key] = value
    return result
