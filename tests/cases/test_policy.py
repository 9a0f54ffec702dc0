"""CasePolicy.from_dict: sensible defaults, a full rules file, and errors naming the field."""

from __future__ import annotations

import tomllib
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from plugin.sync.case_policy import CasePolicy
from plugin.sync.routing import RoutingRule

RULES = """
[cases]
case_type = "Product"
name_max_length = 60
priorities = ["P1", "P2", "P3"]
join_by_person = false

[cases.priority]
score = "P1"
keyword = "P2"
message = "P3"
urgent_score_below = -0.9

[cases.complaints]
score_below = -0.5
messages_open_cases = false
kinds = ["comment", "reply"]
keywords = { en = ["refund", "money back"], ru = ["возврат"], zh = ["退款"] }

[cases.routing]
rules = ["account_owner", "page_owner", "round_robin:support", "fallback"]
fallback_user_id = "1"
page_owners = { "104478281" = "seed_sally_id" }
groups = { support = ["seed_max_id", "seed_will_id"] }

[cases.sla]
default = "48h"
by_priority = { P1 = "30m", P2 = "4h", P3 = 1440 }
by_kind = { message = "1h30m" }

[cases.sla.business_hours]
timezone = "Europe/Berlin"
start = 08:30:00
end = "17:00"
days = ["mon", "tue", "wed", "thu", "friday"]
holidays = [2026-12-25, "2026-12-26"]
"""


def test_an_empty_table_is_the_default_policy() -> None:
    policy = CasePolicy.from_dict({})
    assert policy == CasePolicy()
    assert policy.complaints.score_below == -0.4
    assert "退款" in policy.complaints.keywords["zh"]
    assert policy.sla.business_hours is None
    assert [rule.name for rule in policy.routing.rules] == ["account_owner", "page_owner"]


def test_a_full_rules_file_is_read_into_the_policy() -> None:
    policy = CasePolicy.from_dict(tomllib.loads(RULES)["cases"])
    assert (policy.case_type, policy.name_max_length, policy.join_by_person) == \
        ("Product", 60, False)
    assert dict(policy.priority_by_rule) == {"score": "P1", "keyword": "P2", "message": "P3"}
    assert policy.urgent_score_below == -0.9
    assert policy.complaints.score_below == -0.5
    assert policy.complaints.kinds == {"comment", "reply"}
    assert policy.complaints.keywords["en"] == ("refund", "money back")
    assert not policy.complaints.messages_open_cases
    assert policy.routing.rules == (RoutingRule("account_owner"), RoutingRule("page_owner"),
                                    RoutingRule("round_robin", "support"),
                                    RoutingRule("fallback"))
    assert dict(policy.routing.page_owners) == {"104478281": "seed_sally_id"}
    assert policy.routing.groups["support"] == ("seed_max_id", "seed_will_id")
    assert policy.sla.by_priority["P1"] == timedelta(minutes=30)
    assert policy.sla.by_priority["P3"] == timedelta(hours=24)
    assert policy.sla.by_kind["message"] == timedelta(minutes=90)
    assert policy.sla.default == timedelta(hours=48)
    hours = policy.sla.business_hours
    assert hours is not None and hours.zone.key == "Europe/Berlin"
    assert (hours.start, hours.end) == (time(8, 30), time(17))
    assert hours.workdays == {0, 1, 2, 3, 4}
    assert hours.holidays == {date(2026, 12, 25), date(2026, 12, 26)}


def test_custom_priorities_keep_only_the_default_targets_that_still_apply() -> None:
    policy = CasePolicy.from_dict({"priorities": ["P1", "P2"],
                                   "priority": {"message": "P2"}})
    assert set(policy.sla.by_priority) == {"P1", "P2"}
    assert policy.more_urgent("P2", "P1") == "P1"


def with_setting(path: str, value: Any) -> dict[str, Any]:
    """The full rules file with one setting replaced (``a.b.c``) or added."""
    data = tomllib.loads(RULES)["cases"]
    *tables, key = path.split(".")
    target = data
    for name in tables:
        target = target.setdefault(name, {})
    target[key] = value
    return data


