"""Builders shared by the identity and lead tests: people and profiles with unique data.

Every builder takes the test's ``tag`` (random per test), so tests share one sandbox
per module (or the live SuiteCRM) without seeing each other's records.
"""

from __future__ import annotations

import random
from typing import Any

from connectors.suitecrm import SuiteCRMClient
from connectors.suitecrm.records import Record
from plugin.sync.evidence import ProfileLink
from plugin.sync.ids import PROFILES, profile_id


def unique_digits(count: int) -> str:
    return "".join(random.choice("0123456789") for _ in range(count))


def us_phone() -> tuple[str, str, str]:
    """One random US number three ways: (formatted, bare national, E.164)."""
    exchange, line = "0" + unique_digits(2), unique_digits(4)
    return (f"+1 (555) {exchange}-{line}", f"555{exchange}{line}", f"+1555{exchange}{line}")


def ru_phone() -> tuple[str, str, str]:
    """One random Moscow mobile three ways: (+7 formatted, 8-prefixed, E.164)."""
    a, b, c = unique_digits(3), unique_digits(2), unique_digits(2)
    return (f"+7 (916) {a}-{b}-{c}", f"8 916 {a} {b} {c}", f"+7916{a}{b}{c}")


def contact(crm: SuiteCRMClient, **attributes: Any) -> Record:
    return crm.create("Contacts", attributes)


def lead(crm: SuiteCRMClient, **attributes: Any) -> Record:
    return crm.create("Leads", attributes)


def profile(crm: SuiteCRMClient, network: str, external_id: str, **attributes: Any) -> str:
    """A Social Profile with the id the sync derives for it."""
    record_id = profile_id(network, external_id)
    crm.create(PROFILES, {"name": attributes.pop("name", external_id), "network": network,
                          "external_id": external_id, **attributes}, record_id=record_id)
    return record_id


def link_of(crm: SuiteCRMClient, record_id: str) -> ProfileLink:
    return ProfileLink.of(crm.get(PROFILES, record_id))
