"""The Social-to-Case policy: what opens a Case, its priority, routing and SLA targets.

The lead loads it from the ``[cases]`` table of a TOML rules file with
``CasePolicy.from_dict(table)``. Why validate everything here, once: a typo in a rules
file must stop start-up with a message that names the setting (``cases.sla.by_priority.P4:
unknown priority``), not surface as a Case routed to nobody at three in the morning.
Unknown keys are errors for the same reason. Every setting has a default, so an empty
table is a working policy; docs/cases.md lists them all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from plugin.model import dropdown
from plugin.sync.complaints import ComplaintPolicy
from plugin.sync.routing import ROUTING_KINDS, RoutingKind, RoutingPolicy, RoutingRule
from plugin.sync.sla import BusinessHours, SlaPolicy, parse_clock, parse_day, parse_duration

NETWORKS = tuple(key for key, _ in dropdown("scrm_network_list").options if key)
INTERACTION_KINDS = frozenset(key for key, _ in dropdown("scrm_interaction_kind_list").options
                              if key)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_NAMES = {name: i for i, day in enumerate(WEEKDAYS)
                  for name in (day, ("monday", "tuesday", "wednesday", "thursday", "friday",
                                     "saturday", "sunday")[i])}
_ROUTING_KIND: Mapping[str, RoutingKind] = {kind: kind for kind in ROUTING_KINDS}
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$")


@dataclass(frozen=True, slots=True)
class CasePolicy:
    complaints: ComplaintPolicy = field(default_factory=ComplaintPolicy)
    routing: RoutingPolicy = field(default_factory=RoutingPolicy)
    sla: SlaPolicy = field(default_factory=SlaPolicy)
    priorities: tuple[str, ...] = ("P1", "P2", "P3")  # most urgent first
    priority_by_rule: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({
        "score": "P2", "keyword": "P2", "message": "P3"}))
    urgent_score_below: float | None = -0.75  # any trigger with a score under it: priorities[0]
    case_type: str = "User"
    name_max_length: int = 80
    join_by_person: bool = True
    escalate_on_join: bool = True
    link_contact: bool = True

    def more_urgent(self, a: str, b: str) -> str:
        """The more urgent of two priorities (an unknown one counts as least urgent)."""
        rank = {p: i for i, p in enumerate(self.priorities)}
        return min(a, b, key=lambda p: rank.get(p, len(rank)))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, section: str = "cases") -> CasePolicy:
        """Build and validate; a ValueError names the bad setting by its dotted path."""
        return _read_policy(_Table(data, section))


class _Table:
    """One settings table: typed reads that name the path, and a check for unknown keys."""

    def __init__(self, data: Any, path: str) -> None:
        if not isinstance(data, Mapping):
            raise ValueError(f"{path}: expected a table, got {type(data).__name__}")
        self.data, self.path, self.read = data, path, set[str]()

    def where(self, key: str) -> str:
        return f"{self.path}.{key}"

    def raw(self, key: str, default: Any) -> Any:
        self.read.add(key)
        return self.data.get(key, default)

    def table(self, key: str) -> _Table:
        return _Table(self.raw(key, {}), self.where(key))

    def flag(self, key: str, default: bool) -> bool:
        value = self.raw(key, default)
        if not isinstance(value, bool):
            raise ValueError(f"{self.where(key)}: expected true or false, got {value!r}")
        return value

    def score(self, key: str, default: float | None) -> float | None:
        """A sentiment score threshold: negative (from -1 to 0), or None when not given."""
        value = self.raw(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not -1 <= value <= 0:
            raise ValueError(f"{self.where(key)}: expected a number from -1 to 0, got {value!r}")
        return float(value)

    def text(self, key: str, default: str | None) -> str | None:
        return _text(self.raw(key, default), self.where(key), optional=default is None)

    def texts(self, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        return _texts(self.raw(key, list(default)), self.where(key))

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.read)
        if unknown:
            raise ValueError(f"{self.where(str(unknown[0]))}: unknown setting "
                             f"(known: {', '.join(sorted(self.read))})")


def _text(value: Any, where: str, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: expected a non-empty string, got {value!r}")
    return value.strip()


def _texts(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        raise ValueError(f"{where}: expected a list of strings, got {value!r}")
    return tuple(str(_text(item, f"{where}[{i}]")) for i, item in enumerate(value))


def _read_policy(table: _Table) -> CasePolicy:
    base = CasePolicy()
    priorities = table.texts("priorities", base.priorities)
    if not priorities or len(set(priorities)) != len(priorities):
        raise ValueError(f"{table.where('priorities')}: expected distinct priorities, "
                         f"most urgent first")
    by_rule = table.table("priority")
    priority_by_rule = {}
    for rule, default in base.priority_by_rule.items():
        value = str(by_rule.text(rule, default))
        if value not in priorities:
            raise ValueError(f"{by_rule.where(rule)}: unknown priority {value!r} "
                             f"(one of {', '.join(priorities)})")
        priority_by_rule[rule] = value
    urgent = by_rule.score("urgent_score_below", base.urgent_score_below)
    by_rule.done()
    name_max = table.raw("name_max_length", base.name_max_length)
    if isinstance(name_max, bool) or not isinstance(name_max, int) or not 10 <= name_max <= 250:
        raise ValueError(f"{table.where('name_max_length')}: expected a whole number from 10 "
                         f"to 250, got {name_max!r}")
    policy = CasePolicy(
        complaints=_read_complaints(table.table("complaints")),
        routing=_read_routing(table.table("routing")),
        sla=_read_sla(table.table("sla"), priorities),
        priorities=priorities, priority_by_rule=MappingProxyType(priority_by_rule),
        urgent_score_below=urgent, case_type=str(table.text("case_type", base.case_type)),
        name_max_length=name_max,
        join_by_person=table.flag("join_by_person", base.join_by_person),
        escalate_on_join=table.flag("escalate_on_join", base.escalate_on_join),
        link_contact=table.flag("link_contact", base.link_contact),
    )
    table.done()
    return policy


def _read_complaints(table: _Table) -> ComplaintPolicy:
    base = ComplaintPolicy()
    words = table.raw("keywords", None)
    keywords = base.keywords
    if words is not None:
        listed = _Table(words, table.where("keywords"))
        for language in listed.data:
            if not isinstance(language, str) or not _LANGUAGE.match(language):
                raise ValueError(f"{listed.where(str(language))}: expected a lower-case "
                                 f"language code such as 'en', 'ru' or 'zh'")
        keywords = MappingProxyType({lang: listed.texts(lang, ()) for lang in listed.data})
    kinds = table.texts("kinds", tuple(sorted(base.kinds)))
    for i, kind in enumerate(kinds):
        if kind not in INTERACTION_KINDS:
            raise ValueError(f"{table.where('kinds')}[{i}]: unknown kind {kind!r} "
                             f"(one of {', '.join(sorted(INTERACTION_KINDS))})")
    score_below = table.score("score_below", base.score_below)
    if score_below is None:
        raise ValueError(f"{table.where('score_below')}: expected a number from -1 to 0")
    policy = ComplaintPolicy(
        score_below=score_below,
        keywords=keywords,
        keywords_in_any_language=table.flag("keywords_in_any_language",
                                            base.keywords_in_any_language),
        messages_open_cases=table.flag("messages_open_cases", base.messages_open_cases),
        kinds=frozenset(kinds),
    )
    table.done()
    return policy


def _read_routing(table: _Table) -> RoutingPolicy:
    base = RoutingPolicy()
    groups_table = table.table("groups")
    groups = {str(name): groups_table.texts(str(name), ()) for name in groups_table.data}
    for name, members in groups.items():
        if not members:
            raise ValueError(f"{groups_table.where(name)}: a round-robin group needs members")
    owners_table = table.table("page_owners")
    owners = {str(page): str(owners_table.text(str(page), "")) for page in owners_table.data}
    fallback = table.text("fallback_user_id", None)
    rules = []
    written = table.texts("rules", tuple(rule.name for rule in base.rules))
    for i, text in enumerate(written):
        where = f"{table.where('rules')}[{i}]"
        written_kind, _, group = text.partition(":")
        kind = _ROUTING_KIND.get(written_kind)
        if kind is None:
            raise ValueError(f"{where}: unknown rule {text!r} (one of account_owner, "
                             f"page_owner, round_robin:<group>, fallback)")
        if kind == "round_robin" and group not in groups:
            raise ValueError(f"{where}: round_robin needs a group defined under "
                             f"{table.where('groups')}, got {text!r}")
        if kind != "round_robin" and group:
            raise ValueError(f"{where}: only round_robin takes a group, got {text!r}")
        if kind == "fallback" and fallback is None:
            raise ValueError(f"{where}: the fallback rule needs "
                             f"{table.where('fallback_user_id')}")
        rules.append(RoutingRule(kind, group or None))
    table.done()
    return RoutingPolicy(tuple(rules), MappingProxyType(owners), MappingProxyType(groups),
                         fallback)


def _read_sla(table: _Table, priorities: tuple[str, ...]) -> SlaPolicy:
    base = SlaPolicy()
    targets: dict[str, Mapping[str, timedelta]] = {}
    for key, allowed, what in (("by_priority", priorities, "priority"),
                               ("by_kind", tuple(sorted(INTERACTION_KINDS)), "kind"),
                               ("by_network", NETWORKS, "network")):
        given = table.raw(key, None)
        defaults = {name: target for name, target in getattr(base, key).items()
                    if name in allowed}
        listed = _Table(defaults if given is None else given, table.where(key))
        for name in listed.data:
            if name not in allowed:
                raise ValueError(f"{listed.where(str(name))}: unknown {what} "
                                 f"(one of {', '.join(allowed)})")
        targets[key] = MappingProxyType({str(name): parse_duration(value, listed.where(str(name)))
                                         for name, value in listed.data.items()})
    default = parse_duration(table.raw("default", 24 * 60), table.where("default"))
    warn_before = parse_duration(table.raw("warn_before", 15), table.where("warn_before"))
    hours_table = table.raw("business_hours", None)
    hours = None if hours_table is None else \
        _read_business_hours(_Table(hours_table, table.where("business_hours")))
    table.done()
    return SlaPolicy(targets["by_priority"], targets["by_kind"], default, hours,
                     targets["by_network"], warn_before)


def _read_business_hours(table: _Table) -> BusinessHours:
    zone_name = str(table.text("timezone", "UTC"))
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{table.where('timezone')}: unknown time zone {zone_name!r} "
                         f"(an IANA name such as 'Europe/Berlin')") from None
    start = parse_clock(table.raw("start", "09:00"), table.where("start"))
    end = parse_clock(table.raw("end", "17:00"), table.where("end"))
    if not start < end:
        raise ValueError(f"{table.where('end')}: the working day must end after it starts "
                         f"({start:%H:%M})")
    days = table.texts("days", WEEKDAYS[:5])
    workdays = set()
    for i, day in enumerate(days):
        if day.lower() not in _WEEKDAY_NAMES:
            raise ValueError(f"{table.where('days')}[{i}]: expected a weekday such as 'mon', "
                             f"got {day!r}")
        workdays.add(_WEEKDAY_NAMES[day.lower()])
    if not workdays:
        raise ValueError(f"{table.where('days')}: at least one working day is needed")
    raw_holidays = table.raw("holidays", [])
    if not isinstance(raw_holidays, list):
        raise ValueError(f"{table.where('holidays')}: expected a list of dates")
    holidays = frozenset(parse_day(d, f"{table.where('holidays')}[{i}]")
                         for i, d in enumerate(raw_holidays))
    table.done()
    return BusinessHours(zone, start, end, frozenset(workdays), holidays)