@pytest.mark.parametrize(("path", "value", "message"), [
    ("complaints.score_below", 0.5, "cases.complaints.score_below: expected a number from -1"),
    ("complaints.score_below", "low", "cases.complaints.score_below: expected a number"),
    ("complaints.messages_open_cases", "yes", "cases.complaints.messages_open_cases: "
                                              "expected true or false"),
    ("complaints.kinds", ["comment", "tweet"], "cases.complaints.kinds[1]: unknown kind"),
    ("complaints.keywords", {"EN": ["refund"]}, "cases.complaints.keywords.EN: expected a "
                                                "lower-case language code"),
    ("complaints.keywords", {"en": ["refund", " "]}, "cases.complaints.keywords.en[1]: "
                                                     "expected a non-empty string"),
    ("complaints.keyword", ["refund"], "cases.complaints.keyword: unknown setting"),
    ("priority.score", "P0", "cases.priority.score: unknown priority 'P0'"),
    ("priority.urgent_score_below", -2, "cases.priority.urgent_score_below: expected"),
    ("priorities", ["P1", "P1"], "cases.priorities: expected distinct priorities"),
    ("name_max_length", 500, "cases.name_max_length: expected a whole number from 10 to 250"),
    ("case_type", "", "cases.case_type: expected a non-empty string"),
    ("routing.rules", ["account_owner", "owner"], "cases.routing.rules[1]: unknown rule"),
    ("routing.rules", ["round_robin:sales"], "cases.routing.rules[0]: round_robin needs a "
                                             "group defined under cases.routing.groups"),
    ("routing.rules", ["page_owner:support"], "cases.routing.rules[0]: only round_robin "
                                              "takes a group"),
    ("routing.groups", {"support": []}, "cases.routing.groups.support: a round-robin group "
                                        "needs members"),
    ("routing.page_owners", {"104478281": 7}, "cases.routing.page_owners.104478281: expected "
                                              "a non-empty string"),
    ("sla.by_priority", {"P4": "1h"}, "cases.sla.by_priority.P4: unknown priority"),
    ("sla.by_kind", {"tweet": "1h"}, "cases.sla.by_kind.tweet: unknown kind"),
    ("sla.by_priority", {"P1": "2x"}, "cases.sla.by_priority.P1: expected a duration"),
    ("sla.by_priority", {"P1": 0}, "cases.sla.by_priority.P1: a duration must be longer"),
    ("sla.default", "soon", "cases.sla.default: expected a duration"),
    ("sla.business_hours.timezone", "Mars/Olympus", "cases.sla.business_hours.timezone: "
                                                     "unknown time zone 'Mars/Olympus'"),
    ("sla.business_hours.start", "9am", "cases.sla.business_hours.start: expected a time"),
    ("sla.business_hours.end", "08:00", "cases.sla.business_hours.end: the working day must "
                                        "end after it starts"),
    ("sla.business_hours.days", ["mon", "funday"], "cases.sla.business_hours.days[1]: "
                                                   "expected a weekday"),
    ("sla.business_hours.days", [], "cases.sla.business_hours.days: at least one working day"),
    ("sla.business_hours.holidays", ["25.12.2026"], "cases.sla.business_hours.holidays[0]: "
                                                    "expected a date"),
    ("sla.business_hours", "9-17", "cases.sla.business_hours: expected a table"),
    ("sla.business_hours.weekend", ["sat"], "cases.sla.business_hours.weekend: unknown "
                                            "setting"),
])
def test_a_bad_setting_is_refused_naming_it(path: str, value: Any, message: str) -> None:
    with pytest.raises(ValueError) as refused:
        CasePolicy.from_dict(with_setting(path, value))
    assert str(refused.value).startswith(message), str(refused.value)


def test_the_fallback_rule_needs_a_fallback_user() -> None:
    data = with_setting("routing.rules", ["fallback"])
    del data["routing"]["fallback_user_id"]
    with pytest.raises(ValueError, match=r"^cases.routing.rules\[0\]: the fallback rule needs "
                                         r"cases.routing.fallback_user_id"):
        CasePolicy.from_dict(data)


def test_the_section_name_prefixes_every_message() -> None:
    with pytest.raises(ValueError, match=r"^rules.cases.case_type: "):
        CasePolicy.from_dict({"case_type": 3}, section="rules.cases")


def test_the_example_in_the_docs_is_a_valid_policy() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "cases.md").read_text("utf-8")
    example = docs.split("```toml\n", 1)[1].split("```", 1)[0]
    policy = CasePolicy.from_dict(tomllib.loads(example)["cases"])
    assert policy.complaints == CasePolicy().complaints, "it shows the default keywords"
    assert policy.routing.rules[2] == RoutingRule("round_robin", "support")
    assert policy.sla.business_hours is not None
