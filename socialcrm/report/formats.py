"""How the report writes each kind of figure, and the flat names of the figures.

The HTML shows a figure formatted for people and carries the exact value beside it
(``data-value``); the CSV carries the exact value. Both name each figure the same way
(``flatten``): the JSON path of the metrics answer with dots, one group key per
breakdown (``overall``, ``network.facebook``, ``team.<user id>``, ``day.2026-11-01``), so a
reader (or a test) can find every number of the API's answer in both files.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

UNASSIGNED = "unassigned"
DASH = "\u2013"  # an en dash, shown for "no data": never 0, which would be a false figure


def group_key(scope: str, row: Mapping[str, Any]) -> str:
    """The group key of a breakdown row: ``network.<name>``, ``team.<user id>``."""
    if scope == "network":
        return f"network.{row['network']}"
    if scope == "team":
        return f"team.{row.get('user_id') or UNASSIGNED}"
    return f"day.{row['date']}"


def figure_blocks(summary: Mapping[str, Any]) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """(group key, label for people, figures block) of every block of the answer."""
    yield "overall", "All", summary["overall"]
    for row in summary["by_network"]:
        yield group_key("network", row), network_label(row["network"]), row
    for row in summary["by_team"]:
        yield group_key("team", row), team_label(row), row


def flatten(block: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """(metric, value) of every figure of a block: ``counts.inbound``,
    ``sla.percent_met``, ``goals.<goal key>.actual`` ... (labels left out)."""
    for section in ("counts", "first_response", "sla", "complaints_sla", "sentiment"):
        for name, value in block[section].items():
            yield f"{section}.{name}", value
    for goal in block.get("goals", ()):
        for name in ("goal", "actual", "met"):
            yield f"goals.{goal['key']}.{name}", goal[name]


def day_figures(day: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    yield "inbound", day["inbound"]
    for network, count in day["inbound_by_network"].items():
        yield f"inbound_by_network.{network}", count
    yield "complaints", day["complaints"]
    yield "average_sentiment", day["average_sentiment"]
    yield "scored", day["scored"]


def network_label(network: str) -> str:
    return {"facebook": "Facebook", "linkedin": "LinkedIn"}.get(network, network)


def team_label(row: Mapping[str, Any]) -> str:
    if not row.get("user_id"):
        return "Unassigned"
    return str(row.get("user_name") or row["user_id"])


def shown(metric: str, value: Any) -> str:
    """A figure as the report shows it to people."""
    if value is None:
        return DASH
    if isinstance(value, bool):
        return "met" if value else "not met"
    name = metric.rsplit(".", 1)[-1]
    if metric.endswith("_seconds"):
        return minutes(float(value))
    if "percent" in metric:
        return f"{float(value):.1f} %"
    if "sentiment" in metric and name not in ("scored",):
        return sentiment(float(value))
    if "minutes" in metric:
        return f"{float(value):.1f} min"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min"


def sentiment(score: float) -> str:
    return f"{score:+.2f}"

