"""Helpers for the report tests: run `socialcrm report` as a user does, and name every
figure of a ``GET /api/v1/metrics`` answer the way the report's files name them
(group, then the JSON path), written here independently of the report's own code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sandboxes.suitecrm import DEMO_SYNC_CLIENT

ROOT = Path(__file__).resolve().parents[2]
GOALS = {"median_first_response_minutes": 45, "sla_percent_met": 30,
         "social_leads_per_month": 10, "average_sentiment": 0.1,
         "complaints_sla_percent_met": 80}


def run_report(*args: str, suitecrm_url: str, redis_url: str | None,
               cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("SOCIALCRM_", "SUITECRM_", "REDIS_", "FACEBOOK_",
                                   "LINKEDIN_"))}
    env.update({"SUITECRM_URL": suitecrm_url, "SUITECRM_CLIENT_ID": DEMO_SYNC_CLIENT[0],
                "SUITECRM_CLIENT_SECRET": DEMO_SYNC_CLIENT[1]})
    if redis_url:
        env["REDIS_URL"] = redis_url
    return subprocess.run([sys.executable, "-m", "socialcrm", "report", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=180)


def figures_of(answer: dict[str, Any]) -> dict[str, Any]:
    """``{"overall.counts.inbound": 7, "network.facebook.sla.percent_met": 50.0,
    "team.<id>.goals.sla_percent_met.met": True, "day.2026-03-02.inbound": 2, ...}``."""
    named: dict[str, Any] = {}

    def block(prefix: str, figures: dict[str, Any]) -> None:
        for section in ("counts", "first_response", "sla", "complaints_sla", "sentiment"):
            for name, value in figures[section].items():
                named[f"{prefix}.{section}.{name}"] = value
        for goal in figures["goals"]:
            for name in ("goal", "actual", "met"):
                named[f"{prefix}.goals.{goal['key']}.{name}"] = goal[name]

    block("overall", answer["overall"])
    for row in answer["by_network"]:
        block(f"network.{row['network']}", row)
    for row in answer["by_team"]:
        block(f"team.{row['user_id'] or 'unassigned'}", row)
    for day in answer["daily"]:
        prefix = f"day.{day['date']}"
        for name in ("inbound", "complaints", "average_sentiment", "scored"):
            named[f"{prefix}.{name}"] = day[name]
        for network, count in day["inbound_by_network"].items():
            named[f"{prefix}.inbound_by_network.{network}"] = count
    return named
