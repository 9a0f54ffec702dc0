"""Who gets a new Case: ordered rules, the first that names a user wins.

Rules (written in the policy as strings, in the order they are tried):

* ``account_owner``: the user the Case's Account is assigned to in SuiteCRM. Why first
  by default: the rep who owns the customer relationship should hear about its
  complaints, and SuiteCRM already says who that is.
* ``page_owner``: the user configured for the Facebook Page or LinkedIn organization the
  interaction arrived on (``page_owners``: Page/org id -> user id).
* ``round_robin:<group>``: the next member of a configured group, in turn. Turns are
  kept by a ``Rotation`` (the workers' one counts in Redis, so the turn is fair across
  every worker process on every host); the plugin holds no state of its own.
* ``fallback``: one configured user, so that nothing is left unassigned.

When no rule names anyone the Case is left unassigned (rule ``unassigned``); the rule
that decided is recorded either way. A joined Case keeps its assignee: routing runs only
when a Case is opened.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal, Protocol

from connectors.errors import NotFoundError
from connectors.suitecrm import SuiteCRMClient

RoutingKind = Literal["account_owner", "page_owner", "round_robin", "fallback"]
ROUTING_KINDS: tuple[RoutingKind, ...] = ("account_owner", "page_owner", "round_robin",
                                          "fallback")
UNASSIGNED = "unassigned"


class Rotation(Protocol):
    """Whose turn it is in a round-robin group (``workers.rotation.RedisRotation``)."""

    def next(self, group_name: str, members: Sequence[str]) -> str: ...


@dataclass(frozen=True, slots=True)
class RoutingRule:
    kind: RoutingKind
    group: str | None = None  # round_robin only

    @property
    def name(self) -> str:
        """How the rule is written in the policy and recorded on the outcome."""
        return f"{self.kind}:{self.group}" if self.group else self.kind


def _no_mapping() -> Mapping[str, str]:
    return MappingProxyType({})


def _no_groups() -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class RoutingPolicy:
    rules: tuple[RoutingRule, ...] = (RoutingRule("account_owner"), RoutingRule("page_owner"))
    page_owners: Mapping[str, str] = field(default_factory=_no_mapping)  # Page id -> user id
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=_no_groups)
    fallback_user_id: str | None = None


@dataclass(frozen=True, slots=True)
class Route:
    """The chosen user (None: unassigned) and the rule that chose them."""

    user_id: str | None
    rule: str


def route_case(crm: SuiteCRMClient, *, account_id: str | None, page_owner_id: str | None,
               policy: RoutingPolicy, rotation: Rotation) -> Route:
    """Try the rules in order; the first that names a user routes the Case."""
    for rule in policy.rules:
        user_id = _apply(rule, crm, account_id, page_owner_id, policy, rotation)
        if user_id:
            return Route(user_id, rule.name)
    return Route(None, UNASSIGNED)


def _apply(rule: RoutingRule, crm: SuiteCRMClient, account_id: str | None,
           page_owner_id: str | None, policy: RoutingPolicy, rotation: Rotation) -> str | None:
    if rule.kind == "account_owner":
        return account_owner(crm, account_id) if account_id else None
    if rule.kind == "page_owner":
        return policy.page_owners.get(page_owner_id) if page_owner_id else None
    if rule.kind == "round_robin":
        members = policy.groups.get(rule.group or "", ())
        if not members:
            return None
        chosen = rotation.next(rule.group or "", members)
        if chosen not in members:
            raise ValueError(f"rotation chose {chosen!r}, not a member of {rule.group!r}")
        return chosen
    return policy.fallback_user_id


def account_owner(crm: SuiteCRMClient, account_id: str) -> str | None:
    """The user the Account is assigned to (None when it is gone or unassigned)."""
    try:
        account = crm.get("Accounts", account_id, fields=["assigned_user_id"])
    except NotFoundError:
        return None
    return str(account.get("assigned_user_id") or "") or None
