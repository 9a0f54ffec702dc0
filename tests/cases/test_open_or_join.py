"""open_or_join_case on the SuiteCRM sandbox over HTTP: a complaint opens a Case, later ones
join it by thread or by person, a closed or deleted Case is never joined, a re-run writes
nothing, and the Case and interaction read back exactly as written."""

from __future__ import annotations

from datetime import timedelta

import pytest

from connectors.suitecrm import SuiteCRMClient
from plugin.sync.case_policy import CasePolicy
from plugin.sync.cases import case_ids, case_name, open_or_join_case
from sandboxes.suitecrm import SuiteCRMSandbox
from tests.cases.conftest import MAX, NOW, SALLY, World, negative, neutral
from workers.rotation import RedisRotation

POLICY = CasePolicy()


def writes(sandbox: SuiteCRMSandbox) -> list[tuple[str, str]]:
    return [(e["method"], e["path"]) for e in sandbox.request_log.entries()
            if e["method"] in ("POST", "PATCH", "DELETE") and "/Api/V8/" in e["path"]]


def test_a_complaint_opens_a_case_routed_linked_and_due(
        crm: SuiteCRMClient, world: World, rotation: RedisRotation) -> None:
    account = world.account(owner=SALLY)
    contact = world.contact(account)
    body = "Гитару сломали при доставке 😡🇺🇦 吉他坏了, I want my money back!"
    facts = world.facts(body, sentiment=negative("ru", -0.6), contact_id=contact,
                        account_id=account)

    outcome = open_or_join_case(crm, facts, POLICY, rotation, NOW)

    assert (outcome.action, outcome.trigger and outcome.trigger.rule) == ("opened", "score")
    assert outcome.route is not None and outcome.route.rule == "account_owner"
    assert outcome.case_id == next(case_ids(facts)), "the thread's first Case id"
    case = crm.get("Cases", outcome.case_id)
    assert case.get("name") == case_name(body, POLICY.name_max_length)
    assert case.get("name").endswith("my money b…") and case.get("description") == body
    assert (case.get("priority"), case.get("type"), case.get("state"), case.get("status")) == \
        ("P2", "User", "Open", "Open_Assigned")
    assert (case.get("account_id"), case.get("assigned_user_id")) == (account, SALLY)
    assert "sentiment -0.6000" in case.get("work_log") and "account_owner" in case.get("work_log")
    assert [c.id for c in crm.related("Cases", case.id, "contacts")] == [contact]

    interaction = crm.get("SCRM_SocialInteractions", facts.interaction_id)
    assert interaction.get("case_id") == case.id
    assert (interaction.get("status"), interaction.get("assigned_user_id")) == ("assigned", SALLY)
    assert outcome.sla_due_at == NOW + timedelta(hours=4)  # P2, around the clock
    assert interaction.datetime("sla_due_at") == outcome.sla_due_at


@pytest.mark.parametrize(("language", "body"), [
    ("en", "Three weeks and it never arrived. Refund please."),
    ("ru", "Это обман, верните деньги"),
    ("zh", "质量太差了，我要退货"),
])
def test_a_keyword_complaint_in_each_language_opens_a_case(
        crm: SuiteCRMClient, world: World, rotation: RedisRotation, language: str,
        body: str) -> None:
    facts = world.facts(body, sentiment=neutral(language))
    outcome = open_or_join_case(crm, facts, POLICY, rotation, NOW)
    assert outcome.action == "opened" and outcome.trigger is not None
    assert outcome.trigger.rule == "keyword" and f"({language})" in outcome.trigger.detail
    assert crm.get("Cases", outcome.case_id or "").get("description") == body


def test_a_messenger_message_opens_a_case_with_the_message_target(
        crm: SuiteCRMClient, world: World, rotation: RedisRotation) -> None:
    facts = world.facts("Здравствуйте! Есть ли гитары в наличии? 🎸", kind="message",
                        thread="conversation", sentiment=neutral("ru"))
    outcome = open_or_join_case(crm, facts, POLICY, rotation, NOW)
    assert outcome.action == "opened" and outcome.trigger is not None
    assert outcome.trigger.rule == "message"
    assert outcome.priority == "P3"
    assert outcome.sla_due_at == NOW + timedelta(hours=1)  # messages: 1 h beats P3's 24 h
    assert crm.get("Cases", outcome.case_id or "").get("status") == "Open_New", "unrouted"


