"""Personal data in a reply: email addresses, phone numbers, payment card numbers.

* Email: local part, "@", a domain with at least one dot and a top-level domain of
  letters (any script, so internationalised domains count).
* Card: 13 to 19 digits, optionally grouped by single spaces or hyphens, first digit not
  0, passing the Luhn check that every card number passes and most mistyped or random
  digit runs fail. In a longer run of groups ("4111 1111 1111 1111 12 26", a card and
  its expiry date) any consecutive groups that form such a number count; an ungrouped
  run of digits counts only as a whole.
* Phone: phonenumbers (Apache-2.0, Google's libphonenumber metadata) finds numbers that
  are valid for their country: international ones ("+7 912 345-67-89") anywhere, national
  ones ("(415) 555-0132", "8 (912) 345-67-89") for the policy's ``phone_regions``. An
  order number that happens to be a valid phone number is reported as one.

Why ``allowed``: a company's own support address or hotline may be posted; those are
compared by normalised value (lower-cased email, E.164 number), not by spelling.
Obfuscated contacts ("name at example dot com") are not recognised.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum

import phonenumbers

EMAIL = re.compile(r"(?<![\w.!#$%&'*+/=?^`{|}~-])[\w.!#$%&'*+/=?^`{|}~-]+"
                   r"@(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}(?![\w-])")
_SEPARATOR = "[ \u00a0\\-\u2010\u2011]"
DIGIT_RUN = re.compile(rf"\d+(?:{_SEPARATOR}\d+)*")  # groups of digits, one separator apart
_GROUP = re.compile(r"\d+")
_DIGIT = re.compile(r"\d")
CARD_DIGITS = range(13, 20)
MIN_DIGITS = 6  # no phone or card number has fewer; a reply with fewer skips the search


class DataKind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    CARD = "card"


LABELS = {DataKind.EMAIL: "an email address", DataKind.PHONE: "a phone number",
          DataKind.CARD: "a payment card number"}


@dataclass(frozen=True, slots=True)
class Found:
    kind: DataKind
    start: int
    end: int


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def phone_key(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse_phone(text: str, regions: Iterable[str]) -> str | None:
    """The E.164 form of a valid phone number written alone, trying each region."""
    for region in (*regions, None):
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phone_key(number)
    return None


class PersonalDataFinder:
    """Finds personal data, leaving out the values the policy allows."""

    def __init__(self, regions: Collection[str], allowed_emails: Collection[str],
                 allowed_phones: Collection[str]) -> None:
        self._regions = tuple(regions) or ("US",)
        self._allowed_emails = frozenset(email.casefold() for email in allowed_emails)
        self._allowed_phones = frozenset(allowed_phones)

    def find(self, text: str) -> list[Found]:
        found = [Found(DataKind.EMAIL, m.start(), m.end())
                 for m in (EMAIL.finditer(text) if "@" in text else ())
                 if m.group().casefold() not in self._allowed_emails]
        if len(_DIGIT.findall(text)) < MIN_DIGITS:
            return found
        cards = [Found(DataKind.CARD, start, end) for run in DIGIT_RUN.finditer(text)
                 for start, end in _cards_in(run)]
        taken = [(item.start, item.end) for item in (*found, *cards)]
        return [*found, *cards, *self._phones(text, taken)]

    def _phones(self, text: str, taken: list[tuple[int, int]]) -> list[Found]:
        spans: list[tuple[int, int]] = []
        for region in self._regions:
            for match in phonenumbers.PhoneNumberMatcher(text, region,
                                                         leniency=phonenumbers.Leniency.VALID):
                span = (match.start, match.end)
                # An allowed number read whole by one region is not reported in part by
                # another that reads "8 (800) ..." from the "(800)".
                if phone_key(match.number) in self._allowed_phones:
                    taken.append(span)
                else:
                    spans.append(span)
        return [Found(DataKind.PHONE, start, end) for start, end in _merged(spans)
                if not any(start < t_end and t_start < end for t_start, t_end in taken)]


def _cards_in(run: re.Match[str]) -> list[tuple[int, int]]:
    """Card numbers among a run's groups: the longest valid one from each group on."""
    groups = [(m.start(), m.end(), m.group()) for m in _GROUP.finditer(run.group())]
    found: list[tuple[int, int]] = []
    first = 0
    while first < len(groups):
        card = None
        digits = ""
        for last in range(first, len(groups)):
            digits += groups[last][2]
            if len(digits) > CARD_DIGITS[-1]:
                break
            if len(digits) in CARD_DIGITS and digits[0] != "0" and luhn_valid(digits):
                card = last
        if card is None:
            first += 1
            continue
        found.append((run.start() + groups[first][0], run.start() + groups[card][1]))
        first = card + 1
    return found


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping spans as one (regions read "8 (912) 345-67-89" from different starts)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
