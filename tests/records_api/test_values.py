"""SuiteCRM's string values as JSON values, and bodies cut between the characters people see."""

from __future__ import annotations

from typing import Any

import pytest

from mobile_api.records.kinds import FieldSpec
from mobile_api.records.values import cut, value


@pytest.mark.parametrize(("kind", "raw", "expected"), [
    ("text", "O'Brien & Söhne 😀", "O'Brien & Söhne 😀"), ("text", "", None),
    ("text", None, None), ("bool", "1", True), ("bool", "0", False), ("bool", "", None),
    ("int", "65", 65), ("int", "65.000", 65), ("int", "n/a", None),
    ("float", "-0.8123", -0.8123), ("float", "nan", None), ("float", "inf", None),
    ("decimal", "123456.780000", "123456.780000"),
    ("datetime", "2026-11-22T08:02:00+00:00", "2026-11-22T08:02:00+00:00"),
    ("date", "1984-02-29", "1984-02-29"),
])
def test_values_keep_what_suitecrm_holds(kind: str, raw: Any, expected: Any) -> None:
    assert value(FieldSpec("x", kind), raw) == expected


def test_a_cut_never_splits_what_people_read_as_one_character() -> None:
    flag, family, accented = "🇩🇪", "👨‍👩‍👧", "e\u0301"  # two, five and two code points
    text = "ab" + flag + family + accented + "tail"
    assert cut(text, 2) == ("ab", True)
    assert cut(text, 3) == ("ab" + flag, True)
    assert cut(text, 4) == ("ab" + flag + family, True)
    assert cut(text, 5) == ("ab" + flag + family + accented, True)
    assert cut(text, 9) == (text, False)
    assert cut(None, 3) == (None, False)
