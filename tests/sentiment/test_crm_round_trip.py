"""What the scorer gives can be stored in SuiteCRM and reads back identical.

Written through the V8 API of the SuiteCRM sandbox, served over HTTP, into the plugin's
Social Interactions, whose sentiment_score is a DECIMAL(7,4) and sentiment_label the
scrm_sentiment_list dropdown.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from connectors.suitecrm import SuiteCRMClient
from plugin.sentiment import Scorer, Sentiment
from sandboxes.suitecrm import DEMO_SYNC_CLIENT, SuiteCRMSandbox

COMMENTS = [
    "Ordered 3 weeks ago and STILL nothing. Worst service ever 😡",
    "Огромное спасибо Анне на ресепшене, очень помогла 🙏",
    "外观好看，但是用了一周就坏了，白花钱",
    "Love the phone, hate the battery",
    "👍🏽👍🏽",
    "Excelente servicio, muchas gracias 👍",  # unsupported: nothing to store but the language
]
_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def crm() -> Iterator[SuiteCRMClient]:
    with SuiteCRMSandbox(port=0, seed=False, with_plugin=True) as sandbox:
        yield SuiteCRMClient.service_account(sandbox.url, *DEMO_SYNC_CLIENT, timeout=5.0)


def store(crm: SuiteCRMClient, body: str, sentiment: Sentiment) -> str:
    attributes = {
        "network": "facebook", "external_id": f"sentiment-{uuid.uuid4()}-{next(_numbers)}",
        "kind": "comment", "direction": "inbound", "status": "new", "body": body,
        "occurred_at": datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
        "sentiment_score": sentiment.score, "sentiment_label": sentiment.label or "",
        "language": sentiment.language}
    return crm.create("SCRM_SocialInteractions", attributes).id


@pytest.mark.parametrize("body", COMMENTS)
def test_score_label_language_and_text_read_back_identical(crm: SuiteCRMClient,
                                                           scorer: Scorer, body):
    sentiment = scorer.score(body)
    record = crm.get("SCRM_SocialInteractions", store(crm, body, sentiment))
    assert record.get("body") == body
    assert record.get("language") == sentiment.language
    assert (record.get("sentiment_label") or None) == sentiment.label
    stored = record.get("sentiment_score")
    if sentiment.score is None:
        assert stored in (None, "")
    else:
        assert Decimal(str(stored)) == Decimal(str(sentiment.score))
        assert float(stored) == sentiment.score
