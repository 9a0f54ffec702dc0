"""The inbox: what waits for the rep's answer, most urgent SLA first, with the time left
counted at each answer, paged with a keyset cursor, and nobody else's."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from connectors.suitecrm import SuiteCRMClient, parse_datetime
from tests.mobile.conftest import Api
from tests.records_api.helpers import SALLY, WILL, interaction, minute, ok, person
from workers.record_cache import invalidate


def whole_inbox(api: Api, headers: dict[str, str], limit: int = 50) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": limit}
    for _ in range(200):
        page = ok(api("GET", "/inbox", params=params, headers=headers))
        items.extend(page["items"])
        if page["next_cursor"] is None:
            return items
        params["cursor"] = page["next_cursor"]
    raise AssertionError("the cursor never ended")


@pytest.fixture()
def waiting(crm: SuiteCRMClient, tag: str) -> dict[str, str]:
    """Sally's interactions of this test: five waiting, five that are not."""
    now = minute(datetime.now(UTC))
    contact = person(crm, "Contacts", SALLY, tag, first_name="Olivia")

    def make(name: str, **fields: Any) -> str:
        fields.setdefault("occurred_at", now - timedelta(hours=1))
        return interaction(crm, fields.pop("owner", SALLY), body=f"{name} {tag} 😡",
                           **fields)

    return {
        "overdue": make("overdue", sla_due_at=now - timedelta(minutes=10), status="assigned",
                        contact_id=contact, sentiment_score=-0.8, sentiment_label="negative"),
        "soon": make("soon", sla_due_at=now + timedelta(minutes=5), author_name="Ana Gómez",
                     author_handle="@ana"),
        "later": make("later", sla_due_at=now + timedelta(hours=2), network="linkedin"),
        "no_sla_old": make("no_sla_old", occurred_at=now - timedelta(days=2)),
        "no_sla_new": make("no_sla_new", occurred_at=now - timedelta(minutes=3)),
        # not waiting for sally:
        "answered": make("answered", sla_due_at=now, status="responded"),
        "closed": make("closed", sla_due_at=now, status="closed"),
        "ours": make("ours", sla_due_at=now, direction="outbound"),
        "wills": make("wills", sla_due_at=now, owner=WILL),
        "first_response": make("first_response", sla_due_at=now, status="assigned",
                               first_response_at=now),
    }


def test_the_most_urgent_comes_first_and_time_left_counts_down(
        api: Api, sally_headers: dict[str, str], waiting: dict[str, str],
        crm: SuiteCRMClient) -> None:
    before = datetime.now(UTC)
    items = whole_inbox(api, sally_headers)
    after = datetime.now(UTC)
    by_id = {item["id"]: item for item in items}
    names = {record: name for name, record in waiting.items()}
    mine = [names[item["id"]] for item in items if item["id"] in names]
    assert mine == ["overdue", "soon", "later", "no_sla_old", "no_sla_new"]
    dues = [item["sla_due_at"] for item in items if item["sla_due_at"]]
    assert dues == sorted(dues) and all(i["sla_due_at"] is None for i in items[len(dues):])
    for name in ("overdue", "soon", "later"):
        item = by_id[waiting[name]]
        due = parse_datetime(item["sla_due_at"])
        assert due is not None
        assert (due - after).total_seconds() - 1 <= item["time_left_seconds"] \
            <= (due - before).total_seconds()
    assert by_id[waiting["overdue"]]["time_left_seconds"] < 0
    assert by_id[waiting["no_sla_old"]]["time_left_seconds"] is None
    overdue = by_id[waiting["overdue"]]
    assert (overdue["customer_module"], overdue["customer_name"], overdue["sentiment_label"],
            overdue["sentiment_score"]) == ("Contacts", crm.get(
                "Contacts", overdue["customer_id"])["name"], "negative", -0.8)
    soon = by_id[waiting["soon"]]
    assert (soon["customer_module"], soon["customer_name"], soon["author_handle"]) == (
        None, "Ana Gómez", "@ana")
    assert soon["body"].endswith("😡") and by_id[waiting["later"]]["network"] == "linkedin"


def test_time_left_is_counted_at_each_answer_even_from_the_cache(
        api: Api, sally_headers: dict[str, str], waiting: dict[str, str]) -> None:
    first = {i["id"]: i["time_left_seconds"] for i in whole_inbox(api, sally_headers)}
    time.sleep(1.1)
    second = {i["id"]: i["time_left_seconds"] for i in whole_inbox(api, sally_headers)}
    assert second[waiting["soon"]] < first[waiting["soon"]]


def test_pages_follow_each_other_without_gaps_or_repeats(
        api: Api, sally_headers: dict[str, str], waiting: dict[str, str]) -> None:
    everything = whole_inbox(api, sally_headers)
    paged = whole_inbox(api, sally_headers, limit=2)
    assert [i["id"] for i in paged] == [i["id"] for i in everything]
    first = ok(api("GET", "/inbox", params={"limit": 2}, headers=sally_headers))
    assert first["total"] == len(everything) >= 5 and first["overdue"] >= 1


def test_an_answered_interaction_leaves_the_inbox_and_the_page_after_it_holds(
        api: Api, crm: SuiteCRMClient, sally_headers: dict[str, str],
        waiting: dict[str, str]) -> None:
    first = ok(api("GET", "/inbox", params={"limit": 1}, headers=sally_headers))
    head = first["items"][0]["id"]
    crm.update("SCRM_SocialInteractions", head, {"status": "responded"})
    invalidate(api.redis, SALLY, "SCRM_SocialInteractions", head)  # the reply's worker
    rest = ok(api("GET", "/inbox", params={"limit": 50, "cursor": first["next_cursor"]},
                  headers=sally_headers))
    assert head not in [i["id"] for i in rest["items"]] and rest["items"]
    assert head not in [i["id"] for i in whole_inbox(api, sally_headers)]


def test_other_reps_see_none_of_it(api: Api, waiting: dict[str, str],
                                   will_headers: dict[str, str]) -> None:
    wills = [i["id"] for i in whole_inbox(api, will_headers)]
    assert waiting["wills"] in wills
    assert not set(wills) & (set(waiting.values()) - {waiting["wills"]})


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 51}, {"cursor": "e30"},
                                    {"cursor": "nonsense!"}])
def test_bad_parameters_are_field_errors(api: Api, sally_headers: dict[str, str],
                                         params: dict[str, Any]) -> None:
    answer = api("GET", "/inbox", params=params, headers=sally_headers)
    assert answer.status_code == 422
    assert list(answer.json()["errors"]["query"]) == list(params)


def test_a_search_cursor_does_not_continue_the_inbox(
        api: Api, crm: SuiteCRMClient, sally_headers: dict[str, str], tag: str) -> None:
    for n in range(2):
        person(crm, "Contacts", SALLY, f"{tag}{n}")
    search = ok(api("GET", "/records/contacts", params={"q": tag, "limit": 1},
                    headers=sally_headers))
    answer = api("GET", "/inbox", params={"cursor": search["next_cursor"]},
                 headers=sally_headers)
    assert answer.status_code == 422 and "cursor" in answer.json()["errors"]["query"]
