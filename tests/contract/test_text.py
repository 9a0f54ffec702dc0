"""Text written through the client comes back as SuiteCRM stores it, never HTML-encoded.

The cases are the shared vectors (``tests/suitecrm_text_vectors.json``) whose outcome
does not depend on the SocialCRM package (the others, emoji and literal ``\\u{``
escapes, are checked by the unit tests and the live differential check), so they hold
on any SuiteCRM 7.14, with or without the package.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connectors.suitecrm import Filter

VECTORS = Path(__file__).resolve().parents[1] / "suitecrm_text_vectors.json"
CASES = [case for case in json.loads(VECTORS.read_text(encoding="utf-8"))["cases"]
         if case["client"] == case["without_package"]["client"]]


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_text_comes_back_as_suitecrm_stores_it(crm, janitor, case):
    attributes = {"first_name": janitor.name("Text"), "last_name": "Text",
                  case["field"]: case["input"]}
    created = janitor.create("Contacts", attributes)
    assert created[case["field"]] == case["client"]
    assert crm.get("Contacts", created.id)[case["field"]] == case["client"]
    listed = crm.list("Contacts", filter=Filter.where(id=created.id), page_size=1)
    assert listed.records[0][case["field"]] == case["client"]


def test_quotes_and_brackets_in_names_filters_and_relate_values(crm, janitor):
    name = f"{janitor.name()} O'Hara \"Q\" & <Sons>"
    account = janitor.create("Accounts", {"name": name})
    assert account["name"] == name.replace(" <Sons>", " ")  # unknown tag removed
    contact = janitor.create("Contacts", {"first_name": "Ann 'A'", "last_name": janitor.name(),
                                          "account_id": account.id})
    assert contact["account_name"] == account["name"]
    assert contact["full_name"] == f"Ann 'A' {contact['last_name']}"
    found = crm.list("Accounts", filter=Filter.where(name=account["name"]), page_size=2)
    assert [r.id for r in found] == [account.id]
    related = crm.related("Accounts", account.id, "contacts")
    assert [r["first_name"] for r in related] == ["Ann 'A'"]
