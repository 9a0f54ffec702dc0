"""The policy file's structure, checked key by key into a ``PolicySpec``.

The layout (docs/compliance.md has the full reference)::

    version: 1
    languages:                 # "*" for every language, else ISO 639-1 codes
      en: {banned: [...], commitments: [...], allowed: [...]}
    personal_data:
      phone_regions: [US, GB, RU, CN]     # how national numbers are read
      allowed: [support@example.com]      # the company's own contacts
      public:  {email: block, phone: block, card: block}
      private: {email: allow, phone: allow, card: block}
    networks:
      facebook:
        public:  {max_length: 8000}
        private: {max_length: 2000, personal_data: {phone: needs_approval}}
    signature:
      template: "— {agent_first_name}"
      required_for: [public, private]
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import phonenumbers

from plugin.compliance.languages import ALL, SCRIPT_OF_LANGUAGE
from plugin.compliance.personal_data import EMAIL, DataKind, parse_phone
from plugin.compliance.reading import Problems, key_path
from plugin.compliance.signature import PLACEHOLDERS, placeholders_of
from plugin.compliance.terms import EXACT, Rule
from plugin.compliance.verdict import Decision

Kind = Literal["public", "private"]
KINDS: tuple[Kind, ...] = ("public", "private")
LengthUnit = Literal["characters", "utf16"]
LENGTH_UNITS: tuple[LengthUnit, ...] = ("characters", "utf16")
VERSION = 1
WORD_LANGUAGES = frozenset({"en", "ru"})  # sections whose terms are read as words
_NETWORK = re.compile(r"[a-z][a-z0-9_-]*")
_ACTIONS = tuple(decision.value for decision in Decision)
_DATA_KINDS = tuple(kind.value for kind in DataKind)
DEFAULT_ACTIONS: Mapping[Kind, Mapping[DataKind, Decision]] = {
    "public": dict.fromkeys(DataKind, Decision.BLOCK),
    "private": {DataKind.EMAIL: Decision.ALLOW, DataKind.PHONE: Decision.ALLOW,
                DataKind.CARD: Decision.BLOCK},
}


@dataclass(frozen=True, slots=True)
class SectionSpec:
    terms: Mapping[Rule, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    max_length: int
    length_unit: LengthUnit
    personal_data: Mapping[DataKind, Decision]


@dataclass(frozen=True, slots=True)
class SignatureSpec:
    template: str
    required_for: frozenset[Kind]


@dataclass(frozen=True, slots=True)
class PolicySpec:
    languages: Mapping[str, SectionSpec]
    networks: Mapping[str, Mapping[Kind, ChannelSpec]]
    phone_regions: tuple[str, ...] = ("US",)
    allowed_emails: tuple[str, ...] = ()
    allowed_phones: tuple[str, ...] = ()  # E.164
    signature: SignatureSpec | None = None
    source: str = field(default="<policy>", compare=False)


def read_spec(data: Any, problems: Problems, source: str) -> PolicySpec | None:
    """The spec ``data`` describes, or None with every problem added to ``problems``."""
    top = problems.mapping(data, "", ("version", "languages", "personal_data", "networks",
                                      "signature"), required=("languages", "networks"))
    if top is None:
        return None
    if "version" in top and (top["version"] != VERSION or isinstance(top["version"], bool)):
        problems.add("version", f"must be {VERSION}, not {top['version']!r}")
    languages = _languages(top.get("languages"), problems)
    personal = problems.mapping(top.get("personal_data", {}), "personal_data",
                                ("phone_regions", "allowed", *KINDS)) or {}
    regions = _regions(personal.get("phone_regions", ["US"]), problems)
    emails, phones = _allowed_contacts(personal.get("allowed"), regions, problems)
    defaults = {kind: _actions(personal.get(kind, {}), key_path("personal_data", kind),
                               DEFAULT_ACTIONS[kind], problems) for kind in KINDS}
    networks = _networks(top.get("networks"), defaults, problems)
    signature = _signature(top["signature"], problems) if "signature" in top else None
    if problems.found:
        return None
    return PolicySpec(languages=languages, networks=networks, phone_regions=regions,
                      allowed_emails=emails, allowed_phones=phones, signature=signature,
                      source=source)


def _languages(value: Any, problems: Problems) -> dict[str, SectionSpec]:
    sections = problems.mapping(value, "languages")
    if sections is None:
        return {}
    if not sections and isinstance(value, Mapping) and not value:
        problems.add("languages", 'must have at least one section ("*", "en", ...)')
    found = {}
    for language, section in sections.items():
        path = key_path("languages", language)
        if language != ALL and language not in SCRIPT_OF_LANGUAGE:
            problems.add(path, f"unknown language code (use \"*\" or one of: "
                               f"{', '.join(sorted(SCRIPT_OF_LANGUAGE))})")
            continue
        found[language] = _section(section, path, language, problems)
    return found


def _section(value: Any, path: str, language: str, problems: Problems) -> SectionSpec:
    lists = problems.mapping(value if value is not None else {}, path,
                             tuple(rule.value for rule in Rule)) or {}
    seen: dict[str, str] = {}  # folded term -> where it was first listed
    terms: dict[Rule, tuple[str, ...]] = {}
    for rule in Rule:
        kept = []
        for where, term in problems.text_list(lists.get(rule.value), key_path(path, rule)):
            problem = _term_problem(term, language)
            folded = " ".join(term.casefold().split())
            if problem:
                problems.add(where, problem)
            elif folded in seen:
                problems.add(where, f"“{term}” is already listed at {seen[folded]}")
            else:
                seen[folded] = where
                kept.append(term)
        terms[rule] = tuple(kept)
    return SectionSpec(terms)


def _term_problem(term: str, language: str) -> str | None:
    shown = term.removeprefix(EXACT).strip()
    if not shown:
        return f"has nothing after {EXACT!r} (\"=word\" matches that exact form only)"
    if language in WORD_LANGUAGES and not re.search(r"[^\W_]", shown):
        return (f"“{term}” has no word in it; symbols and emoji belong in the \"*\" "
                "section, which matches them as written")
    return None


def _regions(value: Any, problems: Problems) -> tuple[str, ...]:
    regions = []
    for where, region in problems.text_list(value, "personal_data.phone_regions"):
        if region.upper() in phonenumbers.SUPPORTED_REGIONS:
            regions.append(region.upper())
        else:
            problems.add(where, f"{region!r} is not a region phonenumbers knows (use "
                                "ISO 3166 codes such as US, GB, RU, CN)")
    return tuple(regions)


def _allowed_contacts(value: Any, regions: tuple[str, ...],
                      problems: Problems) -> tuple[tuple[str, ...], tuple[str, ...]]:
    emails, phones = [], []
    for where, contact in problems.text_list(value, "personal_data.allowed"):
        if EMAIL.fullmatch(contact):
            emails.append(contact)
        elif number := parse_phone(contact, regions):
            phones.append(number)
        else:
            problems.add(where, f"{contact!r} is neither an email address nor a valid phone "
                                "number (an international number such as +1 800 555 0100 "
                                "reads the same in every region)")
    return tuple(emails), tuple(phones)


def _actions(value: Any, path: str, base: Mapping[DataKind, Decision],
             problems: Problems) -> dict[DataKind, Decision]:
    found = dict(base)
    for kind, action in (problems.mapping(value, path, _DATA_KINDS) or {}).items():
        choice = problems.choice(action, key_path(path, kind), _ACTIONS)
        if choice is not None:
            found[DataKind(kind)] = Decision(choice)
    return found


def _networks(value: Any, defaults: Mapping[Kind, Mapping[DataKind, Decision]],
              problems: Problems) -> dict[str, dict[Kind, ChannelSpec]]:
    networks = problems.mapping(value, "networks")
    if networks is None:
        return {}
    if not networks and isinstance(value, Mapping) and not value:
        problems.add("networks", "must name at least one network (facebook, linkedin, ...)")
    found: dict[str, dict[Kind, ChannelSpec]] = {}
    for network, channels in networks.items():
        path = key_path("networks", network)
        if not _NETWORK.fullmatch(network):
            problems.add(path, "a network name is lower-case letters, digits, - and _")
        kinds = problems.mapping(channels, path, KINDS)
        if kinds is None:
            continue
        if not kinds and isinstance(channels, Mapping) and not channels:
            problems.add(path, "must have a public or a private section")
        found[network] = {}
        for kind in KINDS:
            if kind in kinds:
                channel = _channel(kinds[kind], key_path(path, kind), defaults[kind], problems)
                if channel is not None:
                    found[network][kind] = channel
    return found


def _channel(value: Any, path: str, defaults: Mapping[DataKind, Decision],
             problems: Problems) -> ChannelSpec | None:
    keys = problems.mapping(value, path, ("max_length", "length_unit", "personal_data"),
                            required=("max_length",))
    if keys is None:
        return None
    limit = problems.positive_int(keys["max_length"], key_path(path, "max_length")) if (
        "max_length" in keys) else None
    unit = problems.choice(keys.get("length_unit", "characters"),
                           key_path(path, "length_unit"), LENGTH_UNITS)
    actions = _actions(keys.get("personal_data", {}), key_path(path, "personal_data"),
                       defaults, problems)
    if limit is None or unit is None:
        return None
    return ChannelSpec(limit, "utf16" if unit == "utf16" else "characters", actions)


def _signature(value: Any, problems: Problems) -> SignatureSpec | None:
    keys = problems.mapping(value, "signature", ("template", "required_for"),
                            required=("template",))
    if keys is None or "template" not in keys:
        return None
    template = problems.text(keys["template"], "signature.template")
    if template is not None:
        try:
            unknown = set(placeholders_of(template)) - PLACEHOLDERS.keys()
        except ValueError as error:
            problems.add("signature.template", f"is not a valid template: {error} (write a "
                                               "literal brace as {{ or }})")
            template = None
        else:
            if unknown:
                problems.add("signature.template", f"unknown placeholder "
                             f"{', '.join(f'{{{name}}}' for name in sorted(unknown))} (known: "
                             f"{', '.join(f'{{{name}}}' for name in PLACEHOLDERS)})")
                template = None
    kinds: set[Kind] = set()
    for where, kind in problems.text_list(keys.get("required_for", list(KINDS)),
                                          "signature.required_for"):
        if problems.choice(kind, where, KINDS) is not None:
            kinds.add("public" if kind == "public" else "private")
    return SignatureSpec(template, frozenset(kinds)) if template is not None else None
