"""Reading the day back: SuiteCRM's records, the managers' feeds, the API's answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from connectors.suitecrm import Filter, Record, SuiteCRMClient
from tests.mobile.conftest import Api
from tests.scenario.day import Day

INTERACTIONS = "SCRM_SocialInteractions"
FIELDS = ("external_id", "network", "kind", "direction", "status", "occurred_at",
          "sla_due_at", "first_response_at", "sentiment_score", "sentiment_label",
          "case_id", "profile_id", "assigned_user_id", "body")
Login = Callable[[str], dict[str, str]]


@dataclass(frozen=True)
class Stored:
    """The day's inbound interactions as SuiteCRM holds them, by external id."""

    records: dict[str, Record]

    def score(self, external_id: str) -> float | None:
        value = self.records[external_id].get("sentiment_score")
        return None if value in (None, "") else float(value)

    def scores(self) -> dict[str, float | None]:
        return {external_id: self.score(external_id) for external_id in self.records}

    def profile_of(self, person_key: str, day: Day) -> str:
        """The Social Profile the sync linked that person's items to (one for all)."""
        found = {str(self.records[item.external_id].get("profile_id") or "")
                 for item in day.inbound if item.person.key == person_key}
        assert len(found) == 1 and "" not in found, (person_key, found)
        return found.pop()


def read_inbound(crm: SuiteCRMClient, day: Day) -> Stored:
    """Every inbound interaction SuiteCRM holds: exactly one per planned item."""
    listed = list(crm.iterate(INTERACTIONS, filter=Filter.where(direction="inbound"),
                              fields=list(FIELDS), page_size=200))
    by_id = {str(record.get("external_id")): record for record in listed}
    assert len(by_id) == len(listed), "an item was written twice"
    assert set(by_id) == {item.external_id for item in day.inbound}
    return Stored(by_id)


def outbound_count(crm: SuiteCRMClient) -> int:
    return sum(1 for _ in crm.iterate(INTERACTIONS, filter=Filter.where(direction="outbound"),
                                      fields=["external_id"], page_size=200))


def alerts(api: Api, headers: dict[str, str]) -> list[dict[str, Any]]:
    """Every alert item of the caller's feed (through the API, page by page)."""
    found: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"type": "alert", "limit": 100}
        if cursor:
            params["cursor"] = cursor
        answer = api("GET", "/feed", headers=headers, params=params)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        found += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return found


def record_id(item: dict[str, Any]) -> str:
    """The record id in a feed item's id (``Module:id``)."""
    return str(item["id"]).partition(":")[2]


def wave_items(api: Api, headers: dict[str, str]) -> list[dict[str, Any]]:
    return [item for item in alerts(api, headers) if record_id(item).startswith("wave-")]


def breached(api: Api, headers: dict[str, str]) -> set[str]:
    """The interaction ids the caller's feed holds an SLA breach alert for."""
    prefix = "sla-breached-"
    return {record_id(item)[len(prefix):] for item in alerts(api, headers)
            if record_id(item).startswith(prefix)}


def get(api: Api, headers: dict[str, str], path: str, **params: Any) -> Any:
    answer = api("GET", path, headers=headers, params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()
