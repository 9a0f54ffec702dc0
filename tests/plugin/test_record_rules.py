"""The package's value rules in PHP: URLs, ISO dates, the required date, and the text guard
that keeps 4-byte characters on SuiteCRM's 3-byte tables (the same cases the live suites
prove on a real SuiteCRM)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from plugin.build import PACKAGE_DIR
from tests.plugin.conftest import PhpRunner

VECTORS = Path(__file__).resolve().parents[1] / "suitecrm_text_vectors.json"


def run(php: PhpRunner, steps: list[dict[str, Any]]) -> list[Any]:
    out = php.json("record_rules.php", stdin={"package": str(PACKAGE_DIR), "steps": steps})
    assert out["problems"] == []
    results: list[Any] = out["results"]
    return results


def rules(php: PhpRunner, values: dict[str, Any], **extra: Any) -> dict[str, Any]:
    (result,) = run(php, [{"op": "rules", "values": values, **extra}])
    return result  # type: ignore[no-any-return]


@pytest.mark.parametrize(("written", "stored"), [
    ("2026-12-06T09:00:00+02:00", "2026-12-06 07:00:00"),
    ("2026-12-06T09:00:00Z", "2026-12-06 09:00:00"),
    ("2026-12-06T23:30:15.250-05:00", "2026-12-07 04:30:15"),
    ("2026-12-06 09:00:00", "2026-12-06 09:00:00"),  # SuiteCRM's own format: untouched
    ("12/06/2026 09:00am", "12/06/2026 09:00am"),  # a user's format: SuiteCRM converts it
])
def test_iso_dates_with_a_zone_are_stored_as_that_instant_in_utc(
        php: PhpRunner, written: str, stored: str) -> None:
    assert rules(php, {"occurred_at": written}, new_with_id=True) == {
        "values": {"occurred_at": stored}}


@pytest.mark.parametrize("placeholder", ["http://", "https://", " http:// "])
def test_a_url_left_at_the_edit_form_placeholder_is_empty(php: PhpRunner,
                                                          placeholder: str) -> None:
    result = rules(php, {"permalink": placeholder, "author_profile_url": "https://x.example/a",
                         "occurred_at": "2026-12-06 09:00:00"}, new_with_id=True)
    assert result["values"]["permalink"] == ""
    assert result["values"]["author_profile_url"] == "https://x.example/a"


@pytest.mark.parametrize("missing", ["", "NULL", "   "])
def test_a_new_interaction_without_its_date_is_refused_naming_the_field(
        php: PhpRunner, missing: str) -> None:
    result = rules(php, {"occurred_at": missing}, new_with_id=True)
    assert "occurred_at is required" in result["error"]


def test_clearing_a_stored_date_is_refused_but_an_old_empty_one_can_be_updated(
        php: PhpRunner) -> None:
    cleared = rules(php, {"occurred_at": ""}, fetched={"occurred_at": "2026-12-06 09:00:00"})
    assert "occurred_at is required" in cleared["error"]
    legacy = rules(php, {"occurred_at": "", "status": "assigned"}, fetched={"occurred_at": None})
    assert legacy == {"values": {"occurred_at": "", "status": "assigned"}}


def test_the_text_guard_stores_what_the_live_suite_measured(php: PhpRunner) -> None:
    """Each vector's text, as SuiteCRM's sanitizer leaves it, is stored as the vector says,
    stays the same when saved again, and displays as the references V8 answers."""
    cases = json.loads(VECTORS.read_text(encoding="utf-8"))["cases"]
    (texts,) = run(php, [{"op": "text", "texts": [c["sanitized"] for c in cases]}])
    for case, got in zip(cases, texts, strict=True):
        assert got["stored"] == case["db"], case["name"]
        assert got["again"] == got["stored"], f"{case['name']}: a second save changes it"
        html = (got["html"].replace('"', "&quot;").replace("'", "&#039;")
                .replace("<", "&lt;").replace(">", "&gt;"))  # SuiteCRM's to_html, then hooks
        assert html == case["v8"], case["name"]
        assert got["decoded"] == case["sanitized"] or "\\u{" in case["sanitized"], case["name"]


def test_summaries_keep_emoji_through_the_tracker_s_html_decoding(php: PhpRunner) -> None:
    """Recently Viewed stores a record's summary through SuiteCRM's quote(), which html-decodes
    it: references lose their semicolon there, which browsers read alike and PHP leaves."""
    (texts,) = run(php, [{"op": "text", "texts": ["Гитара 😡", "😡!", "🇺🇦", "a😡b", "😡7"]}])
    assert [t["summary"] for t in texts] == [
        "Гитара &#x1F621", "&#x1F621!", "&#x1F1FA&#x1F1E6", "a&#x1F621;b", "&#x1F621;7"]
    assert [t["tracked"] for t in texts][:3] == [t["summary"] for t in texts][:3]
    assert "?" not in "".join(t["tracked"] for t in texts[:3])
