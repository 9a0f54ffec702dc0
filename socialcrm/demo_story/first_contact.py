"""Act one: customers comment in English, Russian and Chinese, one complains, one leaves a
lead; SuiteCRM is read back until each became its record.

The Page publishes the post they answer, so the thread is this telling's own: its
complaint opens a Case of its own (a seeded thread may hold older complaints, whose Case
it would join), and what later acts do to that Case concerns this customer only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from connectors.suitecrm import SuiteCRMClient
from plugin.sync.ids import INTERACTIONS, interaction_id, record_id
from socialcrm.demo_story.story import Person, Story, read

# The system's first polls of the sandbox Pages start with it and can hold both workers
# for a minute on a busy machine; the comments' webhooks wait behind them (seen in CI).
WAIT_SECONDS = 150.0
POST = "Our new Trail 2 tent is in the shops 🏕️ How was your first night in it?"
COMMENTS = (
    (Person("100000000000101", "Emily Carter"),
     "Just got the new tent and it's super comfy, love it! 😍"),
    (Person("100000000000102", "Ольга Смирнова"),
     "Отличная палатка, спасибо! Очень довольна покупкой 👍"),
    (Person("100000000000103", "王芳"), "质量很好，物流也快，非常满意！👍"),
    (Person("100000000000104", "Mark Jensen"),
     "My tent arrived broken and nobody answers my emails. I want a refund! 😡"),
)
LEAD_FORM = "7001"
LEAD_ANSWERS = {"full_name": "Lena Fischer", "email": "lena.fischer@example.org",
                "phone_number": "+49 30 1234567", "city": "Berlin"}


@dataclass(frozen=True, slots=True)
class Complaint:
    """The customer's complaint as SuiteCRM holds it, for the acts that answer it."""

    author: str
    comment_id: str
    post_id: str
    interaction_id: str
    case_id: str


def play(story: Story) -> Complaint | None:
    """Send the comments and the lead, print what SuiteCRM made of them; the complaint
    (None when it has no Case yet)."""
    page = story.page
    post_id = page.publish(POST, at=datetime.now(UTC))
    comment_ids = [page.comment(post_id, person, text) for person, text in COMMENTS]
    lead_id = page.lead(LEAD_FORM, LEAD_ANSWERS)
    story.say(f"demo: {len(COMMENTS)} comments and a lead sent to "
              f"{story.api_url}/webhooks/facebook")
    found = _report(story.crm(), comment_ids, lead_id, story)
    for comment_id, record in found.items():
        if record.get("sentiment_label") == "negative" and record.get("case_id"):
            return Complaint(str(record.get("author_name")), comment_id, post_id,
                             interaction_id("facebook", comment_id), str(record["case_id"]))
    return None


def _report(crm: SuiteCRMClient, comment_ids: list[str], lead_id: str,
            story: Story) -> dict[str, dict[str, Any]]:
    """Poll SuiteCRM until every comment is a record, the complaint has its Case and the
    lead its Lead (or time runs out), then print them. The ids are the sync's own
    derived ids, so each is one read."""
    deadline = time.monotonic() + WAIT_SECONDS
    found: dict[str, dict[str, Any]] = {}
    lead: dict[str, Any] | None = None
    while time.monotonic() < deadline:
        for comment_id in comment_ids:
            record = read(crm, INTERACTIONS, interaction_id("facebook", comment_id))
            if record is not None:
                found[comment_id] = record
        lead = read(crm, "Leads", record_id("Leads", "facebook", lead_id))
        complaints_open = all(r.get("case_id") for r in found.values()
                              if r.get("sentiment_label") == "negative")
        if len(found) == len(comment_ids) and complaints_open and lead is not None:
            break
        time.sleep(1.0)
    for comment_id in comment_ids:
        record = found.get(comment_id)
        if record is None:
            story.say(f"demo: comment {comment_id} has not reached SuiteCRM yet "
                      "(see `socialcrm jobs failed`)")
            continue
        case = " -> Case opened" if record.get("case_id") else ""
        story.say(f"demo: {record.get('author_name')}: {record.get('language') or '?'}, "
                  f"{record.get('sentiment_label') or 'unscored'}{case}")
    if lead is not None:
        story.say(f"demo: lead form -> Lead {lead.get('first_name')} {lead.get('last_name')}")
    return found
