# ruff: noqa: RUF001 - Cyrillic text is the test data
"""A Case's name is short and never cuts a character in half: not an emoji, a flag, a
family emoji, an accented letter, a Chinese character. Read back from SuiteCRM unchanged."""

from __future__ import annotations

import pytest

from connectors.suitecrm import SuiteCRMClient
from plugin.sync.cases import case_name, stored_length


def test_a_short_text_is_the_name_on_one_line() -> None:
    assert case_name("  Гитара\nсломана  😡 \t", 80) == "Гитара сломана 😡"


def test_an_empty_text_gets_the_fallback() -> None:
    assert case_name(" \n ", 80, empty="Facebook message") == "Facebook message"


def test_a_long_text_is_cut_with_an_ellipsis_within_the_budget() -> None:
    name = case_name("吉他坏了" * 40, 80)
    assert name.endswith("…") and stored_length(name) <= 80
    assert name == "吉他坏了" * 19 + "吉他坏" + "…"


@pytest.mark.parametrize("unit", [
    "\U0001F621",                                  # 😡: a 9-character escape when stored
    "\U0001F1FA\U0001F1E6",                        # 🇺🇦: two regional indicators
    "\U0001F468\u200d\U0001F469\u200d\U0001F467",  # a family joined by ZWJs
    "\U0001F44D\U0001F3FD",                        # a thumb with a skin tone
    "\u0438\u0306",                                # й as и + combining breve
    "\u2764\ufe0f",                                # a heart + variation selector
    "\u5409",                                      # 吉
])
def test_a_cut_never_splits_what_a_reader_sees_as_one_character(unit: str) -> None:
    for lead in range(12):  # every alignment of the unit against the budget
        name = case_name("x" * lead + unit * 30, 40)
        body = name.removesuffix("…")
        assert stored_length(name) <= 40
        rest = body[lead:]
        assert rest == unit * (len(rest) // len(unit)), f"{name!r} split {unit!r}"


def test_emoji_count_as_their_stored_escape() -> None:
    assert stored_length("😡") == len("\\u{1F621}") == 9
    name = case_name("😡" * 100, 250)
    assert stored_length(name) <= 250
    assert name == "😡" * 27 + "…"  # 27 x 9 + 1 = 244; a 28th would need 253


def test_names_cut_from_emoji_and_chinese_read_back_identical(crm: SuiteCRMClient) -> None:
    family = "\U0001F468\u200d\U0001F469\u200d\U0001F467"
    for body in ("Сломали гитару 你好 😡🇺🇦 " * 10, family * 40, "退款" * 200):
        name = case_name(body, 120)
        case = crm.create("Cases", {"name": name, "description": body})
        back = crm.get("Cases", case.id)
        assert back.get("name") == name
        assert back.get("description") == body
