"""A Case's description, edited in SuiteCRM as HTML, reads back through the client exactly
as written: V8 answers it as HTML source (``&`` as ``&amp;``, ``<`` as ``&lt;``), and the
SocialCRM sync writes the customer's full words there."""

from __future__ import annotations

import contextlib

from connectors.errors import NotFoundError
from connectors.suitecrm import SuiteCRMClient
from tests.live.host import Database

WORDS = "Tent & poles < 2 kg? \"Broken\" 'again' &amp; 😡 Сломан 坏了\nSecond line"
STORED = "Tent & poles < 2 kg? \"Broken\" 'again' & \\u{1F621} Сломан 坏了\nSecond line"


def test_a_case_description_reads_back_as_written(installed_package: str,
                                                  crm: SuiteCRMClient, db: Database) -> None:
    case = crm.create("Cases", {"name": "Words kept", "description": WORDS, "priority": "P2",
                                "status": "Open_New", "state": "Open"})
    try:
        # "&amp;" typed by the customer is stored as "&": SuiteCRM decodes entities on write
        expected = WORDS.replace("&amp;", "&")
        assert case["description"] == expected
        assert crm.get("Cases", case.id)["description"] == expected
        row = db.row("SELECT description FROM cases WHERE id = %s", (case.id,))
        assert row == {"description": STORED}
    finally:
        with contextlib.suppress(NotFoundError):
            crm.delete("Cases", case.id)
