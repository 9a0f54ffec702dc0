# ruff: noqa: RUF001 - a Cyrillic name is the test data
"""The computations on their edge cases: no data, one item, unanswered, overdue, pending,
hidden and deleted items, period bounds, time zones, Cases and leads, goals."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from connectors.suitecrm import Record
from plugin.metrics import (
    CaseOpened,
    Facts,
    Goals,
    GoalsError,
    Interaction,
    SocialLead,
    figures,
    interaction_from,
    parse_period,
    sla_outcome,
    social_lead_from,
    summarise,
    with_goals,
)
from plugin.metrics.stats import median, percentile

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
START = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
WEEK = parse_period("2026-11-16/2026-11-22", now=NOW)


def item(minutes_after_start: int = 0, *, answer_after: int | None = None,
         due_after: int | None = None, **more: object) -> Interaction:
    occurred = START + timedelta(minutes=minutes_after_start)
    values: dict[str, object] = {
        "id": f"i{minutes_after_start}-{answer_after}-{due_after}-{len(more)}",
        "network": "facebook", "kind": "comment", "status": "new", "occurred_at": occurred,
        "first_response_at": None if answer_after is None
        else occurred + timedelta(minutes=answer_after),
        "sla_due_at": None if due_after is None else occurred + timedelta(minutes=due_after)}
    values.update(more)
    return Interaction(**values)  # type: ignore[arg-type]


def test_no_data_gives_zero_counts_and_no_figures_rather_than_zeros():
    found = figures([], [], [], now=NOW)
    assert (found.inbound, found.answered, found.unanswered, found.complaints) == (0, 0, 0, 0)
    assert found.median_response_seconds is None and found.p90_response_seconds is None
    assert found.sla.percent_met is None and found.average_sentiment is None
    summary = summarise(Facts(), WEEK, now=NOW)
    assert summary["overall"]["actuals"] == {
        "median_first_response_minutes": None, "sla_percent_met": None,
        "social_leads_per_month": 0.0, "average_sentiment": None,
        "complaints_sla_percent_met": None}
    assert [day["inbound"] for day in summary["daily"]] == [0] * 7
    assert summary["by_team"] == []
    assert [row["network"] for row in summary["by_network"]] == ["facebook", "linkedin"]


def test_one_answered_item_is_its_own_median_and_p90():
    found = figures([item(answer_after=42, due_after=60, sentiment_score=-0.25)], [], [],
                    now=NOW)
    assert found.median_response_seconds == found.p90_response_seconds == 42 * 60
    assert (found.sla.met, found.sla.missed, found.sla.percent_met) == (1, 0, 100.0)
    assert found.average_sentiment == -0.25


def test_median_of_an_even_count_is_the_mean_of_the_middle_two_and_p90_a_real_value():
    times = [float(m * 60) for m in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)]
    assert median(times) == 5.5 * 60
    assert percentile(times, 90) == 9 * 60, "nearest rank: the 9th of 10"
    assert percentile([*times, 600.0], 90) == 600.0
    items = [item(n, answer_after=m) for n, m in enumerate((5, 1, 3, 7))]
    found = figures(items, [], [], now=NOW)
    assert found.median_response_seconds == 4 * 60
    assert found.p90_response_seconds == 7 * 60


def test_unanswered_items_count_as_missed_once_overdue_and_pending_before():
    overdue = item(0, due_after=60)  # due 10:00 on the 16th, long before NOW
    pending = item(0, due_after=60 * 24 * 30)  # due in December
    late = item(0, answer_after=61, due_after=60)
    on_time = item(0, answer_after=60, due_after=60)  # exactly at the due time: met
    assert [sla_outcome(i, NOW) for i in (overdue, pending, late, on_time)] == [
        "missed", "pending", "missed", "met"]
    found = figures([overdue, pending, late, on_time], [], [], now=NOW)
    assert (found.sla.met, found.sla.missed, found.sla.pending) == (1, 2, 1)
    assert found.sla.percent_met == pytest.approx(100 / 3), "pending is left out"
    assert found.unanswered == 2 and found.answered == 2
    assert found.median_response_seconds == 60.5 * 60, "only answered items have a time"


def test_what_needs_an_answer_and_what_counts_nowhere():
    comment, message, reply = item(kind="comment"), item(kind="message"), item(kind="reply")
    post = item(kind="post")
    complaint_post = item(kind="post", due_after=60)  # the sync gave it a due time
    hidden = item(kind="comment", status="hidden", due_after=60)
    deleted = item(kind="comment", status="deleted", sentiment_score=-1.0,
                   sentiment_label="negative")
    assert [i.needs_answer for i in (comment, message, reply, post, complaint_post, hidden)
            ] == [True, True, True, False, True, False]
    found = figures([comment, message, reply, post, complaint_post, hidden, deleted], [], [],
                    now=NOW)
    assert found.inbound == 6 and found.needs_answer == 4
    assert found.complaints == 0 and found.scored == 0, "a deleted item counts nowhere"
    assert (found.sla.missed, found.sla.pending) == (1, 0), "the hidden one has no SLA"


def test_complaints_are_items_with_a_case_or_negative_sentiment():
    with_case = item(0, case_id="case-1", due_after=30, answer_after=10)
    negative = item(1, sentiment_score=-0.7, sentiment_label="negative", due_after=30)
    happy = item(2, sentiment_score=0.9, sentiment_label="positive", due_after=30,
                 answer_after=5)
    found = figures([with_case, negative, happy], [], [], now=NOW)
    assert found.complaints == 2
    assert (found.complaints_sla.met, found.complaints_sla.missed) == (1, 1)
    assert found.complaints_sla.percent_met == 50.0
    assert found.sla.percent_met == pytest.approx(200 / 3)


def test_an_answer_in_the_same_minute_is_zero_never_negative():
    answered = replace(item(0), first_response_at=START - timedelta(seconds=30))
    assert answered.response_seconds == 0.0


def test_period_bounds_start_inclusive_end_exclusive():
    period = parse_period("2026-11-16T09:00Z/2026-11-16T10:00Z", now=NOW)
    items = [item(-1), item(0), item(59), item(60)]
    summary = summarise(Facts(interactions=tuple(items)), period, now=NOW)
    assert summary["overall"]["counts"]["inbound"] == 2


def test_days_are_cut_in_the_callers_time_zone():
    late_sunday_utc = Interaction("x", "linkedin", "comment", "new",
                                  datetime(2026, 11, 22, 23, 30, tzinfo=UTC),
                                  sentiment_score=0.4)
    monday_morning = Interaction("y", "facebook", "comment", "new",
                                 datetime(2026, 11, 16, 0, 30, tzinfo=UTC),
                                 sentiment_score=-0.2)
    facts = Facts(interactions=(late_sunday_utc, monday_morning))
    in_utc = summarise(facts, WEEK, now=NOW)
    assert [(d["date"], d["inbound"]) for d in in_utc["daily"] if d["inbound"]] == [
        ("2026-11-16", 1), ("2026-11-22", 1)]
    tokyo = parse_period("2026-11-16/2026-11-23", now=NOW, zone=ZoneInfo("Asia/Tokyo"))
    in_tokyo = summarise(facts, tokyo, now=NOW)
    assert [(d["date"], d["inbound_by_network"]) for d in in_tokyo["daily"]
            if d["inbound"]] == [("2026-11-16", {"facebook": 1, "linkedin": 0}),
                                 ("2026-11-23", {"facebook": 0, "linkedin": 1})]
    assert in_tokyo["daily"][0]["average_sentiment"] == -0.2
    new_york = parse_period("2026-11-16/2026-11-22", now=NOW,
                            zone=ZoneInfo("America/New_York"))
    dated = summarise(facts, new_york, now=NOW)
    assert [(d["date"], d["inbound"]) for d in dated["daily"] if d["inbound"]] == [
        ("2026-11-22", 1)], "00:30 UTC Monday is Sunday evening in New York: outside"


def test_cases_count_only_when_a_social_interaction_of_the_period_links_them():
    linked = item(0, case_id="c1", network="linkedin")
    facts = Facts(interactions=(linked, item(5, case_id="c1", network="facebook")),
                  cases=(CaseOpened("c1", START, "u1"), CaseOpened("email", START, "u1"),
                         CaseOpened("c9", START, "u1")))
    summary = summarise(facts, WEEK, now=NOW)
    assert summary["overall"]["counts"]["cases_opened"] == 1
    networks = {row["network"]: row["counts"]["cases_opened"] for row in summary["by_network"]}
    assert networks == {"facebook": 0, "linkedin": 1}, "the earliest interaction's network"
    assert summary["by_team"][0]["user_id"] == "u1"
    assert summary["by_team"][0]["counts"]["cases_opened"] == 1


def test_social_leads_are_the_syncs_lead_form_leads_without_test_leads():
    def lead(source: str) -> Record:
        return Record("Leads", "Lead", source, {"date_entered": "2026-11-17T10:00:00+00:00",
                                                 "lead_source_description": source})
    found = [social_lead_from(lead(source)) for source in (
        "Facebook lead form Весенняя акция", "LinkedIn lead form 12345",
        "Facebook lead form Spring (test lead)", "Web form", "Twitter lead form X", "")]
    assert [(f.network if f else None) for f in found] == [
        "facebook", "linkedin", None, None, None, None]
    leads = tuple(f for f in found if f is not None)
    summary = summarise(Facts(leads=leads), WEEK, now=NOW)
    assert summary["overall"]["counts"]["social_leads"] == 2
    assert summary["overall"]["actuals"]["social_leads_per_month"] == pytest.approx(
        2 * 30 / 7, abs=0.005)


def test_records_with_unreadable_values_are_read_safely():
    record = Record("SCRM_SocialInteractions", "SCRM_SocialInteraction", "r1", {
        "network": "facebook", "kind": "comment", "direction": "inbound", "status": "new",
        "occurred_at": "2026-11-17T10:00:00+00:00", "first_response_at": "not a date",
        "sentiment_score": "1.5", "sla_due_at": ""})
    read = interaction_from(record)
    assert read is not None
    assert read.first_response_at is None and read.sentiment_score is None
    assert read.sla_due_at is None
    outbound = Record("SCRM_SocialInteractions", "x", "r2", {
        "direction": "outbound", "occurred_at": "2026-11-17T10:00:00+00:00"})
    undated = Record("SCRM_SocialInteractions", "x", "r3", {"direction": "inbound"})
    assert interaction_from(outbound) is None and interaction_from(undated) is None


def test_goals_are_judged_in_their_direction_and_not_without_data():
    summary = summarise(Facts(interactions=(
        item(0, answer_after=30, due_after=60, sentiment_score=0.2),
        item(1, answer_after=90, due_after=60, sentiment_score=0.4))), WEEK, now=NOW)
    goals = Goals(median_first_response_minutes=60, sla_percent_met=90,
                  average_sentiment=0.25, complaints_sla_percent_met=80)
    judged = {g["key"]: g for g in with_goals(summary, goals)["overall"]["goals"]}
    assert judged["median_first_response_minutes"]["actual"] == 60.0
    assert judged["median_first_response_minutes"]["met"] is True, "lower is better, = met"
    assert (judged["sla_percent_met"]["actual"], judged["sla_percent_met"]["met"]) == (
        50.0, False)
    assert judged["average_sentiment"]["met"] is True
    assert judged["complaints_sla_percent_met"]["met"] is None, "no complaint: no verdict"
    assert judged["social_leads_per_month"]["goal"] is None
    assert judged["social_leads_per_month"]["met"] is None, "no goal: no verdict"


@pytest.mark.parametrize(("data", "bad"), [
    ({"sla_percent_met": 101}, "sla_percent_met"),
    ({"average_sentiment": -1.5}, "average_sentiment"),
    ({"median_first_response_minutes": "fast"}, "median_first_response_minutes"),
    ({"social_leads_per_month": True}, "social_leads_per_month"),
    ({"social_leads_per_month": float("nan")}, "social_leads_per_month"),
    ({"nps": 40}, "nps"),
    ({"updated_by": 7}, "updated_by"),
])
def test_bad_goals_are_refused_naming_the_goal(data, bad):
    with pytest.raises(GoalsError) as caught:
        Goals.from_json(data)
    assert bad in caught.value.errors


def test_goals_round_trip_through_json():
    goals = Goals(median_first_response_minutes=45, sla_percent_met=95.5,
                  social_leads_per_month=12, average_sentiment=-0.1,
                  updated_at="2026-11-20T12:00:00+00:00", updated_by="admin")
    assert Goals.from_json(goals.to_json()) == goals


def test_team_rows_are_busiest_first_unassigned_last_with_names():
    items = (item(0, assigned_user_id="u2", assigned_user_name="Вера Петрова"),
             item(1, assigned_user_id="u1"), item(2, assigned_user_id="u1"), item(3))
    leads = (SocialLead("l1", "facebook", START, ""),)
    rows = summarise(Facts(interactions=items, leads=leads), WEEK, now=NOW)["by_team"]
    assert [(r["user_id"], r["user_name"], r["counts"]["inbound"]) for r in rows] == [
        ("u1", None, 2), ("u2", "Вера Петрова", 1), (None, None, 1)]
    assert rows[-1]["counts"]["social_leads"] == 1