def test_no_complaint_writes_nothing(crm: SuiteCRMClient, world: World,
                                     rotation: RedisRotation,
                                     sandbox: SuiteCRMSandbox) -> None:
    facts = world.facts("Love the new strings, thanks!", sentiment=neutral())
    sandbox.request_log.clear()
    outcome = open_or_join_case(crm, facts, POLICY, rotation, NOW)
    assert outcome.action == "no_case" and outcome.case_id is None
    assert writes(sandbox) == []
    assert crm.get("SCRM_SocialInteractions", facts.interaction_id).get("case_id") == ""


def test_a_second_complaint_in_the_thread_joins_its_case(
        crm: SuiteCRMClient, world: World, rotation: RedisRotation) -> None:
    first = world.facts("Refund now!", sentiment=neutral(), contact_id=world.contact())
    opened = open_or_join_case(crm, first, POLICY, rotation, NOW)
    other_person = world.contact()
    later = NOW + timedelta(hours=2)
    second = world.facts("Same here, mine arrived broken", sentiment=neutral(),
                         contact_id=other_person, occurred_at=later)

    joined = open_or_join_case(crm, second, POLICY, rotation, later + timedelta(minutes=1))

    assert (joined.action, joined.joined_by, joined.case_id) == ("joined", "thread",
                                                                 opened.case_id)
    assert joined.route is None, "a joined Case keeps its assignee"
    assert joined.sla_due_at == later + timedelta(hours=4), "due from its own arrival"
    assert crm.get("SCRM_SocialInteractions", second.interaction_id).get("case_id") == \
        opened.case_id
    contacts = {c.id for c in crm.related("Cases", opened.case_id or "", "contacts")}
    assert other_person in contacts, "the new person is related to the Case too"


def test_a_complaint_of_the_same_person_elsewhere_joins_their_case(
        crm: SuiteCRMClient, world: World, rotation: RedisRotation) -> None:
    contact = world.contact()
    opened = open_or_join_case(crm, world.facts("scam!", thread="post-a", contact_id=contact),
                               POLICY, rotation, NOW)
    by_contact = open_or_join_case(
        crm, world.facts("still no refund", thread="post-b", contact_id=contact),
        POLICY, rotation, NOW)
    assert (by_contact.action, by_contact.joined_by, by_contact.case_id) == \
        ("joined", "person", opened.case_id)

    alone = CasePolicy(join_by_person=False)
    separate = open_or_join_case(
        crm, world.facts("and a refund for this", thread="post-c", contact_id=contact),
        alone, rotation, NOW)
    assert separate.action == "opened" and separate.case_id != opened.case_id


def test_a_profile_without_a_contact_is_the_same_person_too(
        crm: SuiteCRMClient, world: World, rotation: RedisRotation) -> None:
    profile = crm.create("SCRM_SocialProfiles", {"network": "facebook",
                                                 "external_id": f"{world.tag}-p"}).id
    opened = open_or_join_case(crm, world.facts("refund", thread="x", profile_id=profile),
                               POLICY, rotation, NOW)
    joined = open_or_join_case(crm, world.facts("refund?!", thread="y", profile_id=profile),
                               POLICY, rotation, NOW)
    assert (joined.joined_by, joined.case_id) == ("person", opened.case_id)


def test_a_closed_case_is_not_joined_the_thread_gets_its_next_case(
        crm: SuiteCRMClient, world: World, rotation: RedisRotation) -> None:
    first = world.facts("broken again")
    opened = open_or_join_case(crm, first, POLICY, rotation, NOW)
    crm.update("Cases", opened.case_id or "", {"state": "Closed", "status": "Closed_Closed"})

    reopened = open_or_join_case(crm, world.facts("still broken"), POLICY, rotation, NOW)

    assert reopened.action == "opened" and reopened.case_id != opened.case_id
    generations = case_ids(first)
    assert [next(generations), next(generations)] == [opened.case_id, reopened.case_id]


def test_a_deleted_case_is_skipped_not_recreated(
        crm: SuiteCRMClient, world: World, rotation: RedisRotation) -> None:
    first = world.facts("scam")
    opened = open_or_join_case(crm, first, POLICY, rotation, NOW)
    crm.update("SCRM_SocialInteractions", first.interaction_id, {"case_id": ""})
    crm.delete("Cases", opened.case_id or "")

    again = open_or_join_case(crm, world.facts("scam, I said"), POLICY, rotation, NOW)

    assert again.action == "opened" and again.case_id not in (None, opened.case_id)
    assert crm.get("Cases", again.case_id or "").get("state") == "Open"


