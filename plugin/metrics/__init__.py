"""Goals, metrics and the manager's report: pure computations, no Redis, no Flask.

Read the facts off SuiteCRM records (``records``), choose a ``Period``, ``summarise``
them into JSON (overall, per network, per team member, per day), and judge the actuals
against the admin's ``Goals`` (``with_goals``). ``workers.metrics`` reads SuiteCRM and
caches; ``mobile_api.metrics`` and ``socialcrm report`` show the same JSON. The
definitions are in each module's docstring and in docs/reports.md.
"""

from plugin.metrics.figures import Figures, SlaTally, figures, sla_outcome
from plugin.metrics.goals import GOAL_KEYS, GOALS, Goals, GoalsError, GoalSpec, compare
from plugin.metrics.period import MAX_DAYS, Period, PeriodError, parse_period, zone_named
from plugin.metrics.records import (
    CASE_FIELDS,
    INTERACTION_FIELDS,
    LEAD_FIELDS,
    CaseOpened,
    Interaction,
    SocialLead,
    case_from,
    interaction_from,
    social_lead_from,
)
from plugin.metrics.summary import KNOWN_NETWORKS, Facts, summarise, with_goals

__all__ = [
    "CASE_FIELDS",
    "GOALS",
    "GOAL_KEYS",
    "INTERACTION_FIELDS",
    "KNOWN_NETWORKS",
    "LEAD_FIELDS",
    "MAX_DAYS",
    "CaseOpened",
    "Facts",
    "Figures",
    "GoalSpec",
    "Goals",
    "GoalsError",
    "Interaction",
    "Period",
    "PeriodError",
    "SlaTally",
    "SocialLead",
    "case_from",
    "compare",
    "figures",
    "interaction_from",
    "parse_period",
    "sla_outcome",
    "social_lead_from",
    "summarise",
    "with_goals",
    "zone_named",
]
