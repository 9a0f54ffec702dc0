"""The metrics and goals endpoints' arguments and answers.

The answer schemas mirror ``plugin.metrics.summary`` field for field: every field is
always present, and a figure that cannot be computed (no answered item, no score) is
``null``, never 0.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import marshmallow as ma

from plugin.metrics import (
    GOALS,
    KNOWN_NETWORKS,
    MAX_DAYS,
    GoalSpec,
    PeriodError,
    parse_period,
    zone_named,
)

USER_ID = r"^[A-Za-z0-9_.\-]{1,64}$"


def _count(description: str) -> ma.fields.Integer:
    return ma.fields.Integer(required=True, metadata={"description": description})


def _number(description: str) -> ma.fields.Float:
    return ma.fields.Float(required=True, allow_none=True,
                           metadata={"description": description})


class MetricsArgs(ma.Schema):
    period = ma.fields.String(load_default="30d", metadata={"description": (
        f"`7d`, `30d`, `90d` (any `Nd` up to {MAX_DAYS}: the N calendar days that end "
        "today, today included) or `<start>/<end>` in ISO 8601 (a date end includes "
        "that whole day; a date-time end is exclusive)"), "example": "30d"})
    tz = ma.fields.String(load_default="UTC", metadata={
        "description": "IANA time zone whose calendar days cut the period and the daily "
                       "figures", "example": "Europe/Berlin"})
    network = ma.fields.String(validate=ma.validate.OneOf(KNOWN_NETWORKS), metadata={
        "description": "Only this network's interactions and leads"})
    user = ma.fields.String(validate=ma.validate.Regexp(USER_ID), metadata={
        "description": "Only what is assigned to this SuiteCRM user id"})

    @ma.validates_schema
    def _readable_period(self, data: dict[str, Any], **_: Any) -> None:
        try:
            zone = zone_named(data.get("tz", "UTC"))
        except PeriodError as exc:
            raise ma.ValidationError(str(exc), field_name="tz") from None
        try:
            parse_period(data.get("period", "30d"), now=datetime.now(UTC), zone=zone)
        except PeriodError as exc:
            raise ma.ValidationError(str(exc), field_name="period") from None


class MetricsCountsSchema(ma.Schema):
    inbound = _count("Inbound interactions written in the period (deleted ones left out)")
    needs_answer = _count("Inbound comments, replies and messages, and items with an SLA "
                          "due time; not hidden ones")
    answered = _count("Of those needing an answer, the ones with a first response")
    unanswered = _count("Of those needing an answer, the ones without a first response")
    complaints = _count("Inbound items linked to a Case or with negative sentiment")
    cases_opened = _count("Cases created in the period that a social interaction is "
                          "linked to")
    social_leads = _count("Leads created from Facebook or LinkedIn lead forms (test leads "
                          "left out)")


class MetricsFirstResponseSchema(ma.Schema):
    median_seconds = _number("Median first-response time of the answered items")
    p90_seconds = _number("Nearest-rank 90th percentile of the same times")


class MetricsSlaSchema(ma.Schema):
    met = _count("Answered at or before the SLA due time")
    missed = _count("Answered after the due time, or unanswered past it")
    pending = _count("Unanswered and not yet due (left out of percent_met)")
    percent_met = _number("met / (met + missed) in percent")


class MetricsSentimentSchema(ma.Schema):
    average = _number("Mean sentiment score, from -1 (negative) to 1 (positive)")
    scored = _count("Items with a score")


class MetricsGoalResultSchema(ma.Schema):
    key = ma.fields.String(required=True, validate=ma.validate.OneOf(
        [spec.key for spec in GOALS]))
    title = ma.fields.String(required=True)
    unit = ma.fields.String(required=True)
    goal = _number("The admin's target; null: no goal set")
    actual = _number("The measured value; null: no data to measure it")
    better = ma.fields.String(required=True, validate=ma.validate.OneOf(["lower", "higher"]))
    met = ma.fields.Boolean(required=True, allow_none=True, metadata={
        "description": "Whether the actual reaches the goal; null without goal or data"})


class MetricsFiguresSchema(ma.Schema):
    counts = ma.fields.Nested(MetricsCountsSchema, required=True)
    first_response = ma.fields.Nested(MetricsFirstResponseSchema, required=True)
    sla = ma.fields.Nested(MetricsSlaSchema, required=True)
    complaints_sla = ma.fields.Nested(MetricsSlaSchema, required=True, metadata={
        "description": "The SLA figures of complaints only"})
    sentiment = ma.fields.Nested(MetricsSentimentSchema, required=True)
    goals = ma.fields.List(ma.fields.Nested(MetricsGoalResultSchema), required=True)


class MetricsNetworkSchema(MetricsFiguresSchema):
    network = ma.fields.String(required=True)


class MetricsTeamSchema(MetricsFiguresSchema):
    user_id = ma.fields.String(required=True, allow_none=True, metadata={
        "description": "The SuiteCRM user the items are assigned to; null: unassigned"})
    user_name = ma.fields.String(required=True, allow_none=True)


class MetricsDaySchema(ma.Schema):
    date = ma.fields.String(required=True, metadata={"format": "date",
                                                     "description": "In the period's zone"})
    inbound = _count("Inbound interactions written that day")
    inbound_by_network = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer(),
                                        required=True)
    complaints = _count("Complaints written that day")
    average_sentiment = _number("Mean sentiment score of the day's scored items")
    scored = _count("The day's items with a score")


class MetricsPeriodSchema(ma.Schema):
    label = ma.fields.String(required=True, metadata={"description": "As asked"})
    start = ma.fields.String(required=True, metadata={"format": "date-time"})
    end = ma.fields.String(required=True, metadata={"format": "date-time",
                                                    "description": "Exclusive"})
    time_zone = ma.fields.String(required=True)


def _goal_field(spec: GoalSpec, *, for_input: bool) -> ma.fields.Float:
    description = f"{spec.title} ({spec.better} is better); null: no goal"
    if for_input:
        return ma.fields.Float(load_default=None, allow_none=True, allow_nan=False,
                               validate=ma.validate.Range(spec.minimum, spec.maximum),
                               metadata={"description": description})
    return _number(description)


GoalsInputSchema = ma.Schema.from_dict(
    {spec.key: _goal_field(spec, for_input=True) for spec in GOALS}, name="GoalsInput")

GoalsSchema = ma.Schema.from_dict({
    **{spec.key: _goal_field(spec, for_input=False) for spec in GOALS},
    "updated_at": ma.fields.String(required=True, allow_none=True,
                                   metadata={"format": "date-time"}),
    "updated_by": ma.fields.String(required=True, allow_none=True,
                                   metadata={"description": "The admin's user name"}),
}, name="Goals")


class MetricsSchema(ma.Schema):
    period = ma.fields.Nested(MetricsPeriodSchema, required=True)
    generated_at = ma.fields.String(required=True, metadata={"format": "date-time"})
    unreadable_modules = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": "SuiteCRM modules your role closes to you: their figures (Cases "
                       "opened, social leads ...) are 0 because you cannot see them"})
    goals = ma.fields.Nested(GoalsSchema, required=True)
    overall = ma.fields.Nested(MetricsFiguresSchema, required=True)
    by_network = ma.fields.List(ma.fields.Nested(MetricsNetworkSchema), required=True)
    by_team = ma.fields.List(ma.fields.Nested(MetricsTeamSchema), required=True)
    daily = ma.fields.List(ma.fields.Nested(MetricsDaySchema), required=True)
