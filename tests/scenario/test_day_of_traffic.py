"""A day of social traffic through the sandboxes, checked from independent sources.

The day (``tests.scenario.day``) is played as it happens on the Facebook sandbox Page and
as signed Facebook and LinkedIn webhooks to the real API over HTTP; real ``socialcrm
worker --burst`` processes write it into the SuiteCRM sandbox over HTTP; the scheduler's
periodic jobs (wave check, SLA watch) run in a worker as the scheduler would queue them.
Time is the plan's: every item and answer carries its own time, and the jobs that read
the clock (the wave detector's freshness, SLA pending or missed) see a day that ends now.

Then it checks, each against what the test computes from the times it chose:

* every interaction in SuiteCRM once, with its SLA due time, first response and Case;
  the scorer's reading of each text as the plan meant it;
* exactly one wave alert in each manager's feed once the day is in, for the wave's post
  only (none in a rep's feed); after the scheduler's wave check, its all-clear in its
  place, counting the whole wave; an SLA breach alert for exactly the items left
  unanswered past their due time;
* ``GET /api/v1/advocates``: the three planted advocates first, best first, the discount
  seeker left out and flagged when asked for;
* ``GET /api/v1/metrics`` and ``socialcrm report`` (HTML and CSV): counts, median and p90
  first response, SLA percent, complaints' SLA, sentiment, per network, per team member
  and per day, as computed from the plan.

Size: ``SOCIALCRM_SCENARIO_CHATTER`` (default 60: 164 interactions) sets the day's
chatter (questions grow with it); 400 makes a day of about 590 interactions, for
reliability runs rather than ``make test`` (docs/scenario.md).
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from connectors.suitecrm import SuiteCRMClient
from sandboxes.suitecrm import SuiteCRMSandbox
from tests.metrics.reporting import figures_of, run_report
from tests.mobile.conftest import Api
from tests.scenario import expected
from tests.scenario.conftest import MAX, SALLY
from tests.scenario.day import PAGE, WAVE_SIZE, Day, plan_day
from tests.scenario.playback import Player
from tests.scenario.reading import (
    Login,
    Stored,
    breached,
    get,
    outbound_count,
    read_inbound,
    wave_items,
)
from workers.jobs.sla import FUNCTION as SLA_WATCH
from workers.jobs.waves import FUNCTION as WAVE_CHECK
from workers.queues import enqueue

CHATTER = int(os.environ.get("SOCIALCRM_SCENARIO_CHATTER", "60"))
Worker = Callable[..., subprocess.CompletedProcess[str]]
LABELS = {"praise": {"positive"}, "discount": {"positive"}, "complaint": {"negative"},
          "wave": {"negative"}, "question": {"neutral"}, "message": {"neutral"},
          "chatter": {"positive", "neutral"}}


@pytest.fixture()
def day() -> Day:
    return plan_day(datetime.now(UTC).replace(second=0, microsecond=0), chatter=CHATTER)


def test_a_day_of_traffic(day: Day, player: Player, worker: Worker, api: Api, login: Login,
                          crm: SuiteCRMClient, suitecrm: SuiteCRMSandbox,
                          tmp_path: Path) -> None:
    managers = (login("sarah"), login("will"))
    player.open_page(day)
    player.play(day.events())
    worker("webhooks", "sync")  # the day's webhooks, then the advocate refreshes they queued
    for headers in managers:
        (alert,) = wave_items(api, headers)
        wave_alert_names_the_wave_post_only(alert, day)
    assert wave_items(api, login("sally")) == [], "the wave goes to the managers"

    # The scheduler's turn: the wave's time runs on to now, the SLA watch looks.
    for function in (WAVE_CHECK, SLA_WATCH):
        enqueue(api.redis, "webhooks", function, job_id=f"day-{uuid.uuid4().hex}")
    worker("webhooks")
    now = datetime.now(UTC)
    for headers in managers:
        (clear,) = wave_items(api, headers)
        assert (clear["status"], clear["id"]) == ("all_clear", alert["id"])
        assert clear["title"] == (f"All clear on Facebook {PAGE}: the wave is over "
                                  f"({WAVE_SIZE} negative)")

    stored = read_inbound(crm, day)
    assert outbound_count(crm) == len(day.answers)
    records_hold_the_plan(stored, day)
    late = {stored.records[item.external_id].id for item in day.inbound
            if expected.sla_outcome(item, now) == "missed" and item.answered_at is None}
    for headers in managers:
        assert breached(api, headers) == late

    period = f"{day.start.isoformat()}/{(day.end + timedelta(hours=1)).isoformat()}"
    answer = get(api, login("admin"), "/metrics", period=period)
    metrics_equal_the_plan(answer, day, stored, now)
    report_equals_the_api(answer, period, day, stored, now, suitecrm, api, tmp_path)
    advocates_rank_the_planted_fans(api, login("sarah"), day, stored)


def wave_alert_names_the_wave_post_only(alert: dict[str, Any], day: Day) -> None:
    """One alert, about the Page, whose top posts are the wave's post alone."""
    assert (alert["status"], alert["network"]) == ("wave", "facebook")
    title = re.match(rf"Complaint wave on Facebook {PAGE}: (\d+) negative in \d+ min \(",
                     alert["title"])  # then how many times the usual, cut at 80 characters
    assert title is not None, alert["title"]
    # counted up to when it was seen: at least the detector's minimum (10 by default)
    assert 10 <= int(title.group(1)) <= WAVE_SIZE
    posts, languages, _reach = alert["summary"].split(" · ")
    first = day.of("wave")[0].text
    assert re.fullmatch(rf"\d+ on “{re.escape(first)}”", posts), posts
    assert {part.split()[0] for part in languages.removeprefix("languages ").split(", ")} \
        == {"en", "ru", "zh"}


