"""Which inbound interactions wait for an answer, and by when.

Not every comment needs one: praise and a thumbs-up do not, and counting them would bury
the real waiting time under instant "nothing to do" figures. An interaction needs an answer
when it is a private message, a complaint (the Case rules' trigger: a negative score or a
complaint keyword), or a question (a question mark in any script: ``?``, ``？``, ``¿``).
Posts, lead forms and what the Page or organization wrote itself never do.

Its SLA due time comes from the SLA policy by kind and network (no Case, no priority yet);
a Case opened for it later may set an earlier one. The due time is written with the
interaction's own create (no call of its own) and never overwritten by a later edit of
the text (``plugin.sync.interactions.SET_ONCE``).
"""

from __future__ import annotations

from datetime import datetime

from plugin.sync.case_policy import CasePolicy
from plugin.sync.complaints import SentimentReading, case_trigger
from plugin.sync.items import SocialItem
from plugin.sync.sla import sla_due_at

ANSWERED_KINDS = frozenset({"comment", "reply", "message"})
QUESTION_MARKS = ("?", "？", "¿", "⁇")


def needs_answer(item: SocialItem, sentiment: SentimentReading | None,
                 policy: CasePolicy) -> bool:
    """Whether the customer waits for the company (see the module docstring)."""
    if item.direction != "inbound" or item.kind not in ANSWERED_KINDS or not item.body:
        return False
    if item.kind == "message" or any(mark in item.body for mark in QUESTION_MARKS):
        return True
    return case_trigger(item.body, item.kind, sentiment, policy.complaints,
                        direction=item.direction) is not None


def answer_due(item: SocialItem, policy: CasePolicy) -> datetime:
    """When the first answer is due (aware UTC, whole minutes)."""
    return sla_due_at(item.occurred_at, priority="", kind=item.kind, policy=policy.sla,
                      network=str(item.network))
