"""SLA clocks: which interactions wait for an answer and by when (written with their own
create), a Case's earlier due time kept through edits, and the watch that warns the
assignee before the due time and alerts the managers after it, once each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import redis

from connectors.suitecrm import SuiteCRMClient
from connectors.transport import CallCounter
from plugin.sync import ids
from plugin.sync.profiles import LocalProfileMemory
from plugin.sync.rules import RulesError, SyncRules, load_rules
from plugin.sync.sla import SlaPolicy
from plugin.sync.steps import SyncSteps
from tests.sync.conftest import MODULE, fb_item, person, record_calls
from tests.sync.test_steps import SCORER, run
from workers import feed
from workers.rotation import RedisRotation
from workers.sla_watch import watch

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SALLY, SARAH, WILL = "seed_sally_id", "seed_sarah_id", "seed_will_id"


@pytest.fixture()
def steps(redis_client: redis.Redis) -> SyncSteps:
    return SyncSteps(rules=SyncRules(), scorer=SCORER, rotation=RedisRotation(redis_client))


def due_of(crm: SuiteCRMClient, external_id: str) -> datetime | None:
    return crm.get(MODULE, ids.interaction_id("facebook", external_id)).datetime("sla_due_at")


def test_questions_complaints_and_messages_wait_praise_does_not(
        crm: SuiteCRMClient, counter: CallCounter, steps: SyncSteps, uid: str) -> None:
    memory = LocalProfileMemory()
    author = person(f"p{uid}", "Ольга")
    run(crm, steps, fb_item(f"{uid}_0", author=author, body="Привет"), memory)
    at = datetime(2026, 3, 1, 12, 0, 30, tzinfo=UTC)
    cases = {"q": "Вы работаете в воскресенье?", "p": "Отличная палатка 👍",
             "z": "请问有货吗？"}
    counter.reset()
    for key, text in cases.items():
        run(crm, steps, fb_item(f"{uid}_{key}", author=author, body=text, at=at), memory)
    assert record_calls(counter) == 3, "the due time costs no call of its own"
    default = timedelta(hours=24)
    assert due_of(crm, f"{uid}_q") == at.replace(second=0) + default + timedelta(minutes=1)
    assert due_of(crm, f"{uid}_z") == at.replace(second=0) + default + timedelta(minutes=1)
    assert due_of(crm, f"{uid}_p") is None


def test_a_message_is_due_within_the_hour_and_networks_can_have_their_own_target(
        crm: SuiteCRMClient, redis_client: redis.Redis, uid: str) -> None:
    rules = SyncRules.from_dict({"cases": {"sla": {"by_network": {"facebook": "2h"}}}})
    steps = SyncSteps(rules=rules, scorer=SCORER, rotation=RedisRotation(redis_client))
    at = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    memory = LocalProfileMemory()
    for key, kind in (("m", "message"), ("c", "comment")):
        run(crm, steps, fb_item(f"{uid}_{key}", kind=kind, thread_id=f"t{uid}", at=at,
                                author=person(f"p{uid}"), body="Is it in stock?"), memory)
    assert due_of(crm, f"{uid}_m") == at + timedelta(hours=1)
    assert due_of(crm, f"{uid}_c") == at + timedelta(hours=2)


def test_an_edit_never_moves_the_due_time(crm: SuiteCRMClient, steps: SyncSteps,
                                          uid: str) -> None:
    memory = LocalProfileMemory()
    at = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    run(crm, steps, fb_item(f"{uid}_1", author=person(f"p{uid}"), body="Any news?", at=at),
        memory)
    record_id = ids.interaction_id("facebook", f"{uid}_1")
    earlier = at + timedelta(hours=1)  # as a P1 Case would set it
    crm.update(MODULE, record_id, {"sla_due_at": earlier})
    run(crm, steps, fb_item(f"{uid}_1", verb="edit", author=person(f"p{uid}"),
                            body="Any news??", at=at + timedelta(minutes=5)), memory)
    stored = crm.get(MODULE, record_id)
    assert stored["body"] == "Any news??" and stored.datetime("sla_due_at") == earlier


def test_the_team_s_managers_come_from_the_rules_file(tmp_path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text('[team]\nmanagers = ["seed_sarah_id", "seed_sarah_id", "1"]\n')
    assert load_rules(path).managers == ("seed_sarah_id", "1")
    path.write_text('[team]\nmanagers = "seed_sarah_id"\n')
    with pytest.raises(RulesError, match=r"team\.managers: expected a list"):
        load_rules(path)
    path.write_text('[team]\nmanager = []\n')
    with pytest.raises(RulesError, match=r"team\.manager: unknown key"):
        load_rules(path)


def waiting(crm: SuiteCRMClient, uid: str, key: str, due: datetime, **fields: object) -> str:
    record = crm.create(MODULE, {
        "name": f"Q {key}", "network": "facebook", "external_id": f"{uid}_{key}",
        "kind": "comment", "direction": "inbound", "status": "assigned",
        "occurred_at": due - timedelta(hours=1), "sla_due_at": due, "author_name": "Анна",
        "body": f"Where is my order? {key} 📦", "assigned_user_id": SALLY, **fields})
    return record.id


def alerts(client: redis.Redis, user: str, ours: set[str]) -> list[tuple[str, str]]:
    """(stage, interaction id) of the alerts in ``user``'s feed about ``ours``."""
    found = [(item.status or "", item.related[0].split(":")[1])
             for item in feed.timeline(client, user, limit=100).items if item.kind == "alert"]
    return [entry for entry in found if entry[1] in ours]


def test_the_watch_warns_before_and_alerts_after_once_each(
        crm: SuiteCRMClient, redis_client: redis.Redis, uid: str) -> None:
    policy = SlaPolicy(warn_before=timedelta(minutes=15))
    soon = waiting(crm, uid, "soon", NOW + timedelta(minutes=10))
    late = waiting(crm, uid, "late", NOW - timedelta(minutes=5))
    later = waiting(crm, uid, "later", NOW + timedelta(hours=2))
    answered = waiting(crm, uid, "answered", NOW - timedelta(minutes=5),
                       first_response_at=NOW - timedelta(minutes=20), status="responded")
    ours = {soon, late, later, answered}
    first = watch(redis_client, crm, policy=policy, managers=[SARAH, WILL], now=NOW)
    assert first.warned >= 1 and first.breached >= 1
    assert sorted(alerts(redis_client, SALLY, ours)) == sorted([("breached", late),
                                                                ("warning", soon)])
    for manager in (SARAH, WILL):
        assert alerts(redis_client, manager, ours) == [("breached", late)]
    for _ in range(2):  # every minute, on any worker: nobody is told twice
        watch(redis_client, crm, policy=policy, managers=[SARAH, WILL], now=NOW)
    assert len(alerts(redis_client, SALLY, ours)) == 2
    assert len(alerts(redis_client, SARAH, ours)) == 1
    # the warned one is now late: the managers hear of it
    watch(redis_client, crm, policy=policy, managers=[SARAH], now=NOW + timedelta(minutes=11))
    assert sorted(alerts(redis_client, SARAH, ours)) == sorted([("breached", late),
                                                                ("breached", soon)])
    (item,) = [i for i in feed.timeline(redis_client, SARAH, limit=100).items
               if i.related == (f"{MODULE}:{late}",)]
    assert item.title.startswith("SLA missed since") and "Анна" in item.title
    assert "📦" in item.summary
