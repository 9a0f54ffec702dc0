"""The report's figures as CSV, for spreadsheets.

One row per figure (a "long" table that a pivot table turns any way round):
``group,label,metric,value``. ``group`` and ``metric`` are the names the HTML carries in
``data-metric`` (``overall`` / ``network.facebook`` / ``team.<user id>`` /
``day.2026-11-01``, then ``counts.inbound``, ``goals.sla_percent_met.actual`` ...);
``label`` is the group for people (a network's or a person's name). ``value`` is the
exact value of the API's answer: numbers as JSON writes them, ``true``/``false`` for a
goal met or not, empty for "no data".

The file is UTF-8 with a byte-order mark, so that spreadsheet programs open names in any
script correctly; a text cell that starts like a formula (``=``, ``+``, ``-``, ``@``) gets
a leading apostrophe, so a person's name can never run as a formula.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from typing import Any

from socialcrm.report.formats import day_figures, figure_blocks, flatten

HEADER = ("group", "label", "metric", "value")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def rows(summary: Mapping[str, Any]) -> Iterator[tuple[str, str, str, str]]:
    """Every figure of a metrics answer as (group, label, metric, value) text."""
    period = summary["period"]
    for name in ("label", "start", "end", "time_zone"):
        yield "period", "", name, str(period[name])
    for group, label, block in figure_blocks(summary):
        for metric, value in flatten(block):
            yield group, label, metric, _value(value)
    for day in summary["daily"]:
        for metric, value in day_figures(day):
            yield f"day.{day['date']}", day["date"], metric, _value(value)


def render(summary: Mapping[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for group, label, metric, value in rows(summary):
        writer.writerow((_safe(group), _safe(label), metric, value))
    return buffer.getvalue()


def _value(value: Any) -> str:
    return "" if value is None else json.dumps(value)


def _safe(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_START) else text
