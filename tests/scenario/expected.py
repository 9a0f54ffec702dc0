"""The day's figures worked out from the plan alone, as a manager would redo them by hand.

Written apart from ``plugin.metrics`` on purpose: the same definitions (docs/reports.md),
not the same code. The only thing read back from SuiteCRM is each item's sentiment score:
the scorer decides it, and the scenario checks its labels separately against the plan.

* inbound: every planned inbound item; needs an answer: comments and messages, plus
  anything with a due time; answered: those the Page answered;
* first response: ``answered_at - at`` in seconds, median (mean of the middle two of an
  even count) and nearest-rank p90;
* SLA: over items with a due time: met when answered by it, missed when answered later or
  unanswered once it passed, else pending; percent met of met + missed;
* complaints: the items that open a Case (complaints, the wave, private messages);
  Cases: one per Facebook or LinkedIn thread with complaints, one per private message
  (every complainer complains once, so no Case is joined across threads by person);
* social leads: the lead forms (the sandbox SuiteCRM knows none of their people).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from tests.scenario.day import Inbound

Scores = Mapping[str, float | None]  # external id -> the sentiment score SuiteCRM holds
NETWORKS = ("facebook", "linkedin")


def needs_answer(item: Inbound) -> bool:
    return item.kind in ("comment", "message") or item.due is not None


def response_seconds(item: Inbound) -> float | None:
    if item.answered_at is None or not needs_answer(item):
        return None
    return (item.answered_at - item.at).total_seconds()


def sla_outcome(item: Inbound, now: datetime) -> str | None:
    due = item.due
    if due is None or not needs_answer(item):
        return None
    if item.answered_at is not None:
        return "met" if item.answered_at <= due else "missed"
    return "missed" if due < now else "pending"


def sla_block(items: Iterable[Inbound], now: datetime) -> dict[str, Any]:
    outcomes = [sla_outcome(item, now) for item in items]
    met, missed = outcomes.count("met"), outcomes.count("missed")
    percent = None if met + missed == 0 else round(100 * met / (met + missed), 2)
    return {"met": met, "missed": missed, "pending": outcomes.count("pending"),
            "percent_met": percent}


def median(values: Sequence[float]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    half = len(ordered) // 2
    return float(ordered[half]) if len(ordered) % 2 else (ordered[half - 1] + ordered[half]) / 2


def p90(values: Sequence[float]) -> float | None:
    ordered = sorted(values)
    return float(ordered[math.ceil(0.9 * len(ordered)) - 1]) if ordered else None


def cases_of(items: Iterable[Inbound]) -> set[tuple[str, str]]:
    return {(item.network, item.thread or item.external_id) for item in items
            if item.opens_case}


def block(items: Sequence[Inbound], scores: Scores, now: datetime) -> dict[str, Any]:
    """One group's figures, shaped as ``GET /api/v1/metrics`` answers them."""
    waiting = [item for item in items if needs_answer(item)]
    times = [s for item in waiting if (s := response_seconds(item)) is not None]
    complaints = [item for item in items if item.opens_case]
    scored = [score for item in items if (score := scores[item.external_id]) is not None]
    return {
        "counts": {"inbound": len(items), "needs_answer": len(waiting),
                   "answered": len(times), "unanswered": len(waiting) - len(times),
                   "complaints": len(complaints), "cases_opened": len(cases_of(items)),
                   "social_leads": sum(item.role == "lead" for item in items)},
        "first_response": {"median_seconds": _round(median(times), 1),
                           "p90_seconds": _round(p90(times), 1)},
        "sla": sla_block(waiting, now),
        "complaints_sla": sla_block(complaints, now),
        "sentiment": {"average": _round(math.fsum(scored) / len(scored), 4) if scored
                      else None, "scored": len(scored)},
    }


def by_network(items: Sequence[Inbound], scores: Scores,
               now: datetime) -> dict[str, dict[str, Any]]:
    return {network: block([i for i in items if i.network == network], scores, now)
            for network in NETWORKS}


def daily(items: Sequence[Inbound], scores: Scores) -> dict[str, dict[str, Any]]:
    """Per UTC day: inbound per network, complaints, mean sentiment."""
    days: dict[str, list[Inbound]] = {}
    for item in items:
        days.setdefault(item.at.date().isoformat(), []).append(item)
    found = {}
    for date, group in sorted(days.items()):
        scored = [s for item in group if (s := scores[item.external_id]) is not None]
        found[date] = {
            "inbound_by_network": {n: sum(i.network == n for i in group) for n in NETWORKS},
            "complaints": sum(item.opens_case for item in group),
            "average_sentiment": _round(math.fsum(scored) / len(scored), 4) if scored
            else None}
    return found


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)