def test_running_twice_for_the_same_interaction_changes_nothing(
        crm: SuiteCRMClient, world: World, rotation: RedisRotation,
        sandbox: SuiteCRMSandbox) -> None:
    facts = world.facts("обман!", contact_id=world.contact())
    opened = open_or_join_case(crm, facts, POLICY, rotation, NOW)
    sandbox.request_log.clear()
    again = open_or_join_case(crm, facts, POLICY, rotation, NOW + timedelta(hours=1))
    assert (again.action, again.case_id) == ("already_linked", opened.case_id)
    assert writes(sandbox) == []


def test_a_more_urgent_complaint_raises_the_joined_case_priority(
        crm: SuiteCRMClient, world: World, rotation: RedisRotation) -> None:
    opened = open_or_join_case(crm, world.facts("hello?", kind="message", thread="dm"),
                               POLICY, rotation, NOW)
    assert opened.priority == "P3"
    furious = world.facts("You are thieves!!!", kind="message", thread="dm",
                          sentiment=negative(score=-0.95))
    joined = open_or_join_case(crm, furious, POLICY, rotation, NOW)
    assert (joined.case_id, joined.priority) == (opened.case_id, "P1")
    assert crm.get("Cases", opened.case_id or "").get("priority") == "P1"
    assert joined.sla_due_at == NOW + timedelta(hours=1)

    calm = open_or_join_case(crm, world.facts("ok, waiting", kind="message", thread="dm"),
                             POLICY, rotation, NOW)
    assert calm.priority == "P1", "a calmer message never lowers the Case's priority"
    assert crm.get("Cases", opened.case_id or "").get("priority") == "P1"


def test_a_contact_already_on_the_case_is_not_related_again(
        crm: SuiteCRMClient, world: World, rotation: RedisRotation,
        sandbox: SuiteCRMSandbox) -> None:
    contact = world.contact()
    open_or_join_case(crm, world.facts("refund", contact_id=contact), POLICY, rotation, NOW)
    second = world.facts("refund!!", contact_id=contact)
    sandbox.request_log.clear()
    joined = open_or_join_case(crm, second, POLICY, rotation, NOW)
    assert joined.action == "joined"
    assert [w for w in writes(sandbox) if "/relationships" in w[1]] == [], \
        "SuiteCRM emails a Contact each time it is related to a Case"
    assert [c.id for c in crm.related("Cases", joined.case_id or "", "contacts")] == [contact]


def test_the_interaction_status_moves_only_from_new(
        crm: SuiteCRMClient, world: World, rotation: RedisRotation) -> None:
    facts = world.facts("broken strap")
    crm.update("SCRM_SocialInteractions", facts.interaction_id, {"status": "hidden"})
    outcome = open_or_join_case(crm, facts, POLICY, rotation, NOW)
    interaction = crm.get("SCRM_SocialInteractions", facts.interaction_id)
    assert (interaction.get("case_id"), interaction.get("status")) == (outcome.case_id,
                                                                       "hidden")


def test_a_future_timestamp_counts_from_now(crm: SuiteCRMClient, world: World,
                                            rotation: RedisRotation) -> None:
    facts = world.facts("refund", occurred_at=NOW + timedelta(minutes=7))
    outcome = open_or_join_case(crm, facts, POLICY, rotation, NOW)
    assert outcome.sla_due_at == NOW + timedelta(hours=4)


def test_routing_runs_for_a_new_case_only(crm: SuiteCRMClient, world: World,
                                          rotation: RedisRotation) -> None:
    policy = CasePolicy.from_dict({"routing": {"rules": ["round_robin:duty"],
                                               "groups": {"duty": [MAX, SALLY]}}})
    opened = open_or_join_case(crm, world.facts("scam"), policy, rotation, NOW)
    joined = open_or_join_case(crm, world.facts("scam!"), policy, rotation, NOW)
    assert opened.assigned_user_id == MAX and joined.assigned_user_id == MAX
    assert rotation.next("duty", [MAX, SALLY]) == SALLY, "the join took no turn"
