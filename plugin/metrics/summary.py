"""Everything a metrics answer or a report shows, computed once from the facts.

``summarise`` takes what was read from SuiteCRM and answers plain JSON (the mobile API
returns it, the report draws it, the CSV lists it: one computation, so the three always
agree). Numbers are rounded here, once, for the same reason.

Breakdowns:

* **per network**: every known network (Facebook, LinkedIn) plus any other seen, or only
  the ones the caller names (a network filter);
* **per team member**: the SuiteCRM user each item is assigned to (an interaction's and
  a lead's ``assigned_user_id``, a Case's own assignee), unassigned items as one row
  without a user id. A Case counts for the network of the earliest interaction of the
  period linked to it;
* **per day** (in the period's zone): inbound volume per network, complaints, and the
  mean sentiment (the trend).

Cases come in as every Case SuiteCRM created in the period; only those a social
interaction of the period is linked to count as "opened" here (a Case opened from an
email is no social Case).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from plugin.metrics import stats
from plugin.metrics.figures import Figures, SlaTally, figures
from plugin.metrics.goals import Goals, actuals, compare
from plugin.metrics.period import Period
from plugin.metrics.records import CaseOpened, Interaction, SocialLead
from plugin.sync.lead_mapping import NETWORK_NAMES

KNOWN_NETWORKS = tuple(NETWORK_NAMES)


@dataclass(frozen=True, slots=True)
class Facts:
    """What was read for one query: inbound interactions written in the period, Cases
    created in it, social leads created in it; ``unreadable`` names the modules the
    reader's SuiteCRM role closes (their figures are zero because they are unseen)."""

    interactions: tuple[Interaction, ...] = ()
    cases: tuple[CaseOpened, ...] = ()
    leads: tuple[SocialLead, ...] = ()
    unreadable: tuple[str, ...] = ()


def summarise(facts: Facts, period: Period, *, now: datetime,
              networks: Sequence[str] | None = None) -> dict[str, Any]:
    """The JSON summary (see the module doc); ``networks`` limits the network rows."""
    interactions = [item for item in facts.interactions
                    if item.counted and period.contains(item.occurred_at)]
    case_network = _case_networks(interactions)
    cases = [case for case in facts.cases
             if case.id in case_network and period.contains(case.opened_at)]
    leads = [lead for lead in facts.leads if period.contains(lead.created_at)]
    shown = list(networks) if networks is not None else _networks(interactions, leads)

    def block(*, network: str | None = None, user: str | None = None) -> dict[str, Any]:
        found = figures(
            [i for i in interactions if _owned(i.network, i.assigned_user_id, network, user)],
            [c for c in cases
             if _owned(case_network[c.id], c.assigned_user_id, network, user)],
            [lead for lead in leads
             if _owned(lead.network, lead.assigned_user_id, network, user)],
            now=now)
        return figures_json(found, period)

    by_network = [{"network": network, **block(network=network)} for network in shown]
    by_team = [{"user_id": user_id or None, "user_name": name, **block(user=user_id)}
               for user_id, name in _team(interactions, cases, leads)]
    return {
        "period": {"label": period.label, "start": _iso(period.start),
                   "end": _iso(period.end), "time_zone": period.zone.key},
        "generated_at": _iso(now),
        "unreadable_modules": sorted(facts.unreadable),
        "overall": block(),
        "by_network": by_network,
        "by_team": by_team,
        "daily": _daily(interactions, period, shown),
    }


def with_goals(summary: Mapping[str, Any], goals: Goals) -> dict[str, Any]:
    """``summary`` with each figures block's ``actuals`` turned into goal rows, and the
    goals themselves on top (cheap: done on every answer, so a new goal shows at once)."""
    def judged(block: Mapping[str, Any]) -> dict[str, Any]:
        rest = {key: value for key, value in block.items() if key != "actuals"}
        return {**rest, "goals": compare(goals, block.get("actuals") or {})}

    return {**summary, "goals": goals.to_json(),
            "overall": judged(summary["overall"]),
            "by_network": [judged(row) for row in summary["by_network"]],
            "by_team": [judged(row) for row in summary["by_team"]]}


