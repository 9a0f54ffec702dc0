"""The figures of one group of facts (everything, one network, one team member).

Definitions (the facts' own are in ``plugin.metrics.records``):

* **inbound**: inbound interactions written in the period (deleted ones not counted);
* **answered / unanswered**: of those that need an answer, with or without a
  ``first_response_at``;
* **first-response time**: ``first_response_at - occurred_at`` of the answered ones;
  median and nearest-rank p90 (``plugin.metrics.stats``), in seconds. Unanswered ones have
  no time yet: they show in ``unanswered`` and, once overdue, as missed SLAs;
* **SLA**: over the items that need an answer and have an ``sla_due_at``. Met: answered at
  or before the due time. Missed: answered after it, or unanswered while the due time has
  passed. Pending: unanswered and not yet due; pending items are left out of the percent
  met, which is ``met / (met + missed)``;
* **complaints answered within SLA**: the same, over complaints only;
* **average sentiment**: the mean ``sentiment_score`` (-1 to 1) of the inbound items
  that have one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from plugin.metrics import stats
from plugin.metrics.records import CaseOpened, Interaction, SocialLead

SlaOutcome = Literal["met", "missed", "pending"]


@dataclass(frozen=True, slots=True)
class SlaTally:
    met: int = 0
    missed: int = 0
    pending: int = 0

    @property
    def percent_met(self) -> float | None:
        return stats.share(self.met, self.met + self.missed)


@dataclass(frozen=True, slots=True)
class Figures:
    inbound: int
    needs_answer: int
    answered: int
    complaints: int
    cases_opened: int
    social_leads: int
    median_response_seconds: float | None
    p90_response_seconds: float | None
    sla: SlaTally
    complaints_sla: SlaTally
    average_sentiment: float | None
    scored: int

    @property
    def unanswered(self) -> int:
        return self.needs_answer - self.answered


def sla_outcome(item: Interaction, now: datetime) -> SlaOutcome | None:
    """Met, missed or pending; None when the item has no SLA (or needs no answer)."""
    if not item.needs_answer or item.sla_due_at is None:
        return None
    if item.first_response_at is not None:
        return "met" if item.first_response_at <= item.sla_due_at else "missed"
    return "missed" if item.sla_due_at < now else "pending"


def tally(items: Iterable[Interaction], now: datetime) -> SlaTally:
    counts = {"met": 0, "missed": 0, "pending": 0}
    for item in items:
        outcome = sla_outcome(item, now)
        if outcome is not None:
            counts[outcome] += 1
    return SlaTally(**counts)


def figures(interactions: Sequence[Interaction], cases: Sequence[CaseOpened],
            leads: Sequence[SocialLead], *, now: datetime) -> Figures:
    """The figures of one group (the caller has already kept only its facts)."""
    counted = [item for item in interactions if item.counted]
    waiting = [item for item in counted if item.needs_answer]
    times = [seconds for item in waiting
             if (seconds := item.response_seconds) is not None]
    complaints = [item for item in counted if item.is_complaint]
    scores = [item.sentiment_score for item in counted if item.sentiment_score is not None]
    return Figures(
        inbound=len(counted), needs_answer=len(waiting), answered=len(times),
        complaints=len(complaints), cases_opened=len(cases), social_leads=len(leads),
        median_response_seconds=stats.median(times),
        p90_response_seconds=stats.percentile(times, 90),
        sla=tally(waiting, now), complaints_sla=tally(complaints, now),
        average_sentiment=stats.mean(scores), scored=len(scores))
