"""The report's charts, drawn with matplotlib as inline SVG.

Why SVG inline: the report must be one self-contained file that opens offline on a phone
(no scripts, no image requests), and SVG stays sharp at any zoom; with a ``viewBox``
and CSS ``width: 100%`` each chart scales to the screen. Text stays text
(``svg.fonttype = none``), so the browser draws it with its own fonts and it can be
searched and read aloud.

Figures are built with matplotlib's object API (``matplotlib.figure.Figure``), never
``pyplot``: no global state, no GUI backend, safe in any process; the canvas renders
SVG without a display. Chart text is limited to dates, network names and goal titles;
people's names (any script) are only in the HTML tables, where the browser's fonts
show them.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from socialcrm.report.formats import network_label

# Its INFO lines (the font cache, "categorical units" for our day labels) are not the
# report's news: only its warnings reach the command's log.
logging.getLogger("matplotlib").setLevel(logging.WARNING)
matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "socialcrm-report",
                            "font.size": 10, "axes.titlesize": 11})
COLOURS = {"facebook": "#1877f2", "linkedin": "#0a66c2"}
OTHER_COLOURS = ("#7b61ff", "#00a884", "#e8710a", "#9aa0a6")
MET, MISSED, UNKNOWN = "#1e8e3e", "#d93025", "#9aa0a6"
_XML_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.S)


def to_svg(figure: Figure) -> str:
    """The figure as an ``<svg>`` element to put inside HTML (no XML prologue)."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return _XML_PROLOGUE.sub("", buffer.getvalue(), count=1)


def _figure(height: float = 3.0) -> Figure:
    """A figure about as wide as a phone's screen in points, so its text is drawn near
    its real size there (wider screens enlarge it)."""
    return Figure(figsize=(5.0, height), layout="constrained")


def _colour(network: str, index: int) -> str:
    return COLOURS.get(network, OTHER_COLOURS[index % len(OTHER_COLOURS)])


def sentiment_trend(daily: Sequence[Mapping[str, Any]], goal: float | None) -> str:
    """The mean score per day; a day without scored items is a gap, not a zero."""
    figure = _figure()
    axes = figure.add_subplot()
    days = list(range(len(daily)))
    values = [row["average_sentiment"] for row in daily]
    axes.plot(days, [float("nan") if v is None else v for v in values], marker="o",
              color="#5f6368", label="Average sentiment")
    if goal is not None:
        axes.axhline(goal, color=MET, linestyle="--", label="Goal")
    axes.axhline(0, color="#dadce0", linewidth=0.8)
    axes.set_ylim(-1.05, 1.05)
    axes.set_ylabel("score (-1 to 1)")
    axes.set_title("Sentiment trend (per day)")
    _day_ticks(axes, daily)
    axes.legend(loc="lower left", fontsize=8)
    return to_svg(figure)


def volume_by_network(daily: Sequence[Mapping[str, Any]]) -> str:
    """Inbound interactions per day, stacked by network."""
    figure = _figure()
    axes = figure.add_subplot()
    days = list(range(len(daily)))
    networks = list(daily[0]["inbound_by_network"]) if daily else []
    bottom = [0] * len(days)
    for index, network in enumerate(networks):
        counts = [row["inbound_by_network"][network] for row in daily]
        axes.bar(days, counts, bottom=bottom, color=_colour(network, index),
                 label=network_label(network))
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    axes.set_ylabel("inbound interactions")
    axes.set_title("Volume by network (per day)")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    _day_ticks(axes, daily)
    if networks:
        axes.legend(loc="upper left", fontsize=8)
    return to_svg(figure)


def response_times(rows: Sequence[Mapping[str, Any]], goal_minutes: float | None) -> str:
    """Median and p90 first-response time per group, in minutes."""
    figure = _figure()
    axes = figure.add_subplot()
    labels = [str(row["label"]) for row in rows]
    positions = list(range(len(rows)))
    medians = [_minutes(row["first_response"]["median_seconds"]) for row in rows]
    p90s = [_minutes(row["first_response"]["p90_seconds"]) for row in rows]
    axes.bar([p - 0.2 for p in positions], medians, width=0.4, color="#5f6368",
             label="Median")
    axes.bar([p + 0.2 for p in positions], p90s, width=0.4, color="#bdc1c6", label="p90")
    if goal_minutes is not None:
        axes.axhline(goal_minutes, color=MET, linestyle="--", label="Goal (median)")
    axes.set_xticks(positions, labels)
    axes.set_ylabel("minutes")
    axes.set_title("First-response time")
    axes.legend(loc="upper right", fontsize=8)
    return to_svg(figure)


def leads(rows: Sequence[Mapping[str, Any]]) -> str:
    """Social leads per network in the period."""
    figure = _figure(2.6)
    axes = figure.add_subplot()
    labels = [network_label(str(row["network"])) for row in rows]
    counts = [row["counts"]["social_leads"] for row in rows]
    axes.bar(labels, counts, color=[_colour(str(r["network"]), i) for i, r in enumerate(rows)])
    axes.set_ylabel("new leads")
    axes.set_title("Social leads by network")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    return to_svg(figure)


def goals_vs_actual(goals: Sequence[Mapping[str, Any]]) -> str:
    """One small panel per goal: the goal and the actual side by side, the actual green
    when met, red when not, grey without data or goal."""
    figure = _figure(1.3 * max(len(goals), 1))
    panels = figure.subplots(max(len(goals), 1), 1, squeeze=False)[:, 0]
    for axes, goal in zip(panels, goals, strict=False):
        target, actual = goal["goal"], goal["actual"]
        colour = UNKNOWN if goal["met"] is None else (MET if goal["met"] else MISSED)
        axes.barh(["Goal", "Actual"], [target or 0, actual or 0], color=["#dadce0", colour])
        unit = f" ({goal['unit']})" if goal["unit"] else ""
        axes.set_title(f"{goal['title']}{unit}", fontsize=9, loc="left")
        if goal["key"] == "average_sentiment":
            axes.set_xlim(-1, 1)
        axes.tick_params(labelsize=8)
    return to_svg(figure)


def _minutes(seconds: float | None) -> float:
    return 0.0 if seconds is None else seconds / 60


def _day_ticks(axes: Any, daily: Sequence[Mapping[str, Any]]) -> None:
    """Every day has its place on the axis; at most about ten are labelled (MM-DD),
    turned, so a 90-day period stays readable on a phone."""
    step = max(1, len(daily) // 10)
    marked = list(range(0, len(daily), step))
    axes.set_xticks(marked, [str(daily[i]["date"])[5:] for i in marked])
    axes.set_xlim(-0.6, max(len(daily), 1) - 0.4)
    axes.tick_params(axis="x", labelrotation=45, labelsize=8)
