"""The advocate ranking, read from SuiteCRM with the caller's own token.

Profiles are listed by ``advocate_score`` descending (scores above 0 only), filtered in
SuiteCRM by network and account. Discount seekers are left out here rather than in the
filter (a profile written before the flag existed holds NULL, which no SuiteCRM filter
matches), so the walk reads on until it has ``limit`` rows or ``MAX_PAGES`` pages:
SuiteCRM also drops rows the caller may not see after paging, so a page can be short.
Each row gets the components of its score that the last refresh kept in Redis
(``workers.advocates.Explanations``; null until a refresh has run since Redis was empty).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import redis

from connectors.suitecrm import Filter, Record, SuiteCRMClient
from plugin.advocates.facts import PROFILES, count_of, flag_of
from workers.advocates import Explanations

MAX_PAGES = 5
FIELDS = ("name", "display_name", "handle", "network", "profile_url", "followers",
          "advocate_score", "discount_seeker", "contact_id", "contact_name", "lead_id",
          "lead_name", "account_id", "account_name")


@dataclass(frozen=True, slots=True)
class AdvocateQuery:
    limit: int = 10
    network: str | None = None
    account_id: str | None = None
    include_discount_seekers: bool = False


def top_advocates(client: redis.Redis, crm: SuiteCRMClient,
                  query: AdvocateQuery) -> list[dict[str, Any]]:
    """The ranking's rows, highest score first (ties by profile id)."""
    conditions: dict[str, Any] = {"advocate_score__gt": 0}
    if query.network:
        conditions["network"] = query.network
    if query.account_id:
        conditions["account_id"] = query.account_id
    size = min(200, max(20, 2 * query.limit))
    chosen: list[Record] = []
    for number in range(1, MAX_PAGES + 1):
        page = crm.list(PROFILES, filter=Filter.where(**conditions), sort="-advocate_score",
                        fields=FIELDS, page_size=size, page=number)
        chosen += [r for r in page.records
                   if query.include_discount_seekers or not flag_of(r.get("discount_seeker"))]
        if len(chosen) >= query.limit or not page.has_next:
            break
    chosen.sort(key=lambda r: (-(count_of(r.get("advocate_score")) or 0), r.id))
    chosen = chosen[:query.limit]
    explained = Explanations(client).get_many(r.id for r in chosen)
    return [row(record, explained.get(record.id)) for record in chosen]


def row(record: Record, explanation: dict[str, Any] | None) -> dict[str, Any]:
    """One compact row (empty values as null)."""
    def text(name: str) -> str | None:
        return str(record.get(name) or "").strip() or None

    components = None
    if explanation is not None:
        components = {**explanation.get("components", {}),
                      "discount_terms": explanation.get("discount_terms", []),
                      "computed_at": explanation.get("computed_at")}
    return {
        "profile_id": record.id, "name": text("display_name") or text("name"),
        "handle": text("handle"), "network": text("network"),
        "profile_url": text("profile_url"), "followers": count_of(record.get("followers")),
        "score": count_of(record.get("advocate_score")) or 0,
        "discount_seeker": flag_of(record.get("discount_seeker")), "components": components,
        "contact_id": text("contact_id"), "contact_name": text("contact_name"),
        "lead_id": text("lead_id"), "lead_name": text("lead_name"),
        "account_id": text("account_id"), "account_name": text("account_name"),
    }

