# ruff: noqa: RUF001, RUF002 - Cyrillic and full-width letters here are the point
"""What identifies a person, reduced to comparable keys: email, phone, name, company.

People type the same contact point in many ways: ``Ann.Lee@Example.com `` and
``ann.lee@example.com``, ``+1 (555) 010-0001`` and ``5550100001``, ``8 916 123-45-67``
and ``+7 916 123 45 67``, ``José García`` and ``JOSE GARCIA``, ``王伟`` typed as one
field or split into family and given name. Matching on the raw text would miss them all,
so every comparison goes through the keys built here, and the same keys decide what is a
duplicate for identity matching and for lead ads alike.

SuiteCRM stores phones as free text and cannot compare E.164 numbers, so
``phone_search_pattern`` turns a number into a LIKE pattern over its last digits that
any formatting matches; the candidates it finds are then confirmed here, in E.164.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import phonenumbers

# The digits of a number's end that the LIKE pre-filter uses: enough to keep the list of
# candidates short, few enough that an area code written differently still matches.
PHONE_TAIL_DIGITS = 7
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
# Legal forms that one record writes and another leaves out ("ACME Inc." is "Acme").
_LEGAL_FORMS = frozenset({
    "inc", "incorporated", "llc", "llp", "ltd", "limited", "plc", "corp", "corporation",
    "co", "company", "gmbh", "ag", "kg", "sa", "sarl", "sas", "srl", "spa", "bv", "nv",
    "oy", "ab", "as", "aps", "pty", "pte", "kk",
    "ооо", "оао", "зао", "пао", "ао", "ип", "нко", "тоо",
})
_CJK_LEGAL_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团", "公司")


def normalise_email(value: str | None) -> str | None:
    """The address in one canonical form (trimmed, NFC, lower case), or ``None``.

    Only the spelling is normalised, never the address: ``a.b@gmail.com`` and
    ``ab@gmail.com`` stay different people, because a provider's aliasing rules are
    not ours to assume. Text that is not an address gives ``None``.
    """
    if not value:
        return None
    text = unicodedata.normalize("NFC", value).strip().lower()
    if text.startswith("mailto:"):
        text = text.removeprefix("mailto:")
    return text if _EMAIL.match(text) else None


def normalise_phone(value: str | None, default_region: str) -> str | None:
    """The number in E.164 (``+15550100001``), or ``None`` when it cannot be one.

    A number without a country code is read as dialled in ``default_region`` (so in
    ``RU`` the trunk prefix of ``8 916 ...`` is understood). Possible numbers are kept
    even when not assigned (the ``555-01xx`` range is fictional, yet customers type it).
    """
    if not value or not any(ch.isdigit() for ch in value):
        return None
    try:
        number = phonenumbers.parse(value, default_region.upper())
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def is_known_region(region: str) -> bool:
    """True for a region code ``phonenumbers`` knows (``US``, ``RU``, ``CN``...)."""
    return region.upper() in phonenumbers.SUPPORTED_REGIONS


def phone_search_pattern(e164: str) -> str:
    """A SQL LIKE pattern that every formatting of the number's last digits matches.

    ``+15550100001`` -> ``%0%1%0%0%0%0%1``: separators may sit between any two digits
    (``010-0001``, ``0 100 001``). It also matches other numbers; callers confirm each
    candidate with ``normalise_phone``.
    """
    digits = "".join(ch for ch in e164 if ch.isdigit())[-PHONE_TAIL_DIGITS:]
    return "%" + "%".join(digits)


def fold(text: str | None) -> str:
    """Text reduced for comparison: compatibility forms unified, accents dropped, case
    folded, punctuation turned to single spaces. ``José`` -> ``jose``, ``Ёлкин`` ->
    ``елкин``, full-width ``ＡＢＣ`` -> ``abc``; Chinese characters stay as they are."""
    return " ".join(_words(text, strip_accents=True))


def _words(text: str | None, *, strip_accents: bool) -> list[str]:
    if not text:
        return []
    unified = unicodedata.normalize("NFKD" if strip_accents else "NFKC", text)
    if strip_accents:
        unified = unicodedata.normalize(
            "NFC", "".join(ch for ch in unified if not unicodedata.combining(ch)))
    return _NOT_WORD.sub(" ", unified.casefold()).split()


def _is_cjk(char: str) -> bool:
    return unicodedata.name(char, "").startswith(("CJK UNIFIED", "CJK COMPATIBILITY",
                                                  "HANGUL", "HIRAGANA", "KATAKANA"))


def same_person_name(given: str, first_name: str | None, last_name: str | None) -> bool:
    """True when ``given`` (a full name as a network shows it) names the same person as a
    record's first and last name, in either order.

    ``Wang Wei`` matches first ``Wei`` last ``Wang``; ``王伟`` (no spaces, family name
    first) matches last ``王`` first ``伟`` and a last name ``王伟`` alone; ``JOSE
    GARCIA`` matches ``José García``. A missing or extra word is not the same name.
    """
    wanted = fold(given).split()
    first, last = fold(first_name).split(), fold(last_name).split()
    have = first + last
    if not wanted or not have:
        return False
    if sorted(wanted) == sorted(have):
        return True
    compact = "".join(wanted)
    return compact in {"".join(first + last), "".join(last + first)}


def name_overlap(given: str, first_name: str | None, last_name: str | None) -> bool:
    """True when the two names share a word (``Bob Smith`` and ``Robert Smith``) or,
    written without spaces (``王伟`` and ``王``), one contains the other. Used to
    corroborate or contradict a match that another key found."""
    wanted = fold(given).split()
    have = fold(f"{first_name or ''} {last_name or ''}").split()
    if not wanted or not have:
        return False
    if set(wanted) & set(have):
        return True
    mine, theirs = "".join(wanted), "".join(have)
    return any(_is_cjk(ch) for ch in mine + theirs) and (mine in theirs or theirs in mine)


def company_key(name: str | None) -> str:
    """A company name without case, accents, punctuation and legal form:
    ``ACME, Inc.`` -> ``acme``; ``ООО «Ромашка»`` -> ``ромашка``;
    ``阿里巴巴有限公司`` -> ``阿里巴巴``."""
    return " ".join(_company_words(name, strip_accents=True))


def _company_words(name: str | None, *, strip_accents: bool) -> list[str]:
    words = [word for word in _words(name, strip_accents=strip_accents)
             if fold(word) not in _LEGAL_FORMS]
    if len(words) == 1 and any(_is_cjk(ch) for ch in words[0]):
        for suffix in _CJK_LEGAL_SUFFIXES:
            if words[0].endswith(suffix) and len(words[0]) > len(suffix):
                return [words[0].removesuffix(suffix)]
    return words


def company_search_pattern(name: str) -> str | None:
    """A SQL LIKE pattern for a company (``%café%müller%``), or ``None`` if nothing is
    left to search by. Accents are kept: MySQL's collation ignores case and accents the
    way it does, so its own rules decide what ``Café-Müller GmbH`` is like; candidates
    are then confirmed with ``company_key``."""
    words = _company_words(name, strip_accents=False)
    if not words:
        return None
    escaped = (word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
               for word in words)
    return "%" + "%".join(escaped) + "%"


def split_full_name(full_name: str) -> tuple[str, str]:
    """(first, last) for a record that needs a last name, losing nothing.

    Words separated by spaces: the last word is the last name (``Anna Maria Schmidt`` ->
    ``Anna Maria`` / ``Schmidt``). A name without spaces (``王伟``, ``Madonna``) is kept
    whole as the last name: its family name cannot be told apart safely.
    """
    words = full_name.split()
    if len(words) < 2:
        return "", full_name.strip()
    return " ".join(words[:-1]), words[-1]


def first_present(values: Iterable[str | None]) -> str | None:
    """The first value that is not empty after trimming."""
    for value in values:
        if value and value.strip():
            return value.strip()
    return None
