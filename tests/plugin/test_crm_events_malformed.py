"""Every malformed notice body ends in ``CrmEventError``, never in another exception.

A receiver translates that one error into HTTP 400; anything else (the AttributeError a
4,301-digit integer used to raise, a RecursionError from deep nesting) would be a 500 and a
crash any sender of 64 KB could cause.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from plugin.crm_events import MAX_BODY_BYTES, CrmEventError, parse_notice

EVENT = {
    "event_id": "0b7cf4b4-9a57-4d4e-8f3a-2a1d6c1b9e11", "module": "Calls",
    "record_id": "5f0e2a5c-8d3b-4b8e-9c1f-0a3b2c4d5e6f", "action": "update",
    "changed_fields": ["status"], "assigned_user_id": "1", "modified_user_id": "seed_sally_id",
    "occurred_at": "2026-11-22T08:03:51Z",
}
NOTICE = {"schema": 2, "notice_id": "6f1d2c3b-4a59-4e8d-9c7b-1a2b3c4d5e6f", "events": [EVENT],
          "unsent": 0}
VALID = json.dumps(NOTICE).encode()


def raw(text: str) -> bytes:
    """A body from JSON text, ``%N`` standing for the valid notice."""
    return text.replace("%N", json.dumps(NOTICE)).encode()


def notice(**changes: Any) -> bytes:
    return json.dumps({**NOTICE, **changes}).encode()


def event(**changes: Any) -> bytes:
    return json.dumps({**NOTICE, "events": [{**EVENT, **changes}]}).encode()


DIGITS = "7" * 4301  # one more digit than Python turns into an int by default
MALFORMED: list[tuple[str, bytes, str]] = [
    # numbers Python's json module cannot or should not read
    ("huge int, unknown key", raw('{"x": ' + DIGITS + ', "schema": 2}'), "body"),
    ("huge int, unsent", raw('{"schema": 2, "unsent": ' + DIGITS + "}"), "body"),
    ("huge int in an event", raw('{"schema": 2, "events": [{"module": ' + DIGITS + "}]}"), "body"),
    ("4000-digit unsent", notice(unsent=int("9" * 4000)), "unsent"),
    ("4000-digit schema", notice(schema=int("2" * 4000)), "schema"),
    ("NaN", raw('{"schema": 2, "unsent": NaN}'), "body"),
    ("Infinity", raw('{"schema": 2, "unsent": Infinity}'), "body"),
    ("-Infinity, unknown key", raw('{"x": -Infinity}'), "body"),
    ("float overflow", raw('{"schema": 2, "unsent": 1e999}'), "body"),
    ("float unsent", notice(unsent=1.0), "unsent"),
    ("float schema", notice(schema=2.0), "schema"),
    ("bool unsent", notice(unsent=False), "unsent"),
    ("negative unsent", notice(unsent=-5), "unsent"),
    # nesting
    ("deep list", b"[" * 60_000, "body"),
    ("deep object", b'{"a":' * 12_000, "body"),
    ("deep list in an unknown key", raw('{"x": ' + "[" * 30_000 + "1" + "]" * 30_000 + "}"),
     "body"),
    ("deep list as an event", notice(events=[[[[[[EVENT]]]]]]), "events[0]"),
    ("object as changed field", event(changed_fields=[{"a": {"b": ["c"]}}]),
     "events[0].changed_fields[0]"),
    # wrong types
    ("null body", b"null", "body"),
    ("string body", b'"notice"', "body"),
    ("number body", b"2", "body"),
    ("list body", raw("[%N]"), "body"),
    ("schema as string", notice(schema="2"), "schema"),
    ("notice_id as list", notice(notice_id=[NOTICE["notice_id"]]), "notice_id"),
    ("notice_id null", notice(notice_id=None), "notice_id"),
    ("events as object", notice(events={"0": EVENT}), "events"),
    ("events as string", notice(events="Calls"), "events"),
    ("events null", notice(events=None), "events"),
    ("event as string", notice(events=[EVENT, "x"]), "events[1]"),
    ("event_id as int", event(event_id=4), "events[0].event_id"),
    ("module as bool", event(module=True), "events[0].module"),
    ("record_id as object", event(record_id={"id": "x"}), "events[0].record_id"),
    ("action as list", event(action=["update"]), "events[0].action"),
    ("changed_fields as object", event(changed_fields={"status": 1}), "events[0].changed_fields"),
    ("changed_fields null", event(changed_fields=None), "events[0].changed_fields"),
    ("user id as float", event(modified_user_id=1.5), "events[0].modified_user_id"),
    ("occurred_at as int", event(occurred_at=1795334631), "events[0].occurred_at"),
    ("occurred_at out of range", event(occurred_at="2026-13-01T00:00:00Z"),
     "events[0].occurred_at"),
    ("lone surrogate in module", event(module="Ca\ud800"), "events[0].module"),
    # encodings
    ("empty", b"", "body"),
    ("Latin-1", '{"schema":2,"x":"Zoë"}'.encode("latin-1"), "body"),
    ("overlong UTF-8", b'{"schema":2,"x":"\xc0\xaf"}', "body"),
    ("UTF-8 surrogate (CESU-8)", b'{"schema":2,"x":"\xed\xa0\x80"}', "body"),
    ("UTF-16", VALID.decode().encode("utf-16"), "body"),
    ("UTF-8 byte order mark", b"\xef\xbb\xbf" + VALID, "body"),
    ("trailing text", VALID + b" and more", "body"),
    ("two documents", VALID + VALID, "body"),
    # duplicate keys: two readers of the same bytes could disagree about them
    ("duplicate schema", raw('{"schema": 1, "schema": 2, "notice_id": "x"}'), "body"),
    ("duplicate key in an event", raw('{"events": [{"module": "Calls", "module": "Users"}]}'),
     "body"),
    # size
    ("one byte too large", VALID + b" " * (MAX_BODY_BYTES + 1 - len(VALID)), "body"),
    ("far too large", b"[" + b"1," * 100_000 + b"1]", "body"),
]


@pytest.mark.parametrize(("body", "field"), [(body, field) for _, body, field in MALFORMED],
                         ids=[name for name, _, _ in MALFORMED])
def test_a_malformed_body_raises_crm_event_error_naming_the_field(body: bytes,
                                                                  field: str) -> None:
    with pytest.raises(CrmEventError) as caught:
        parse_notice(body)
    assert caught.value.field == field, str(caught.value)
    assert str(caught.value) == f"{field}: {caught.value.problem}"


def test_a_notice_of_exactly_the_size_limit_is_read() -> None:
    padded = VALID[:-1] + b" " * (MAX_BODY_BYTES - len(VALID)) + b"}"
    assert len(padded) == MAX_BODY_BYTES
    assert parse_notice(padded).unsent == 0


def test_every_truncation_and_random_corruption_of_a_notice_ends_in_crm_event_error() -> None:
    """Whatever happens to the bytes, the result is a notice or the module's own error."""
    bodies = [VALID[:cut] for cut in range(len(VALID))]
    chance = random.Random(20261207)  # a fixed seed: the same bodies every run
    for _ in range(2000):
        corrupted = bytearray(VALID)
        for _ in range(chance.randint(1, 4)):
            corrupted[chance.randrange(len(corrupted))] = chance.randrange(256)
        bodies.append(bytes(corrupted))
    outcomes = {"parsed": 0, "refused": 0}
    for body in bodies:
        try:
            parse_notice(body)
        except CrmEventError:
            outcomes["refused"] += 1
        else:
            outcomes["parsed"] += 1
    assert outcomes["refused"] > len(VALID), outcomes
