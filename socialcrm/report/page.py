"""The report as one self-contained HTML page, readable on a phone.

Nothing is fetched when it opens: the styles are inline, the charts are inline SVG, there
is no script. The layout is one column that the tables scroll inside (``overflow-x``), the
charts shrink to the screen's width, and the key figures wrap as cards, so it reads on a
360-pixel phone as on a desktop.

Every figure is shown formatted for people and carries its exact value and name
(``data-metric="overall.sla.percent_met" data-value="87.5"``, see ``formats``), the same
names as the CSV's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from socialcrm.report import charts
from socialcrm.report.formats import (
    DASH,
    day_figures,
    figure_blocks,
    flatten,
    network_label,
    shown,
)

STYLE = """
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#202124;
background:#f8f9fa;line-height:1.4}
main{max-width:960px;margin:0 auto;padding:12px}
h1{font-size:1.4rem;margin:.4rem 0}h2{font-size:1.1rem;margin:1.4rem 0 .5rem}
.period{color:#5f6368;margin:0 0 .8rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:8px}
.card{background:#fff;border:1px solid #dadce0;border-radius:8px;padding:8px 10px}
.card .name{font-size:.8rem;color:#5f6368}.card .value{font-size:1.3rem;font-weight:600}
.chart{background:#fff;border:1px solid #dadce0;border-radius:8px;padding:6px;margin:8px 0}
.chart svg{width:100%;height:auto;display:block}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;background:#fff;font-size:.85rem;width:100%}
th,td{border:1px solid #dadce0;padding:4px 6px;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left;white-space:normal;min-width:7em}
.met{color:#1e8e3e;font-weight:600}.missed{color:#d93025;font-weight:600}
footer{color:#5f6368;font-size:.8rem;margin:1.5rem 0}
"""
KEY_FIGURES = (
    ("counts.inbound", "Inbound"), ("counts.answered", "Answered"),
    ("counts.unanswered", "Unanswered"), ("counts.complaints", "Complaints"),
    ("counts.cases_opened", "Cases opened"), ("counts.social_leads", "Social leads"),
    ("first_response.median_seconds", "Median first response"),
    ("first_response.p90_seconds", "p90 first response"),
    ("sla.percent_met", "SLA met"), ("complaints_sla.percent_met", "Complaints within SLA"),
    ("sentiment.average", "Average sentiment"),
)
TABLE_COLUMNS = (*KEY_FIGURES, ("sla.missed", "SLA missed"), ("sla.pending", "SLA pending"))


def render(summary: Mapping[str, Any]) -> str:
    """The whole page for a metrics answer (with goals) as ``workers.metrics`` gives it."""
    period = summary["period"]
    overall = dict(flatten(summary["overall"]))
    goals = summary["overall"]["goals"]
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>SocialCRM report {escape(period['label'])}</title>",
        f"<style>{STYLE}</style>", "</head>", "<body>", "<main>",
        "<h1>Social CRM report</h1>",
        f'<p class="period" data-period-start="{escape(period["start"])}" '
        f'data-period-end="{escape(period["end"])}">{_period_text(period)}</p>',
        *_unreadable(summary.get("unreadable_modules") or []),
        "<h2>Key figures</h2>", '<div class="cards">',
        *(_card(f"overall.{metric}", name, overall[metric]) for metric, name in KEY_FIGURES),
        "</div>", "<h2>Goals vs actual</h2>", _goals_table(goals),
        _chart("goals", _goals_chart(goals)),
        "<h2>Sentiment</h2>",
        _chart("sentiment", charts.sentiment_trend(
            summary["daily"], summary["goals"]["average_sentiment"])),
        "<h2>Response times</h2>",
        _chart("response-times", charts.response_times(
            [{"label": label, **block} for _, label, block in _network_blocks(summary)],
            summary["goals"]["median_first_response_minutes"])),
        "<h2>Volume by network</h2>", _chart("volume", charts.volume_by_network(
            summary["daily"])),
        "<h2>Leads</h2>", _chart("leads", charts.leads(summary["by_network"])),
        "<h2>By network</h2>", _figures_table(_network_blocks(summary), "Network"),
        "<h2>By team member</h2>", _figures_table(_team_blocks(summary), "Assigned to"),
        "<h2>Per day</h2>", _daily_table(summary["daily"]),
        f"<footer>Generated {escape(summary['generated_at'])} by SocialCRM. Definitions: "
        "docs/reports.md. The same figures are in the CSV export.</footer>",
        "</main>", "</body>", "</html>",
    ]
    return "\n".join(parts) + "\n"


def _period_text(period: Mapping[str, Any]) -> str:
    """``30d``: 2026-11-08 00:00 to 2026-12-07 14:05 (Europe/Berlin), end excluded."""
    zone = ZoneInfo(period["time_zone"])
    start, end = (datetime.fromisoformat(period[side]).astimezone(zone)
                  for side in ("start", "end"))
    return escape(f"{period['label']}: {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} "
                  f"({period['time_zone']} time, end excluded)")


def _unreadable(modules: list[str]) -> list[str]:
    if not modules:
        return []
    return [f'<p class="missed">Not readable with this account, counted as 0: '
            f'{escape(", ".join(modules))}</p>']


def _cell(metric: str, value: Any, tag: str = "td", css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    return (f'<{tag}{cls} data-metric="{escape(metric)}" '
            f'data-value="{escape(json.dumps(value))}">{escape(shown(metric, value))}</{tag}>')


def _card(metric: str, name: str, value: Any) -> str:
    return (f'<div class="card"><div class="name">{escape(name)}</div>'
            f'{_cell(metric, value, "div", "value")}</div>')


def _chart(name: str, svg: str) -> str:
    return f'<figure class="chart" data-chart="{escape(name)}">{svg}</figure>'


def _goals_table(goals: Iterable[Mapping[str, Any]]) -> str:
    rows = []
    for goal in goals:
        key, met = goal["key"], goal["met"]
        css = "" if met is None else ("met" if met else "missed")
        rows.append(f"<tr><td>{escape(goal['title'])}</td>"
                    f"{_cell(f'overall.goals.{key}.goal', goal['goal'])}"
                    f"{_cell(f'overall.goals.{key}.actual', goal['actual'])}"
                    f"{_cell(f'overall.goals.{key}.met', met, css=css)}</tr>")
    return _table(["Goal", "Target", "Actual", "Status"], rows)


def _goals_chart(goals: Iterable[Mapping[str, Any]]) -> str:
    chosen = [goal for goal in goals if goal["goal"] is not None]
    if not chosen:
        return "<p>No goals are set: an admin sets them with PUT /api/v1/goals.</p>"
    return charts.goals_vs_actual(chosen)


def _network_blocks(summary: Mapping[str, Any]) -> list[tuple[str, str, Mapping[str, Any]]]:
    return [block for block in figure_blocks(summary) if block[0].startswith("network.")]


def _team_blocks(summary: Mapping[str, Any]) -> list[tuple[str, str, Mapping[str, Any]]]:
    return [block for block in figure_blocks(summary) if block[0].startswith("team.")]


def _figures_table(blocks: list[tuple[str, str, Mapping[str, Any]]], first: str) -> str:
    if not blocks:
        return f"<p>{DASH} nothing in this period</p>"
    rows = []
    for key, label, block in blocks:
        values = dict(flatten(block))
        rows.append(f"<tr><td>{escape(label)}</td>" + "".join(
            _cell(f"{key}.{metric}", values[metric]) for metric, _ in TABLE_COLUMNS) + "</tr>")
    return _table([first, *(name for _, name in TABLE_COLUMNS)], rows)


def _daily_table(daily: Iterable[Mapping[str, Any]]) -> str:
    rows: list[str] = []
    names: list[str] = []
    for day in daily:
        figures = list(day_figures(day))
        names = names or [_day_column(metric) for metric, _ in figures]
        rows.append(f"<tr><td>{escape(day['date'])}</td>" + "".join(
            _cell(f"day.{day['date']}.{metric}", value) for metric, value in figures)
            + "</tr>")
    return _table(["Day", *names], rows)


def _day_column(metric: str) -> str:
    if metric.startswith("inbound_by_network."):
        return network_label(metric.split(".", 1)[1])
    return metric.replace("_", " ").capitalize()


def _table(headings: list[str], rows: list[str]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headings)
    return (f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")
