# ruff: noqa: RUF001 - Cyrillic and full-width letters are the test data
"""The keys every comparison goes through: emails, E.164 phones, names and companies in
Latin, Cyrillic and Chinese; and the evidence history that makes an undo exact."""

from __future__ import annotations

import pytest

from plugin.sync import contact_points as cp
from plugin.sync import evidence as ev
from plugin.sync.evidence import NothingToUndoError, ProfileLink


@pytest.mark.parametrize(("given", "expected"), [
    ("  Ann.Lee@Example.COM ", "ann.lee@example.com"),
    ("mailto:Bob@x.org", "bob@x.org"),
    ("a.b@gmail.com", "a.b@gmail.com"),  # aliasing rules are not ours to assume
    ("not an address", None), ("two@@x.org", None), ("", None), (None, None),
])
def test_emails_are_normalised_in_spelling_only(given: str | None, expected: str | None) -> None:
    assert cp.normalise_email(given) == expected


@pytest.mark.parametrize(("given", "region", "expected"), [
    ("+1 (555) 010-0001", "US", "+15550100001"),
    ("5550100001", "US", "+15550100001"),
    ("555.010.0001", "US", "+15550100001"),
    ("8 (916) 123-45-67", "RU", "+79161234567"),
    ("+7 916 123 45 67", "US", "+79161234567"),  # a country code wins over the region
    ("8 916 123-45-67", "US", None),  # a Russian trunk prefix is not a US number
    ("+86 138 0013 8000", "RU", "+8613800138000"),
    ("call me", "US", None), ("12", "US", None), ("", "US", None),
])
def test_phones_become_e164_in_the_default_region(given: str, region: str,
                                                  expected: str | None) -> None:
    assert cp.normalise_phone(given, region) == expected


def test_the_phone_pattern_follows_the_last_digits_through_any_separator() -> None:
    assert cp.phone_search_pattern("+15550100001") == "%0%1%0%0%0%0%1"


@pytest.mark.parametrize(("given", "first", "last", "same"), [
    ("JOSE GARCIA", "José", "García", True),
    ("García José", "José", "García", True),
    ("ПЕТРОВ Иван", "Иван", "Петров", True),
    ("Фёдор Ёлкин", "Федор", "Елкин", True),
    ("王伟", "伟", "王", True),
    ("王伟", "", "王伟", True),
    ("Ｗａｎｇ Ｗｅｉ", "Wei", "Wang", True),
    ("Anna Maria Schmidt", "Anna", "Schmidt", False),
    ("王伟", "伟", "李", False),
    ("", "Ann", "Lee", False),
])
def test_names_compare_without_case_accents_or_order(given: str, first: str, last: str,
                                                     same: bool) -> None:
    assert cp.same_person_name(given, first, last) is same


@pytest.mark.parametrize(("one", "other"), [
    ("ACME, Inc.", "Acme"), ("ООО «Ромашка»", "ромашка"), ("阿里巴巴有限公司", "阿里巴巴"),
    ("Café-Müller GmbH", "cafe muller"),
])
def test_companies_compare_without_legal_form_or_punctuation(one: str, other: str) -> None:
    assert cp.company_key(one) == cp.company_key(other) != ""


def test_a_full_name_splits_without_losing_anything() -> None:
    assert cp.split_full_name("Anna Maria Schmidt") == ("Anna Maria", "Schmidt")
    assert cp.split_full_name("王伟") == ("", "王伟")
    assert cp.split_full_name("Алёна Смирнова") == ("Алёна", "Смирнова")


def _document(state: str, target: str) -> dict[str, object]:
    return ev.document(state, decided_by="matcher", at="2026-01-01T00:00:00Z",
                       summary=f"to {target}", linked_to={"module": "Contacts", "id": target},
                       level="email", confidence=0.99, facts={"name": "Ann 🙂"},
                       candidates=[], skipped={})


def test_each_undo_restores_the_exact_text_before_one_decision() -> None:
    states = [ProfileLink("", "lead-0", "0.3000", "a note written by hand ✍️\nline 2")]
    for number in range(1, 5):
        previous = states[-1]
        text = ev.with_history(_document(ev.LINKED, f"c{number}"), previous,
                               f"2026-01-0{number}T00:00:00Z")
        states.append(ProfileLink(f"c{number}", "", "0.9900", text))

    current = states[-1]
    for expected in reversed(states[:-1]):
        current = ev.previous_of(current)
        assert current == expected
    with pytest.raises(NothingToUndoError):
        ev.previous_of(current)


def test_history_is_bounded() -> None:
    link = ProfileLink()
    for number in range(ev.HISTORY_LIMIT + 5):
        link = ProfileLink(f"c{number}", "", "1.0000",
                           ev.with_history(_document(ev.LINKED, f"c{number}"), link, "t"))
    document = ev.parse(link.match_evidence)
    assert document is not None and len(document["history"]) == ev.HISTORY_LIMIT
