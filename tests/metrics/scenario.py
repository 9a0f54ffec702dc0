"""One known week of social activity, written into SuiteCRM with the service account.

The week is Monday 2 to Sunday 8 March 2026 (``PERIOD``, UTC). Every record's dates are
set explicitly (SuiteCRM keeps a ``date_entered`` it is given), so the figures follow
from this file alone; the expected figures below are worked out by hand from it.

Inbound interactions (UTC; S = Sally, M = Max, - = unassigned; C1, C2 the linked Case;
n: labelled negative; a deleted item counts nowhere):

| # | network  | kind    | occurred    | first response | SLA due      | score | more |
|---|----------|---------|-------------|----------------|--------------|-------|------|
| 1 | facebook | comment | 03-02 09:00 | 09:30 (30 min) | 10:00 met    | +0.5  | S |
| 2 | facebook | comment | 03-02 12:00 | 14:00 (2 h)    | 13:00 missed | -0.6n | S, C1 |
| 3 | facebook | message | 03-03 08:00 | none           | 09:00 missed | -0.2  | M, C2 |
| 4 | linkedin | comment | 03-04 10:00 | 10:10 (10 min) | none         | +0.8  | M |
| 5 | linkedin | post    | 03-05 11:00 | none           | none         | +0.1  | -, no answer due |
| 6 | facebook | reply   | 03-05 15:00 | none           | none         | -0.9n | S, hidden |
| 7 | facebook | comment | 03-06 09:00 | none           | none         | -1.0  | S, deleted |
| 8 | linkedin | comment | 03-06 23:30 | none           | 2099 pending | none  | S |
| 9 | facebook | comment | 03-09 00:00 | outside: the end is exclusive |
| 10| facebook | comment | 03-01 23:59 | outside: before the start |
| 11| facebook | comment | 03-02 09:30 | outbound (the Page's own): not inbound |

Cases: C1 (03-02 12:01, S) and C2 (03-03 08:01, M) are linked; C3 (03-04, S, an email
case nobody linked) is not a social Case. Leads: L1 "Facebook lead form Spring" (03-03,
S), L2 "LinkedIn lead form Q1" (03-05, -) count; L3 the same Facebook form as a test
lead, L4 a web lead, L5 a Facebook form lead of 03-10 do not.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from connectors.suitecrm import SuiteCRMClient

SALLY, MAX = "seed_sally_id", "seed_max_id"
PERIOD = "2026-03-02/2026-03-08"
_serial = itertools.count(1)


def at(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@dataclass(frozen=True)
class Week:
    interactions: dict[int, str]  # number in the table -> record id
    cases: dict[str, str]
    leads: dict[str, str]


def interaction(crm: SuiteCRMClient, network: str, kind: str, occurred: datetime, *,
                direction: str = "inbound", status: str = "new", **more: Any) -> str:
    serial = next(_serial)
    attributes = {"name": f"{network} {kind} {serial}", "network": network,
                  "external_id": f"metrics-{serial}-{occurred:%m%d%H%M}", "kind": kind,
                  "direction": direction, "status": status, "occurred_at": occurred,
                  **more}
    return crm.create("SCRM_SocialInteractions", attributes).id


def write_week(crm: SuiteCRMClient) -> Week:
    cases = {
        "C1": crm.create("Cases", {"name": "C1", "date_entered": at(3, 2, 12, 1),
                                   "assigned_user_id": SALLY}).id,
        "C2": crm.create("Cases", {"name": "C2", "date_entered": at(3, 3, 8, 1),
                                   "assigned_user_id": MAX}).id,
        "C3": crm.create("Cases", {"name": "C3 (email)", "date_entered": at(3, 4, 9),
                                   "assigned_user_id": SALLY}).id,
    }
    made = {
        1: interaction(crm, "facebook", "comment", at(3, 2, 9), status="responded",
                       first_response_at=at(3, 2, 9, 30), sla_due_at=at(3, 2, 10),
                       sentiment_score=0.5, sentiment_label="positive",
                       assigned_user_id=SALLY),
        2: interaction(crm, "facebook", "comment", at(3, 2, 12), status="responded",
                       first_response_at=at(3, 2, 14), sla_due_at=at(3, 2, 13),
                       sentiment_score=-0.6, sentiment_label="negative",
                       case_id=cases["C1"], assigned_user_id=SALLY),
        3: interaction(crm, "facebook", "message", at(3, 3, 8), status="assigned",
                       sla_due_at=at(3, 3, 9), sentiment_score=-0.2,
                       sentiment_label="neutral", case_id=cases["C2"], assigned_user_id=MAX),
        4: interaction(crm, "linkedin", "comment", at(3, 4, 10), status="responded",
                       first_response_at=at(3, 4, 10, 10), sentiment_score=0.8,
                       sentiment_label="positive", assigned_user_id=MAX),
        5: interaction(crm, "linkedin", "post", at(3, 5, 11), sentiment_score=0.1,
                       sentiment_label="neutral"),
        6: interaction(crm, "facebook", "reply", at(3, 5, 15), status="hidden",
                       sentiment_score=-0.9, sentiment_label="negative",
                       assigned_user_id=SALLY),
        7: interaction(crm, "facebook", "comment", at(3, 6, 9), status="deleted",
                       sentiment_score=-1, sentiment_label="negative",
                       assigned_user_id=SALLY),
        8: interaction(crm, "linkedin", "comment", at(3, 6, 23, 30), status="assigned",
                       sla_due_at=at(1, 1, year=2099), assigned_user_id=SALLY),
        9: interaction(crm, "facebook", "comment", at(3, 9), sentiment_score=-1,
                       assigned_user_id=SALLY),
        10: interaction(crm, "facebook", "comment", at(3, 1, 23, 59), sentiment_score=1,
                        assigned_user_id=SALLY),
        11: interaction(crm, "facebook", "comment", at(3, 2, 9, 30), direction="outbound",
                        assigned_user_id=SALLY),
    }
    leads = {
        "L1": _lead(crm, "Facebook lead form Spring", at(3, 3, 10), SALLY),
        "L2": _lead(crm, "LinkedIn lead form Q1", at(3, 5, 10)),
        "L3": _lead(crm, "Facebook lead form Spring (test lead)", at(3, 4, 10), SALLY),
        "L4": _lead(crm, "Web site form", at(3, 4, 11), SALLY),
        "L5": _lead(crm, "Facebook lead form Spring", at(3, 10, 10), SALLY),
    }
    return Week(made, cases, leads)


def _lead(crm: SuiteCRMClient, source: str, entered: datetime, user: str = "") -> str:
    attributes: dict[str, Any] = {"last_name": f"Lead {next(_serial)}",
                                  "lead_source": "Other",
                                  "lead_source_description": source,
                                  "date_entered": entered}
    if user:
        attributes["assigned_user_id"] = user
    return crm.create("Leads", attributes).id


# The expected figures, worked out by hand from the table above.
OVERALL_COUNTS = {"inbound": 7, "needs_answer": 5, "answered": 3, "unanswered": 2,
                  "complaints": 3, "cases_opened": 2, "social_leads": 2}
# Answered: 30 min, 2 h, 10 min -> sorted 600, 1800, 7200 s: median 1800, p90 (3rd of 3) 7200.
OVERALL_FIRST_RESPONSE = {"median_seconds": 1800.0, "p90_seconds": 7200.0}
# With a due time: #1 met, #2 missed (late), #3 missed (unanswered, overdue), #8 pending.
OVERALL_SLA = {"met": 1, "missed": 2, "pending": 1, "percent_met": 33.33}
# Complaints #2 (Case, negative), #3 (Case), #6 (negative, hidden: needs no answer).
OVERALL_COMPLAINTS_SLA = {"met": 0, "missed": 2, "pending": 0, "percent_met": 0.0}
# (0.5 - 0.6 - 0.2 + 0.8 + 0.1 - 0.9) / 6 = -0.05
OVERALL_SENTIMENT = {"average": -0.05, "scored": 6}
# 2 leads in 7 days, per 30 days: 8.571...
LEADS_PER_MONTH = 8.57

FACEBOOK_COUNTS = {"inbound": 4, "needs_answer": 3, "answered": 2, "unanswered": 1,
                   "complaints": 3, "cases_opened": 2, "social_leads": 1}
LINKEDIN_COUNTS = {"inbound": 3, "needs_answer": 2, "answered": 1, "unanswered": 1,
                   "complaints": 0, "cases_opened": 0, "social_leads": 1}
SALLY_COUNTS = {"inbound": 4, "needs_answer": 3, "answered": 2, "unanswered": 1,
                "complaints": 2, "cases_opened": 1, "social_leads": 1}
MAX_COUNTS = {"inbound": 2, "needs_answer": 2, "answered": 1, "unanswered": 1,
              "complaints": 1, "cases_opened": 1, "social_leads": 0}
UNASSIGNED_COUNTS = {"inbound": 1, "needs_answer": 0, "answered": 0, "unanswered": 0,
                     "complaints": 0, "cases_opened": 0, "social_leads": 1}
# Per UTC day: inbound per network, complaints, mean sentiment.
DAILY_UTC = [
    ("2026-03-02", {"facebook": 2, "linkedin": 0}, 1, -0.05),
    ("2026-03-03", {"facebook": 1, "linkedin": 0}, 1, -0.2),
    ("2026-03-04", {"facebook": 0, "linkedin": 1}, 0, 0.8),
    ("2026-03-05", {"facebook": 1, "linkedin": 1}, 1, -0.4),
    ("2026-03-06", {"facebook": 0, "linkedin": 1}, 0, None),
    ("2026-03-07", {"facebook": 0, "linkedin": 0}, 0, None),
    ("2026-03-08", {"facebook": 0, "linkedin": 0}, 0, None),
]
