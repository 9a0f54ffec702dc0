"""Cutting comments into runs of one script, the step before language detection."""

from __future__ import annotations

from plugin.sentiment.scripts import runs


def scripts(text: str) -> list[tuple[str, str]]:
    return [(run.script, run.text) for run in runs(text)]


def test_each_script_long_enough_to_detect_is_a_run_of_its_own():
    assert scripts("Great service! Спасибо большое") == [
        ("LATIN", "Great service! "), ("CYRILLIC", "Спасибо большое")]


def test_a_single_word_in_another_script_stays_with_the_run_before_it():
    assert scripts("这个app太好用了") == [("CJK", "这个app太好用了")]
    assert scripts("iPhone 15 не работает") == [("CYRILLIC", "iPhone 15 не работает")]


def test_marks_emoji_and_digits_go_with_their_run_and_kana_count_as_cjk():
    assert scripts("  42 👍 ありがとう 日本") == [("CJK", "  42 👍 ありがとう 日本")]


def test_text_without_letters_has_no_runs():
    assert runs("😡 123 !!! 🙏") == []


def test_a_comment_alternating_scripts_word_by_word_folds_into_one_run():
    text = "ok да " * 500
    found = runs(text)
    assert len(found) == 1 and found[0].text == text
