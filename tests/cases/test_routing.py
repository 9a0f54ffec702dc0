"""Routing a new Case by each rule, in the configured order, on the SuiteCRM sandbox; the
rule that decided is recorded on the outcome and the Case."""

from __future__ import annotations

from connectors.suitecrm import SuiteCRMClient
from plugin.sync.case_policy import CasePolicy
from plugin.sync.cases import open_or_join_case
from plugin.sync.routing import RoutingPolicy, RoutingRule, route_case
from tests.cases.conftest import MAX, NOW, SALLY, WILL, World
from workers.rotation import RedisRotation

PAGE = "104478281"
ALL_RULES = {"rules": ["account_owner", "page_owner", "round_robin:support", "fallback"],
             "page_owners": {PAGE: WILL}, "groups": {"support": [MAX, SALLY]},
             "fallback_user_id": "1"}


def policy(**routing: object) -> CasePolicy:
    return CasePolicy.from_dict({"routing": {**ALL_RULES, **routing}})


def opened_by(crm: SuiteCRMClient, world: World, rotation: RedisRotation, rules: CasePolicy,
              **facts: object) -> tuple[str | None, str]:
    outcome = open_or_join_case(crm, world.facts("refund", thread=None, **facts), rules,
                                rotation, NOW)
    assert outcome.action == "opened" and outcome.route is not None
    case = crm.get("Cases", outcome.case_id or "")
    assert (case.get("assigned_user_id") or None) == outcome.route.user_id
    assert f"routed by {outcome.route.rule}" in case.get("work_log")
    return outcome.route.user_id, outcome.route.rule


def test_the_account_owner_comes_first(crm: SuiteCRMClient, world: World,
                                       rotation: RedisRotation) -> None:
    account = world.account(owner=SALLY)
    assert opened_by(crm, world, rotation, policy(), account_id=account,
                     page_owner_id=PAGE) == (SALLY, "account_owner")


def test_an_unassigned_or_missing_account_passes_to_the_page_owner(
        crm: SuiteCRMClient, world: World, rotation: RedisRotation) -> None:
    unowned = world.account()
    crm.update("Accounts", unowned, {"assigned_user_id": ""})
    assert opened_by(crm, world, rotation, policy(), account_id=unowned,
                     page_owner_id=PAGE) == (WILL, "page_owner")
    gone = world.account(owner=SALLY)
    crm.delete("Accounts", gone)
    assert opened_by(crm, world, rotation, policy(), account_id=gone,
                     page_owner_id=PAGE) == (WILL, "page_owner")


def test_an_unknown_page_passes_to_the_round_robin_group_in_turn(
        crm: SuiteCRMClient, world: World, rotation: RedisRotation) -> None:
    routed = [opened_by(crm, world, rotation, policy(), page_owner_id="other-page")
              for _ in range(3)]
    assert routed == [(MAX, "round_robin:support"), (SALLY, "round_robin:support"),
                      (MAX, "round_robin:support")]


def test_the_fallback_user_catches_the_rest(crm: SuiteCRMClient, world: World,
                                            rotation: RedisRotation) -> None:
    rules = policy(rules=["account_owner", "page_owner", "fallback"])
    assert opened_by(crm, world, rotation, rules) == ("1", "fallback")


def test_without_a_matching_rule_the_case_stays_unassigned(
        crm: SuiteCRMClient, world: World, rotation: RedisRotation) -> None:
    rules = policy(rules=["account_owner", "page_owner"])
    assert opened_by(crm, world, rotation, rules) == (None, "unassigned")


def test_the_order_of_the_rules_is_the_policy_s(crm: SuiteCRMClient, world: World,
                                                rotation: RedisRotation) -> None:
    account = world.account(owner=SALLY)
    rules = policy(rules=["page_owner", "account_owner"])
    assert opened_by(crm, world, rotation, rules, account_id=account,
                     page_owner_id=PAGE) == (WILL, "page_owner")


def test_route_case_names_the_rule(crm: SuiteCRMClient, rotation: RedisRotation) -> None:
    rules = RoutingPolicy(rules=(RoutingRule("round_robin", "night"),),
                          groups={"night": (WILL,)})
    route = route_case(crm, account_id=None, page_owner_id=None, policy=rules,
                       rotation=rotation)
    assert (route.user_id, route.rule) == (WILL, "round_robin:night")
