"""``GET /api/v1/metrics`` and ``GET|PUT /api/v1/goals`` over HTTP, on a known week of
records in the SuiteCRM sandbox: the figures, the goals, who may set them, what each
caller's SuiteCRM role lets their figures cover, bad arguments, and the cache."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from connectors.suitecrm import SuiteCRMClient
from sandboxes.suitecrm import SuiteCRMSandbox
from tests.metrics import scenario
from tests.metrics.scenario import MAX, PERIOD, SALLY, Week, at, interaction
from tests.mobile.conftest import Api
from workers.record_cache import invalidate

Login = Callable[[str], dict[str, str]]


def get_metrics(api: Api, headers: dict[str, str], **query: str) -> dict[str, Any]:
    answer = api("GET", "/metrics", headers=headers, params={"period": PERIOD, **query})
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def by(rows: list[dict[str, Any]], key: str) -> dict[Any, dict[str, Any]]:
    return {row[key]: row for row in rows}


def test_the_weeks_figures_overall_per_network_per_team_and_per_day(api: Api, week: Week,
                                                                    login: Login):
    answer = get_metrics(api, login("admin"))
    overall = answer["overall"]
    assert overall["counts"] == scenario.OVERALL_COUNTS
    assert overall["first_response"] == scenario.OVERALL_FIRST_RESPONSE
    assert overall["sla"] == scenario.OVERALL_SLA
    assert overall["complaints_sla"] == scenario.OVERALL_COMPLAINTS_SLA
    assert overall["sentiment"] == scenario.OVERALL_SENTIMENT
    networks = by(answer["by_network"], "network")
    assert list(networks) == ["facebook", "linkedin"]
    assert networks["facebook"]["counts"] == scenario.FACEBOOK_COUNTS
    assert networks["linkedin"]["counts"] == scenario.LINKEDIN_COUNTS
    assert networks["facebook"]["first_response"] == {"median_seconds": 4500.0,
                                                      "p90_seconds": 7200.0}
    assert networks["linkedin"]["sla"] == {"met": 0, "missed": 0, "pending": 1,
                                           "percent_met": None}
    assert networks["linkedin"]["sentiment"] == {"average": 0.45, "scored": 2}
    team = by(answer["by_team"], "user_id")
    assert list(team) == [SALLY, MAX, None]
    assert team[SALLY]["user_name"] == "Sally Bronsen"
    assert team[SALLY]["counts"] == scenario.SALLY_COUNTS
    assert team[SALLY]["sla"]["percent_met"] == 50.0
    assert team[MAX]["counts"] == scenario.MAX_COUNTS
    assert team[None]["counts"] == scenario.UNASSIGNED_COUNTS
    assert [(d["date"], d["inbound_by_network"], d["complaints"], d["average_sentiment"])
            for d in answer["daily"]] == scenario.DAILY_UTC
    assert answer["period"] == {"label": PERIOD, "start": "2026-03-02T00:00:00+00:00",
                                "end": "2026-03-09T00:00:00+00:00", "time_zone": "UTC"}


def test_filters_and_time_zone(api: Api, week: Week, login: Login):
    admin = login("admin")
    linkedin = get_metrics(api, admin, network="linkedin")
    assert linkedin["overall"]["counts"] == scenario.LINKEDIN_COUNTS
    assert [row["network"] for row in linkedin["by_network"]] == ["linkedin"]
    maxs = get_metrics(api, admin, user=MAX)
    assert maxs["overall"]["counts"] == scenario.MAX_COUNTS
    # In Tokyo the week starts 2 March 00:00 JST = 1 March 15:00 UTC: interaction 10
    # (1 March 23:59 UTC) is in; 9 (9 March 00:00 UTC = 09:00 JST) is out; 8 (6 March
    # 23:30 UTC) falls on Saturday the 7th.
    tokyo = get_metrics(api, admin, tz="Asia/Tokyo")
    assert tokyo["overall"]["counts"]["inbound"] == scenario.OVERALL_COUNTS["inbound"] + 1
    days = {d["date"]: d["inbound_by_network"] for d in tokyo["daily"]}
    assert days["2026-03-07"] == {"facebook": 0, "linkedin": 1}
    assert days["2026-03-02"]["facebook"] == 3


def test_goals_are_set_by_an_admin_and_judged_everywhere(api: Api, week: Week, login: Login):
    admin, sally = login("admin"), login("sally")
    empty = api("GET", "/goals", headers=sally)
    assert empty.status_code == 200
    assert empty.json()["sla_percent_met"] is None and empty.json()["updated_by"] is None
    goals = {"median_first_response_minutes": 45, "sla_percent_met": 30,
             "social_leads_per_month": 10, "average_sentiment": 0}
    refused = api("PUT", "/goals", headers=sally, json=goals)
    assert refused.status_code == 403
    assert refused.json()["message"] == "only SuiteCRM administrators set goals"
    assert api("GET", "/goals", headers=sally).json()["sla_percent_met"] is None
    stored = api("PUT", "/goals", headers=admin, json=goals)
    assert stored.status_code == 200, stored.text
    assert stored.json()["updated_by"] == "admin"
    assert api("GET", "/goals", headers=sally).json() == stored.json()
    judged = {g["key"]: g for g in get_metrics(api, sally)["overall"]["goals"]}
    assert (judged["median_first_response_minutes"]["actual"],
            judged["median_first_response_minutes"]["met"]) == (30.0, True)
    assert (judged["sla_percent_met"]["actual"], judged["sla_percent_met"]["met"]) == (
        33.33, True)
    assert (judged["social_leads_per_month"]["actual"],
            judged["social_leads_per_month"]["met"]) == (scenario.LEADS_PER_MONTH, False)
    assert (judged["average_sentiment"]["actual"], judged["average_sentiment"]["met"]) == (
        -0.05, False)
    assert judged["complaints_sla_percent_met"]["met"] is None
    team = by(get_metrics(api, sally)["by_team"], "user_id")
    max_goals = {g["key"]: g for g in team[MAX]["goals"]}
    assert (max_goals["sla_percent_met"]["actual"], max_goals["sla_percent_met"]["met"]) == (
        0.0, False)
    cleared = api("PUT", "/goals", headers=admin, json={"sla_percent_met": 90})
    assert cleared.json()["median_first_response_minutes"] is None, "PUT replaces all"


@pytest.mark.parametrize(("body", "field"), [
    ({"sla_percent_met": 120}, "sla_percent_met"),
    ({"average_sentiment": -2}, "average_sentiment"),
    ({"median_first_response_minutes": "soon"}, "median_first_response_minutes"),
    ({"nps": 50}, "nps"),
])
def test_bad_goals_are_422_naming_the_field(api: Api, login: Login, body, field):
    answer = api("PUT", "/goals", headers=login("admin"), json=body)
    assert answer.status_code == 422
    assert field in answer.json()["errors"]["json"]


@pytest.mark.parametrize(("query", "field"), [
    ({"period": "yesterday"}, "period"), ({"period": "2026-03-08/2026-03-02"}, "period"),
    ({"period": "400d"}, "period"), ({"tz": "Mars/Olympus"}, "tz"),
    ({"network": "myspace"}, "network"), ({"user": "sally id"}, "user"),
])
def test_bad_arguments_are_422_naming_the_field(api: Api, sally_headers, query, field):
    answer = api("GET", "/metrics", headers=sally_headers, params=query)
    assert answer.status_code == 422
    assert list(answer.json()["errors"]["query"]) == [field]
    assert answer.json()["message"]


def test_metrics_need_a_login(api: Api):
    for path in ("/metrics", "/goals"):
        assert api("GET", path).status_code == 401
    assert api("PUT", "/goals", json={}).status_code == 401


def test_each_caller_sees_what_their_suitecrm_role_lets_them(
        api: Api, week: Week, login: Login, suitecrm: SuiteCRMSandbox, crm: SuiteCRMClient):
    # Max's role shows him only his own Cases and Leads (the interactions are open).
    maxs = get_metrics(api, login("max"))["overall"]["counts"]
    assert maxs["inbound"] == scenario.OVERALL_COUNTS["inbound"]
    assert (maxs["cases_opened"], maxs["social_leads"]) == (1, 0)
    # A rep whose role shows only their own social interactions, Cases and Leads.
    own = {"view": "owner", "list": "owner", "edit": "owner", "delete": "owner"}
    suitecrm.add_role("Social own", {module: own for module in (
        "SCRM_SocialInteractions", "Cases", "Leads")})
    olga = suitecrm.add_user("olga", "olga-Passw0rd", first_name="Ольга",
                             last_name="Смирнова", roles=("Social own",))
    interaction(crm, "linkedin", "message", at(3, 4, 12), status="responded",
                first_response_at=at(3, 4, 12, 20), assigned_user_id=olga)
    theirs = get_metrics(api, login("olga"))
    assert theirs["overall"]["counts"]["inbound"] == 1
    assert theirs["overall"]["first_response"]["median_seconds"] == 1200.0
    assert [(row["user_id"], row["user_name"]) for row in theirs["by_team"]] == [
        (olga, "Ольга Смирнова")]
    everyone = get_metrics(api, login("admin"))
    assert everyone["overall"]["counts"]["inbound"] == scenario.OVERALL_COUNTS["inbound"] + 1
    assert everyone["unreadable_modules"] == theirs["unreadable_modules"] == []


def test_a_module_the_role_closes_is_named_not_an_error(
        api: Api, week: Week, login: Login, suitecrm: SuiteCRMSandbox):
    suitecrm.add_role("No leads", {"Leads": {"access": "none"}})
    suitecrm.add_user("nina", "nina-Passw0rd", last_name="Nina", roles=("No leads",))
    answer = get_metrics(api, login("nina"))
    assert answer["unreadable_modules"] == ["Leads"]
    assert answer["overall"]["counts"]["social_leads"] == 0
    assert answer["overall"]["counts"]["inbound"] == scenario.OVERALL_COUNTS["inbound"]
    assert answer["overall"]["counts"]["cases_opened"] == 2


def test_figures_are_cached_per_caller_and_query_for_a_short_time(
        api: Api, week: Week, login: Login, suitecrm: SuiteCRMSandbox, crm: SuiteCRMClient):
    sally, admin = login("sally"), login("admin")
    first = get_metrics(api, sally)
    suitecrm.request_log.clear()
    interaction(crm, "facebook", "comment", at(3, 3, 9), assigned_user_id=SALLY)
    again = get_metrics(api, sally)
    reads = [e for e in suitecrm.request_log.entries() if e["method"] == "GET"]
    assert reads == [], "the second answer came from the cache"
    assert again["overall"] == first["overall"]
    fresh = get_metrics(api, admin)
    assert fresh["overall"]["counts"]["inbound"] == first["overall"]["counts"]["inbound"] + 1
    other_query = get_metrics(api, sally, tz="Europe/London")  # UTC in early March
    assert other_query["overall"]["counts"]["inbound"] == fresh["overall"]["counts"][
        "inbound"], "another query is read afresh"
    invalidate(api.redis, SALLY, "SCRM_SocialInteractions", week.interactions[1])
    assert get_metrics(api, sally)["overall"]["counts"]["inbound"] == fresh["overall"][
        "counts"]["inbound"], "a write of the caller's drops their cached figures"
    keys = api.redis.keys("socialcrm:api:records:*")
    assert {k.decode().split(":")[3] for k in keys if b":gen:" not in k} == {
        SALLY, "1"}, "one entry per caller"
    ttl = max(api.redis.ttl(k) for k in keys if b":gen:" not in k)
    assert 0 < ttl <= 60


def test_an_empty_crm_answers_zero_counts_and_null_figures(api: Api, sally_headers):
    answer = api("GET", "/metrics", headers=sally_headers, params={"period": "7d"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["overall"]["counts"]["inbound"] == 0
    assert body["overall"]["first_response"] == {"median_seconds": None, "p90_seconds": None}
    assert len(body["daily"]) == 7 and body["by_team"] == []
    assert body["period"]["label"] == "7d"
