"""Metrics from SuiteCRM: read the facts of a period, summarise them, cache briefly; goals.

Who reads: the caller's own SuiteCRM client. The mobile API passes the rep's (SuiteCRM's
roles decide what each caller's figures cover: a manager who may see everyone's records
gets everyone's figures, a rep whose role shows only their own records gets theirs);
``socialcrm report`` passes the service account's (everything).

What is read, three lists per query (offset pages of ``PAGE_SIZE``, sorted by id so the
pages do not shift):

* inbound ``SCRM_SocialInteractions`` with ``occurred_at`` in the period;
* ``Cases`` with ``date_entered`` in the period (the summary keeps those a social
  interaction is linked to);
* ``Leads`` with ``date_entered`` in the period and "lead form" in
  ``lead_source_description`` (the sync's mark; ``plugin.metrics.records``).

``network`` narrows the interactions (and so the Cases linked to them) and the leads;
``user_id`` narrows all three to one assignee.

Cache: a computed summary (without goals, which are applied on every answer) is kept per
caller and query for ``CACHE_SECONDS`` in the callers' record cache
(``workers.record_cache``): a dashboard reloaded every few seconds asks SuiteCRM once a
minute, and a rep's own write to an interaction, Case or Lead drops it at once.

Goals: one JSON document in Redis (``GOALS_KEY``), validated on the way in and out; a
stored document that no longer validates is logged and read as "no goals", so the
figures still answer.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import redis

from connectors.errors import PermissionDeniedError
from connectors.suitecrm import Filter, Record, SuiteCRMClient
from plugin.metrics import (
    CASE_FIELDS,
    INTERACTION_FIELDS,
    LEAD_FIELDS,
    Facts,
    Goals,
    GoalsError,
    Period,
    case_from,
    interaction_from,
    parse_period,
    social_lead_from,
    summarise,
    with_goals,
    zone_named,
)
from workers.record_cache import RecordCache, Tag

log = logging.getLogger(__name__)
INTERACTIONS = "SCRM_SocialInteractions"
GOALS_KEY = "socialcrm:metrics:goals"
CACHE_SECONDS = 60
PAGE_SIZE = 500
LEAD_MARK = "%lead form%"
CACHE_TAGS = (Tag(INTERACTIONS), Tag("Cases"), Tag("Leads"))


@dataclass(frozen=True, slots=True)
class MetricsQuery:
    """What a caller asks for: a period as written (``30d``, ``<start>/<end>``), the
    zone of its days, and optional network and assignee filters."""

    period: str = "30d"
    time_zone: str = "UTC"
    network: str | None = None
    user_id: str | None = None

    def resolve(self, now: datetime) -> Period:
        """The period this query names at ``now`` (``PeriodError`` when unreadable)."""
        return parse_period(self.period, now=now, zone=zone_named(self.time_zone))

    def cache_key(self) -> list[str | None]:
        return ["metrics", self.period.strip(), self.time_zone, self.network, self.user_id]


def collect(crm: SuiteCRMClient, period: Period, *, network: str | None = None,
            user_id: str | None = None) -> Facts:
    """The facts of ``period`` that ``crm``'s user may see (see the module doc). A module
    the user's role closes altogether is named in ``Facts.unreadable``, not an error: the
    figures cover what the caller may see."""
    window = {"date_entered__gte": period.start, "date_entered__lt": period.end}
    mine = {"assigned_user_id": user_id} if user_id else {}
    interactions = Filter.where(direction="inbound", occurred_at__gte=period.start,
                                occurred_at__lt=period.end, **mine,
                                **({"network": network} if network else {}))
    leads = Filter.where(**window, lead_source_description__like=LEAD_MARK, **mine)
    unreadable: list[str] = []
    found_interactions = [interaction_from(r) for r in _read(
        crm, INTERACTIONS, interactions, INTERACTION_FIELDS, unreadable)]
    found_cases = [case_from(r) for r in _read(
        crm, "Cases", Filter.where(**window, **mine), CASE_FIELDS, unreadable)]
    found_leads = [social_lead_from(r) for r in _read(
        crm, "Leads", leads, LEAD_FIELDS, unreadable)]
    return Facts(
        interactions=tuple(item for item in found_interactions if item is not None),
        cases=tuple(case for case in found_cases if case is not None),
        leads=tuple(lead for lead in found_leads
                    if lead is not None and (network is None or lead.network == network)),
        unreadable=tuple(unreadable))


def _read(crm: SuiteCRMClient, module: str, where: Filter, fields: tuple[str, ...],
          unreadable: list[str]) -> list[Record]:
    """Every matching record once (a record seen on two pages while others change is
    kept once); none, and ``module`` added to ``unreadable``, when the role closes it."""
    found: dict[str, Record] = {}
    try:
        for record in crm.iterate(module, filter=where, fields=list(fields), sort="id",
                                  page_size=PAGE_SIZE):
            found.setdefault(record.id, record)
    except PermissionDeniedError:
        unreadable.append(module)
        return []
    return list(found.values())


def compute(crm: SuiteCRMClient, query: MetricsQuery, *, now: datetime | None = None
            ) -> dict[str, Any]:
    """The summary JSON of ``query`` as ``crm``'s user sees it (no goals, no cache)."""
    moment = now or datetime.now(UTC)
    period = query.resolve(moment)
    facts = collect(crm, period, network=query.network, user_id=query.user_id)
    return summarise(facts, period, now=moment,
                     networks=[query.network] if query.network else None)


def cached_summary(client: redis.Redis, viewer_id: str, query: MetricsQuery,
                   read: Callable[[], dict[str, Any]], *,
                   ttl: int = CACHE_SECONDS) -> dict[str, Any]:
    """``read()``'s summary for ``viewer_id`` and ``query``, from the cache while fresh."""
    cache = RecordCache(client, viewer_id, ttl=ttl)
    answer: dict[str, Any] = cache.answer(query.cache_key(), CACHE_TAGS, read)
    return answer


def metrics(client: redis.Redis | None, crm: SuiteCRMClient, query: MetricsQuery, *,
            viewer_id: str | None = None, now: datetime | None = None) -> dict[str, Any]:
    """The full answer: the summary (cached per ``viewer_id`` when one is given) judged
    against the stored goals (none without Redis)."""
    def read() -> dict[str, Any]:
        return compute(crm, query, now=now)

    summary = (cached_summary(client, viewer_id, query, read)
               if client is not None and viewer_id else read())
    goals = GoalStore(client).get() if client is not None else Goals()
    return with_goals(summary, goals)


class GoalStore:
    """The admin's goals, one JSON document in Redis."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    def get(self) -> Goals:
        raw = self.client.get(GOALS_KEY)
        if not raw:
            return Goals()
        try:
            data = json.loads(raw)
            if not isinstance(data, dict):
                raise GoalsError({"goals": "not a JSON object"})
            return Goals.from_json(data)
        except (ValueError, UnicodeDecodeError) as exc:
            log.error("the stored goals are not valid, showing none until an admin sets "
                      "them again: %s", exc)
            return Goals()

    def put(self, goals: Goals, *, updated_by: str, now: datetime | None = None) -> Goals:
        """Replace the goals; answers them as stored (with who and when)."""
        stamped = replace(goals, updated_by=updated_by,
                          updated_at=(now or datetime.now(UTC)).astimezone(UTC).isoformat())
        self.client.set(GOALS_KEY, json.dumps(stamped.to_json(), ensure_ascii=False))
        return stamped
