"""Goals an admin sets, the actual value of each, and whether the goal is met.

One set of goals applies to the whole company: the same targets are shown against the
overall figures, each network and each team member. Every goal is optional (``None``:
no goal). What each one is measured on:

| goal | actual | met when |
|---|---|---|
| ``median_first_response_minutes`` | median first-response time, minutes | actual <= goal |
| ``sla_percent_met`` | SLA percent met | actual >= goal |
| ``social_leads_per_month`` | social leads in the period, scaled to 30 days | actual >= goal |
| ``average_sentiment`` | mean sentiment score (-1 to 1) | actual >= goal |
| ``complaints_sla_percent_met`` | percent of complaints answered within SLA | actual >= goal |

An actual that cannot be computed (no answered item, no SLA decided yet, no score) is
``None`` and its goal's ``met`` is ``None`` too: no data is neither a success nor a
failure.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Literal

from plugin.metrics.figures import Figures
from plugin.metrics.period import Period

Direction = Literal["lower", "higher"]
DAYS_PER_MONTH = 30


@dataclass(frozen=True, slots=True)
class GoalSpec:
    """One goal: its key, the direction that is better, its allowed range, a title."""

    key: str
    better: Direction
    minimum: float
    maximum: float
    title: str
    unit: str


GOALS: tuple[GoalSpec, ...] = (
    GoalSpec("median_first_response_minutes", "lower", 0.0, 525_600.0,
             "Median first response", "min"),
    GoalSpec("sla_percent_met", "higher", 0.0, 100.0, "SLA met", "%"),
    GoalSpec("social_leads_per_month", "higher", 0.0, 1_000_000.0,
             "Social leads per month", "leads"),
    GoalSpec("average_sentiment", "higher", -1.0, 1.0, "Average sentiment", ""),
    GoalSpec("complaints_sla_percent_met", "higher", 0.0, 100.0,
             "Complaints answered within SLA", "%"),
)
GOAL_KEYS = tuple(spec.key for spec in GOALS)


class GoalsError(ValueError):
    """Stored or given goals are not valid; ``errors`` maps each bad key to a reason."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{key}: {why}" for key, why in errors.items()))
        self.errors = dict(errors)


@dataclass(frozen=True, slots=True)
class Goals:
    """The targets (``None``: no goal) and who set them when (ISO 8601 UTC)."""

    median_first_response_minutes: float | None = None
    sla_percent_met: float | None = None
    social_leads_per_month: float | None = None
    average_sentiment: float | None = None
    complaints_sla_percent_met: float | None = None
    updated_at: str | None = None
    updated_by: str | None = None

    def __post_init__(self) -> None:
        errors = {spec.key: why for spec in GOALS
                  if (why := _problem(spec, getattr(self, spec.key))) is not None}
        if errors:
            raise GoalsError(errors)

    def target(self, key: str) -> float | None:
        value: float | None = getattr(self, key)
        return value

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Goals:
        """Goals from stored JSON; unknown keys are refused, as are bad values."""
        known = {f.name for f in fields(cls)}
        errors = {key: "not a goal" for key in sorted(set(data) - known)}
        targets: dict[str, float | None] = {}
        for spec in GOALS:
            value = data.get(spec.key)
            if value is not None and not _is_number(value):
                errors[spec.key] = "must be a number or null"
            targets[spec.key] = None if value is None or not _is_number(value) else float(value)
        stamps: dict[str, str | None] = {}
        for key in ("updated_at", "updated_by"):
            value = data.get(key)
            if value is not None and not isinstance(value, str):
                errors[key] = "must be text or null"
            stamps[key] = value if isinstance(value, str) else None
        if errors:
            raise GoalsError(errors)
        return cls(
            median_first_response_minutes=targets["median_first_response_minutes"],
            sla_percent_met=targets["sla_percent_met"],
            social_leads_per_month=targets["social_leads_per_month"],
            average_sentiment=targets["average_sentiment"],
            complaints_sla_percent_met=targets["complaints_sla_percent_met"],
            updated_at=stamps["updated_at"], updated_by=stamps["updated_by"])


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _problem(spec: GoalSpec, value: object) -> str | None:
    if value is None:
        return None
    if not _is_number(value) or not math.isfinite(float(value)):  # type: ignore[arg-type]
        return "must be a number or null"
    number = float(value)  # type: ignore[arg-type]
    if not spec.minimum <= number <= spec.maximum:
        return f"must be between {spec.minimum:g} and {spec.maximum:g}"
    return None


def actuals(figures: Figures, period: Period) -> dict[str, float | None]:
    """The actual value of every goal key for one group's figures."""
    median = figures.median_response_seconds
    return {
        "median_first_response_minutes": None if median is None else median / 60,
        "sla_percent_met": figures.sla.percent_met,
        "social_leads_per_month": figures.social_leads * DAYS_PER_MONTH / period.length_days,
        "average_sentiment": figures.average_sentiment,
        "complaints_sla_percent_met": figures.complaints_sla.percent_met,
    }


def compare(goals: Goals, actual: Mapping[str, float | None]) -> list[dict[str, Any]]:
    """One entry per goal: key, title, unit, goal, actual, better, met (JSON values)."""
    rows = []
    for spec in GOALS:
        goal = goals.target(spec.key)
        value = actual.get(spec.key)
        met = None if goal is None or value is None else (
            value <= goal if spec.better == "lower" else value >= goal)
        rows.append({"key": spec.key, "title": spec.title, "unit": spec.unit, "goal": goal,
                     "actual": value, "better": spec.better, "met": met})
    return rows