def records_hold_the_plan(stored: Stored, day: Day) -> None:
    """Each item's times, reading and Case as planned; one Case per complaint thread."""
    cases: dict[tuple[str, str], set[str]] = {}
    for item in day.inbound:
        record = stored.records[item.external_id]
        what = f"{item.role} {item.external_id} {item.text!r}"
        assert record.datetime("occurred_at") == item.at, what
        assert record.datetime("sla_due_at") == item.due, what
        assert record.datetime("first_response_at") == item.answered_at, what
        if item.answered_at is not None:
            assert record["status"] == "responded", what
        if item.role in LABELS:
            assert record["sentiment_label"] in LABELS[item.role], (what, record["sentiment_label"])
        case = str(record.get("case_id") or "")
        assert bool(case) == item.opens_case, what
        if case:
            cases.setdefault((item.network, item.thread or item.external_id), set()).add(case)
            owner = SALLY if item.network == "facebook" else MAX
            assert record["assigned_user_id"] == owner, what
    assert all(len(ids) == 1 for ids in cases.values()), "one Case per thread"
    assert len({next(iter(ids)) for ids in cases.values()}) == len(cases)
    assert set(cases) == expected.cases_of(day.inbound)


def metrics_equal_the_plan(answer: dict[str, Any], day: Day, stored: Stored,
                           now: datetime) -> None:
    scores = stored.scores()
    items = day.inbound
    figures = ("counts", "first_response", "sla", "complaints_sla", "sentiment")
    own = expected.block(items, scores, now)
    assert {name: answer["overall"][name] for name in figures} == own
    assert min(own["sla"]["met"], own["sla"]["missed"], own["sla"]["pending"]) > 0, \
        "the day has answers on time, late answers and items not yet due"
    networks = expected.by_network(items, scores, now)
    assert [row["network"] for row in answer["by_network"]] == list(networks)
    for row in answer["by_network"]:
        assert {name: row[name] for name in figures} == networks[row["network"]]
    teams = {SALLY: [i for i in items if i.opens_case and i.network == "facebook"],
             MAX: [i for i in items if i.opens_case and i.network == "linkedin"],
             None: [i for i in items if not i.opens_case]}
    by_team = {row["user_id"]: row for row in answer["by_team"]}
    assert set(by_team) == set(teams)
    for user, group in teams.items():
        assert {n: by_team[user][n] for n in figures} == expected.block(group, scores, now)
    days = expected.daily(items, scores)
    for row in answer["daily"]:
        want = days.get(row["date"], {"inbound_by_network": {"facebook": 0, "linkedin": 0},
                                      "complaints": 0, "average_sentiment": None})
        assert {k: row[k] for k in want} == want, row["date"]
    assert set(days) <= {row["date"] for row in answer["daily"]}


def report_equals_the_api(answer: dict[str, Any], period: str, day: Day, stored: Stored,
                          now: datetime, suitecrm: SuiteCRMSandbox, api: Api,
                          tmp_path: Path) -> None:
    """`socialcrm report --out` writes the API's every figure, and the plan's."""
    out, table = tmp_path / "day.html", tmp_path / "day.csv"
    done = run_report("--period", period, "--out", str(out), "--csv", str(table),
                      suitecrm_url=suitecrm.url, redis_url=api.redis_url)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(table.read_bytes().decode("utf-8-sig").splitlines()))
    written = {f"{row['group']}.{row['metric']}": row["value"] for row in rows
               if row["group"] != "period"}
    api_figures = figures_of(answer)
    assert set(written) == set(api_figures)
    for name, value in api_figures.items():
        assert written[name] == ("" if value is None else json.dumps(value)), name
    shown = dict(re.findall(r'data-metric="([^"]+)" data-value="([^"]*)"',
                            out.read_text(encoding="utf-8")))
    own = expected.block(day.inbound, stored.scores(), now)
    for name, value in (("counts.inbound", own["counts"]["inbound"]),
                        ("counts.answered", own["counts"]["answered"]),
                        ("first_response.median_seconds",
                         own["first_response"]["median_seconds"]),
                        ("sla.percent_met", own["sla"]["percent_met"]),
                        ("sentiment.average", own["sentiment"]["average"])):
        assert written[f"overall.{name}"] == json.dumps(value), name
        assert shown[f"overall.{name}"] == json.dumps(value).strip('"'), name


def advocates_rank_the_planted_fans(api: Api, headers: dict[str, str], day: Day,
                                    stored: Stored) -> None:
    fans = [stored.profile_of(person.key, day) for person in day.advocates]
    assert day.discount_seeker is not None
    seeker = stored.profile_of(day.discount_seeker.key, day)
    rows = get(api, headers, "/advocates", limit=50)["items"]
    assert [row["profile_id"] for row in rows[:3]] == fans
    assert [row["name"] for row in rows[:3]] == [p.name for p in day.advocates]
    assert all(row["score"] < rows[2]["score"] for row in rows[3:])
    assert seeker not in {row["profile_id"] for row in rows}
    assert not any(row["discount_seeker"] for row in rows)
    everyone = get(api, headers, "/advocates", limit=50,
                   include_discount_seekers="true")["items"]
    flagged = [row["profile_id"] for row in everyone if row["discount_seeker"]]
    assert flagged == [seeker]