def figures_json(found: Figures, period: Period) -> dict[str, Any]:
    return {
        "counts": {"inbound": found.inbound, "needs_answer": found.needs_answer,
                   "answered": found.answered, "unanswered": found.unanswered,
                   "complaints": found.complaints, "cases_opened": found.cases_opened,
                   "social_leads": found.social_leads},
        "first_response": {"median_seconds": _round(found.median_response_seconds, 1),
                           "p90_seconds": _round(found.p90_response_seconds, 1)},
        "sla": _sla_json(found.sla),
        "complaints_sla": _sla_json(found.complaints_sla),
        "sentiment": {"average": _round(found.average_sentiment, 4), "scored": found.scored},
        "actuals": {key: _round(value, 4 if key == "average_sentiment" else 2)
                    for key, value in actuals(found, period).items()},
    }


def _sla_json(tally: SlaTally) -> dict[str, Any]:
    return {"met": tally.met, "missed": tally.missed, "pending": tally.pending,
            "percent_met": _round(tally.percent_met, 2)}


def _daily(interactions: Sequence[Interaction], period: Period,
           networks: Sequence[str]) -> list[dict[str, Any]]:
    volume: dict[date, Counter[str]] = defaultdict(Counter)
    complaints: Counter[date] = Counter()
    scores: dict[date, list[float]] = defaultdict(list)
    for item in interactions:
        day = period.day_of(item.occurred_at)
        volume[day][item.network] += 1
        complaints[day] += item.is_complaint
        if item.sentiment_score is not None:
            scores[day].append(item.sentiment_score)
    return [{"date": day.isoformat(), "inbound": sum(volume[day].values()),
             "inbound_by_network": {network: volume[day][network] for network in networks},
             "complaints": complaints[day],
             "average_sentiment": _round(stats.mean(scores[day]), 4),
             "scored": len(scores[day])}
            for day in period.days()]


def _case_networks(interactions: Iterable[Interaction]) -> dict[str, str]:
    """Case id -> the network of the earliest interaction linked to it."""
    found: dict[str, tuple[datetime, str]] = {}
    for item in interactions:
        if item.case_id and item.counted:
            earlier = found.get(item.case_id)
            if earlier is None or item.occurred_at < earlier[0]:
                found[item.case_id] = (item.occurred_at, item.network)
    return {case_id: network for case_id, (_, network) in found.items()}


def _networks(interactions: Iterable[Interaction], leads: Iterable[SocialLead]) -> list[str]:
    seen = {item.network for item in interactions if item.network} | {
        lead.network for lead in leads}
    return [*KNOWN_NETWORKS, *sorted(seen - set(KNOWN_NETWORKS))]


def _team(interactions: Sequence[Interaction], cases: Sequence[CaseOpened],
          leads: Sequence[SocialLead]) -> list[tuple[str, str | None]]:
    """(user id, name) of everyone with an item, the busiest first, unassigned last."""
    load: Counter[str] = Counter()
    names: dict[str, str] = {}
    owners = [(o.assigned_user_id, o.assigned_user_name) for o in interactions]
    owners += [(o.assigned_user_id, o.assigned_user_name) for o in cases]
    owners += [(o.assigned_user_id, o.assigned_user_name) for o in leads]
    for user, name in owners:
        load[user] += 1
        if name:
            names.setdefault(user, name)
    ordered = sorted(load, key=lambda user: (user == "", -load[user], names.get(user, user)))
    return [(user, names.get(user) if user else None) for user in ordered]


def _owned(item_network: str, item_user: str, network: str | None,
           user: str | None) -> bool:
    """Whether an item belongs to the group of ``network`` and ``user`` (None: any)."""
    return (network is None or item_network == network) and (user is None
                                                              or item_user == user)


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _iso(moment: datetime) -> str:
    return moment.isoformat()
