"""A site's sync rules in one TOML file: sentiment scorer, identity, leads, cases, team,
advocates and kudos.

Why a file and not environment variables: the rules are structured (keywords per
language, routing rules in order, a field mapping, business hours) and an admin reviews
them as a whole, under version control. Every section is optional and falls back to the
defaults each policy declares; an unknown section or key, or a bad value, is refused
with its dotted path (``cases.sla.by_priority.P4: unknown priority``), so a typo never
silently turns a rule off. ``socialcrm doctor`` and every worker load the same file.

```toml
[sentiment]
scorer = "mysite.models:scorer"      # optional: a site's own model

[identity]
threshold = 0.9
below_threshold = "review"           # or "create_lead"
default_region = "US"

[leads]
status = "New"
lead_source = "Other"
[leads.fields]                       # answer name -> Lead field (added to the defaults)
favourite_colour = "description"

[cases]                              # see docs/cases.md

[team]
managers = ["seed_sarah_id"]         # SuiteCRM user ids: SLA breaches and wave alerts

[advocates]                          # see docs/advocates.md
[kudos]
```
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

from plugin.advocates import AdvocatePolicy, KudosRules
from plugin.sync.case_policy import CasePolicy
from plugin.sync.identity import MatchPolicy
from plugin.sync.lead_mapping import LeadMapping

T = TypeVar("T")
SECTIONS = ("sentiment", "identity", "leads", "cases", "team", "advocates", "kudos")


class RulesError(ValueError):
    """The rules file cannot be used; the message names the file and the bad key."""


@dataclass(frozen=True, slots=True)
class SyncRules:
    """Every policy the sync applies, validated."""

    scorer: str | None = None
    identity: MatchPolicy = field(default_factory=MatchPolicy)
    leads: LeadMapping = field(default_factory=LeadMapping)
    cases: CasePolicy = field(default_factory=CasePolicy)
    managers: tuple[str, ...] = ()  # SuiteCRM user ids alerted on breaches and waves
    advocates: AdvocatePolicy = field(default_factory=AdvocatePolicy)
    kudos: KudosRules = field(default_factory=KudosRules)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SyncRules:
        unknown = sorted(set(data) - set(SECTIONS))
        if unknown:
            raise ValueError(f"{unknown[0]}: unknown section (one of {', '.join(SECTIONS)})")
        return cls(
            scorer=_scorer(_table(data, "sentiment")),
            identity=_dataclass(MatchPolicy, _table(data, "identity"), "identity"),
            leads=_leads(_table(data, "leads")),
            cases=CasePolicy.from_dict(_table(data, "cases")),
            managers=_managers(_table(data, "team")),
            advocates=AdvocatePolicy.from_dict(_table(data, "advocates")),
            kudos=KudosRules.from_dict(_table(data, "kudos")),
        )


def load_rules(path: Path | None) -> SyncRules:
    """The rules in ``path`` (None: every default)."""
    if path is None:
        return SyncRules()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RulesError(f"{path}: cannot read the rules file ({exc.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RulesError(f"{path}: not valid TOML ({exc})") from None
    try:
        return SyncRules.from_dict(data)
    except (ValueError, TypeError) as exc:
        raise RulesError(f"{path}: {exc}") from None


def _table(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, Mapping):
        raise ValueError(f"{name}: expected a table, got {type(value).__name__}")
    return value


def _scorer(section: Mapping[str, Any]) -> str | None:
    _only(section, {"scorer"}, "sentiment")
    value = section.get("scorer")
    if value is not None and not isinstance(value, str):
        raise ValueError("sentiment.scorer: expected 'package.module:factory'")
    return value or None


def _managers(section: Mapping[str, Any]) -> tuple[str, ...]:
    _only(section, {"managers"}, "team")
    value = section.get("managers", [])
    if not isinstance(value, list) or not all(
            isinstance(v, str) and v.strip() and len(v) <= 36 and " " not in v for v in value):
        raise ValueError("team.managers: expected a list of SuiteCRM user ids")
    return tuple(dict.fromkeys(value))


def _leads(section: Mapping[str, Any]) -> LeadMapping:
    extra = section.get("fields", {})
    if not isinstance(extra, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in extra.items()):
        raise ValueError("leads.fields: expected a table of answer name = Lead field")
    replace = section.get("replace_default_fields", False)
    if not isinstance(replace, bool):
        raise ValueError("leads.replace_default_fields: expected true or false")
    plain = {k: v for k, v in section.items() if k not in ("fields", "replace_default_fields")}
    base = _dataclass(LeadMapping, plain, "leads", skip={"fields"})
    return base.with_fields(extra, replace=replace) if extra or replace else base


def _dataclass(cls: type[T], section: Mapping[str, Any], path: str, *,
                  skip: frozenset[str] | set[str] = frozenset()) -> T:
    """``cls(**section)`` with unknown keys and wrong value types named by path."""
    names = {f.name: f for f in fields(cls)  # type: ignore[arg-type]
             if f.name not in skip}
    _only(section, set(names), path)
    for key, value in section.items():
        default = getattr(cls(), key)
        if default is not None and not isinstance(value, type(default)) and not (
                isinstance(default, float) and isinstance(value, int)):
            raise ValueError(f"{path}.{key}: expected {type(default).__name__}, "
                             f"got {type(value).__name__}")
    try:
        return cls(**section)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None


def _only(section: Mapping[str, Any], allowed: set[str], path: str) -> None:
    unknown = sorted(set(section) - allowed)
    if unknown:
        raise ValueError(f"{path}.{unknown[0]}: unknown key (one of {', '.join(sorted(allowed))})")
