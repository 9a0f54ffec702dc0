"""Who may do what: SuiteCRM's role-based ACL, reduced to what the API exposes.

A role gives, per module and action (``access``, ``view``, ``list``, ``edit``,
``delete``, ``import``, ``export``, ``massupdate``), one of SuiteCRM's levels:
``all``, ``owner`` (only records assigned to the user, or created by them when nobody
is assigned) or ``none``. Anything a role does not mention is ``all``; with several
roles the most permissive level wins. Admins and client-credentials tokens (which act
as the admin) pass every check.

How the levels surface (modelled on SuiteCRM's source, not on a recording):
``access`` = none hides the module (``[Not Allowed]`` errors, absent from
``/meta/modules``); ``owner``/``none`` on ``view``/``list`` restrict lists to owned
records and answer ``[SuiteCRM] [AccessDeniedException] `` for another user's record;
``/meta/modules`` lists only actions at level ``all`` (ACL_ALLOW_ENABLED and above).
A module whose schema says ``admin_only`` (the package's change outbox, whose bean
overrides ``ACLAccess``) refuses every action to non-admins, whatever their roles.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .registry import ModuleSchema

ACTIONS = ("access", "delete", "edit", "export", "import", "list", "massupdate", "view")
LEVEL_RANK = {"none": 0, "owner": 1, "all": 2}


@dataclass(frozen=True, slots=True)
class Role:
    """A named set of module/action levels."""

    name: str
    modules: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def level(self, module: str, action: str) -> str:
        return self.modules.get(module, {}).get(action, "all")

    @classmethod
    def build(cls, name: str, modules: Mapping[str, Mapping[str, str]]) -> Role:
        checked: dict[str, Mapping[str, str]] = {}
        for module, actions in modules.items():
            for action, level in actions.items():
                if action not in ACTIONS or level not in LEVEL_RANK:
                    raise ValueError(f"role {name}: bad ACL entry {module}.{action}={level}")
            checked[module] = MappingProxyType(dict(actions))
        return cls(name=name, modules=MappingProxyType(checked))


@dataclass(frozen=True, slots=True)
class Actor:
    """The user a request acts as, resolved from its access token."""

    user_id: str
    is_admin: bool
    roles: tuple[Role, ...] = ()
    client_id: str = ""


def level(actor: Actor, schema: ModuleSchema, action: str) -> str:
    if schema.admin_only and not actor.is_admin:
        # The bean's own ACLAccess refuses non-admins every action (AccessDeniedException);
        # the module itself stays reachable, so nothing answers "[Not Allowed]".
        return "all" if action == "access" else "none"
    if actor.is_admin or not schema.acl or not actor.roles:
        return "all"
    return max(
        (role.level(schema.module, action) for role in actor.roles), key=LEVEL_RANK.__getitem__
    )


def module_accessible(actor: Actor, schema: ModuleSchema) -> bool:
    return level(actor, schema, "access") != "none"


def is_owner(row: Mapping[str, Any], user_id: str) -> bool:
    assigned = row.get("assigned_user_id")
    if assigned:
        return bool(assigned == user_id)
    return bool(row.get("created_by") == user_id)


def allows(actor: Actor, schema: ModuleSchema, action: str, row: Mapping[str, Any] | None) -> bool:
    """``SugarBean::ACLAccess``: a new record (``row is None``) counts as owned."""
    found = level(actor, schema, action)
    if found == "all":
        return True
    if found == "none":
        return False
    return row is None or is_owner(row, actor.user_id)


def access_list(actor: Actor, schema: ModuleSchema) -> list[str]:
    return [action for action in ACTIONS if level(actor, schema, action) == "all"]
