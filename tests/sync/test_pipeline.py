"""apply_item on the sandbox: profiles once per person, interactions linked to them, the
calls each costs, the seam for later steps, and real concurrency."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from connectors.social import Network, SocialIdentity
from connectors.suitecrm import Filter, SuiteCRMClient
from connectors.transport import CallCounter
from plugin.sync import ids
from plugin.sync.pipeline import Applied, apply_item
from plugin.sync.profiles import LocalProfileMemory, upsert_profile
from plugin.sync.results import Upserted
from sandboxes.suitecrm import DEMO_SYNC_CLIENT, SuiteCRMSandbox
from tests.sync.conftest import (
    FAST_RETRY,
    MODULE,
    PAGE,
    fb_item,
    interactions,
    later,
    person,
    record_calls,
)

PROFILES = "SCRM_SocialProfiles"


def test_a_new_person_costs_two_calls_and_a_known_one_one(crm: SuiteCRMClient,
                                                         counter: CallCounter, uid: str):
    memory = LocalProfileMemory()
    author = person(f"p{uid}")
    first = apply_item(crm, fb_item(f"{uid}_0", author=author), profiles=memory)
    assert (first.profile.outcome, first.interaction.outcome) == ("created", "created")
    assert record_calls(counter) == 2
    counter.reset()
    for n in range(1, 6):
        apply_item(crm, fb_item(f"{uid}_{n}", author=author), profiles=memory)
    assert record_calls(counter) / 5 == 1.0
    record = crm.get(MODULE, ids.interaction_id("facebook", f"{uid}_3"))
    assert record["profile_id"] == first.profile.record_id == ids.profile_id(
        "facebook", f"p{uid}")


def test_a_person_known_to_another_worker_costs_a_read_once(crm: SuiteCRMClient,
                                                           counter: CallCounter, uid: str):
    author = person(f"p{uid}")
    apply_item(crm, fb_item(f"{uid}_0", author=author), profiles=LocalProfileMemory())
    counter.reset()
    fresh = LocalProfileMemory()  # a worker that has not seen this person yet
    result = apply_item(crm, fb_item(f"{uid}_1", author=author), profiles=fresh)
    assert result.profile.outcome == "unchanged"
    assert record_calls(counter) == 3  # profile create refused, profile read, interaction
    (profile,) = list(crm.iterate(PROFILES, filter=_where(f"p{uid}")))
    assert profile["display_name"] == "Анна Ли 🎸"


def test_a_profile_follows_the_networks_name_but_never_loses_one(crm: SuiteCRMClient,
                                                                 uid: str):
    memory = LocalProfileMemory()
    upsert_profile(crm, person(f"p{uid}", name="Li"), memory=memory)
    renamed = upsert_profile(crm, person(f"p{uid}", name="Li Wei 李伟"), memory=memory)
    assert renamed.outcome == "updated"
    bare = SocialIdentity(Network.FACEBOOK, f"p{uid}")  # a network that withheld the name
    upsert_profile(crm, bare, memory=memory)
    (profile,) = list(crm.iterate(PROFILES, filter=_where(f"p{uid}")))
    assert (profile["name"], profile["display_name"]) == ("Li Wei 李伟", "Li Wei 李伟")


def test_an_item_without_an_author_has_no_profile(crm: SuiteCRMClient, uid: str):
    applied = apply_item(crm, fb_item(f"{uid}_1", author=None))
    assert applied.profile.outcome == "skipped"
    (record,) = interactions(crm, f"{uid}_1")
    assert record["profile_id"] in ("", None)


def test_what_the_page_itself_wrote_makes_no_profile(crm: SuiteCRMClient, uid: str):
    page = SocialIdentity(Network.FACEBOOK, PAGE, "Guitar Shop")
    applied = apply_item(crm, fb_item(f"m_{uid}", kind="message", body="Уже в пути",
                                      author=page, direction="outbound"))
    assert applied.profile.outcome == "skipped" and "Page" in applied.profile.reason
    assert list(crm.iterate(PROFILES, filter=_where(PAGE))) == []
    (record,) = interactions(crm, f"m_{uid}")
    assert (record["direction"], record["author_external_id"]) == ("outbound", PAGE)


def test_steps_see_what_was_applied_and_run_again_on_a_redelivery(crm: SuiteCRMClient,
                                                                 uid: str):
    seen: list[tuple[str, str]] = []

    def tag_language(client: SuiteCRMClient, applied: Applied) -> Iterable[Upserted]:
        seen.append((applied.interaction.outcome, applied.profile.outcome))
        record = client.update(MODULE, applied.interaction.record_id, {"language": "ru"})
        return [Upserted(MODULE, record.id, "updated", record)]

    def count(client: SuiteCRMClient, applied: Applied) -> Iterable[Upserted]:
        seen.append(("extra", str(len(applied.extra))))
        return ()

    item = fb_item(f"{uid}_1", author=person(f"p{uid}"))
    first = apply_item(crm, item, [tag_language, count])
    again = apply_item(crm, item, [tag_language, count])
    assert seen == [("created", "created"), ("extra", "1"), ("unchanged", "unchanged"),
                    ("extra", "1")]
    assert [w.module for w in first.writes()] == [PROFILES, MODULE, MODULE]
    assert [w.module for w in again.writes()] == [MODULE]
    assert again.summary()["steps"] == [{"module": MODULE, "id": first.interaction.record_id,
                                         "outcome": "updated"}]
    assert crm.get(MODULE, first.interaction.record_id)["language"] == "ru"


def test_no_step_runs_for_an_interaction_deleted_in_suitecrm(crm: SuiteCRMClient, uid: str):
    apply_item(crm, fb_item(f"{uid}_1"))
    crm.delete(MODULE, ids.interaction_id("facebook", f"{uid}_1"))
    calls: list[Applied] = []
    applied = apply_item(crm, fb_item(f"{uid}_1", verb="edit", at=later(5)),
                         [lambda client, a: calls.append(a) or ()])
    assert applied.interaction.outcome == "skipped" and calls == []


def test_threads_applying_one_item_at_once_make_one_record(crm: SuiteCRMClient, uid: str,
                                                          sandbox: SuiteCRMSandbox):
    """Eight threads, released together by a barrier, each with its own client and no
    lock: the derived id lets exactly one create win; the others merge into it."""
    clients = [_client(sandbox) for _ in range(8)]
    barrier = threading.Barrier(len(clients))
    item = fb_item(f"{uid}_1", body="race 🏁", author=person(f"p{uid}"))
    outcomes: list[tuple[str, str]] = []
    errors: list[BaseException] = []

    def run(client: SuiteCRMClient) -> None:
        barrier.wait()
        try:
            applied = apply_item(client, item, profiles=LocalProfileMemory())
            outcomes.append((applied.profile.outcome, applied.interaction.outcome))
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(o[1] for o in outcomes) == ["created"] + ["unchanged"] * 7
    assert sorted(o[0] for o in outcomes) == ["created"] + ["unchanged"] * 7
    (record,) = interactions(crm, f"{uid}_1")
    assert record["body"] == "race 🏁"
    assert len(list(crm.iterate(PROFILES, filter=_where(f"p{uid}")))) == 1


def _client(sandbox: SuiteCRMSandbox) -> SuiteCRMClient:
    client = SuiteCRMClient.service_account(sandbox.url, *DEMO_SYNC_CLIENT, timeout=5.0,
                                            retry=FAST_RETRY)
    client.fields(MODULE)
    client.fields(PROFILES)
    return client


def _where(external_id: str) -> Filter:
    return Filter.where(external_id=external_id)
