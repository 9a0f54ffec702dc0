"""socialcrm feed rebuild: the same feed as the incremental road, swapped in whole."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from connectors.errors import ConnectorError
from tests.feed.conftest import (
    MAX,
    SALLY,
    WILL,
    account,
    all_timelines,
    append_event,
    create,
    crm_event,
    feed_keys,
    interaction,
)
from workers import feed
from workers.feed_items import FeedItem, version_of
from workers.feed_rebuild import RebuildError, rebuild
from workers.jobs import feed as jobs


def world(crm) -> dict[str, str]:
    """Records of every module the rebuild reads, on two accounts with other owners."""
    north, south = account(crm, owner=MAX, name="North"), account(crm, owner=WILL, name="南方")
    contact = create(crm, "Contacts", first_name="Ёлка", last_name="Иванова",
                     account_id=south.id, assigned_user_id=SALLY)
    made = {
        "call": create(crm, "Calls", name="Renewal call 📞", status="Planned",
                       parent_type="Accounts", parent_id=north.id, assigned_user_id=SALLY,
                       direction="Outbound", duration_hours=0, duration_minutes=15),
        "meeting": create(crm, "Meetings", name="Demo 演示", status="Planned",
                          parent_type="Contacts", parent_id=contact.id,
                          assigned_user_id=MAX, duration_hours=1, duration_minutes=0,
                          date_start=datetime.now(UTC) + timedelta(days=2)),
        "task": create(crm, "Tasks", name="Send the quote", status="Not Started",
                       assigned_user_id=WILL),
        "note": create(crm, "Notes", name="Позвонить ещё раз", contact_id=contact.id,
                       description="Она просила\n перезвонить 🙏", assigned_user_id=MAX),
        "case": create(crm, "Cases", name="包裹丢失 📦", status="Open_New", priority="P1",
                       account_id=north.id, assigned_user_id=WILL),
        "opportunity": create(crm, "Opportunities", name="Fleet deal", account_id=south.id,
                              sales_stage="Prospecting", amount=12000,
                              date_closed="2027-01-31", assigned_user_id=SALLY),
        "lead": create(crm, "Leads", first_name="Zoë", last_name="Ng", status="New",
                       assigned_user_id=MAX),
        "contact": contact,
        "interaction": interaction(crm, assignee=SALLY, account_id=south.id,
                                   name="Где мой заказ? 😡", body="Жду уже неделю"),
        "nobody's": create(crm, "Tasks", name="Unassigned", status="Not Started"),
    }
    crm.update("Calls", made["call"].id, {"status": "Held"})  # a second version
    return {what: record.id for what, record in made.items()}


MODULE_OF = {"call": "Calls", "meeting": "Meetings", "task": "Tasks", "note": "Notes",
             "case": "Cases", "opportunity": "Opportunities", "lead": "Leads",
             "contact": "Contacts", "interaction": "SCRM_SocialInteractions",
             "nobody's": "Tasks"}


def incremental(redis_client, crm, records: dict[str, str]) -> None:
    """The road changes take without a rebuild: events on the stream, the sync's calls."""
    for what, record_id in records.items():
        append_event(redis_client, crm_event(MODULE_OF[what], record_id))
        append_event(redis_client, crm_event(MODULE_OF[what], record_id))  # twice
    jobs.consume(redis_client, crm, consumer="c1")
    written = crm.get("SCRM_SocialInteractions", records["interaction"])
    jobs.publish_record(redis_client, crm, "SCRM_SocialInteractions", written)


def test_a_rebuild_equals_the_incremental_feed(redis_client, crm):
    records = world(crm)
    incremental(redis_client, crm, records)
    built_incrementally = all_timelines(redis_client)
    assert set(built_incrementally) == {SALLY, MAX, WILL}
    call = [i for i in built_incrementally[SALLY] if i["record_id"] == records["call"]]
    assert [i["status"] for i in call] == ["Held"]  # one item per record: its latest version
    live_keys = feed_keys(redis_client)

    summary = rebuild(redis_client, crm)  # over the existing feed
    assert all_timelines(redis_client) == built_incrementally
    assert feed_keys(redis_client) == live_keys
    assert (summary.records, summary.unconcerned, summary.timelines) == (10, 1, 3)

    for key in feed_keys(redis_client):  # from nothing
        redis_client.delete(key)
    rebuild(redis_client, crm)
    assert all_timelines(redis_client) == built_incrementally
    assert redis_client.hgetall(feed.REBUILDS_KEY) == {}


def test_readers_see_the_old_feed_until_the_swap_and_nothing_is_lost(redis_client, crm):
    records = world(crm)
    incremental(redis_client, crm, records)
    old = all_timelines(redis_client)
    crm.update("Cases", records["case"], {"name": "包裹找到了 ✅"})  # no event: only a rebuild
    seen_during: list[dict] = []
    late: dict[str, str] = {}

    def progress(module: str, _read: int, finished: bool) -> None:
        seen_during.append(all_timelines(redis_client))
        if finished and module == "Calls":  # changes that arrive mid-rebuild
            late["call"] = create(crm, "Calls", name="Late call", status="Planned",
                                  assigned_user_id=WILL, direction="Inbound",
                                  duration_hours=0, duration_minutes=5).id
            append_event(redis_client, crm_event("Calls", late["call"]))
            jobs.consume(redis_client, crm, consumer="c1")
            seen_during.append(all_timelines(redis_client))
            crm.delete("Meetings", records["meeting"])
            append_event(redis_client, crm_event("Meetings", records["meeting"], "delete"))
            jobs.consume(redis_client, crm, consumer="c1")
            seen_during.append(all_timelines(redis_client))

    observed: dict[str, list[list[str]]] = {user: [] for user in old}
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            for user in old:
                observed[user].append(
                    [i.id for i in feed.timeline(redis_client, user, limit=100).items])

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        rebuild(redis_client, crm, progress=progress)
    finally:
        stop.set()
        thread.join()
    new = all_timelines(redis_client)
    assert len(seen_during) >= 9
    assert seen_during[0] == old  # live feed untouched while the rebuild reads SuiteCRM
    titles = {i["title"] for items in new.values() for i in items}
    assert "包裹找到了 ✅" in titles and "包裹丢失 📦" not in titles
    assert "Late call" in titles  # published during the rebuild, kept by the swap
    assert records["meeting"] not in {i["record_id"] for items in new.values() for i in items}
    for user, views in observed.items():  # each read was one whole feed, never a mixture
        allowed = {tuple(i["id"] for i in old.get(user, [])),
                   tuple(i["id"] for i in new.get(user, []))}
        during = {tuple(i["id"] for i in snap.get(user, [])) for snap in seen_during}
        assert {tuple(view) for view in views} <= allowed | during
    assert not [k for k in feed_keys(redis_client) if ":rebuild:" in k]


def test_a_failed_rebuild_leaves_the_live_feed_as_it_was(redis_client, crm):
    incremental(redis_client, crm, world(crm))
    before = all_timelines(redis_client)
    with pytest.raises(ConnectorError):
        rebuild(redis_client, crm, modules=("Calls", "NoSuchModule"))
    assert all_timelines(redis_client) == before
    assert not [k for k in feed_keys(redis_client) if ":rebuild:" in k]
    assert redis_client.hgetall(feed.REBUILDS_KEY) == {}


def test_rebuilding_one_rep_leaves_the_others_alone(redis_client, crm):
    records = world(crm)
    incremental(redis_client, crm, records)
    before = all_timelines(redis_client)
    crm.update("Calls", records["call"], {"name": "Renewal call, moved"})  # Sally's; Max owns
    summary = rebuild(redis_client, crm, user=SALLY)
    after = all_timelines(redis_client)
    assert after[MAX] == before[MAX] and after[WILL] == before[WILL]
    assert "Renewal call, moved" in [i["title"] for i in after[SALLY]]
    assert summary.timelines == 1
    # the record index still knows both holders: the next change reaches both
    assert sorted(feed.holders(redis_client, "Calls", records["call"])) == [MAX, SALLY]
    crm.update("Calls", records["call"], {"name": "Renewal call, final"})
    append_event(redis_client, crm_event("Calls", records["call"]))
    jobs.consume(redis_client, crm, consumer="c1")
    for user in (SALLY, MAX):  # each had its own version of the call: both were replaced
        calls = [i["title"] for i in all_timelines(redis_client)[user]
                 if i["record_id"] == records["call"]]
        assert calls == ["Renewal call, final"]


def test_a_rebuild_keeps_the_bound_and_refuses_to_run_twice(redis_client, crm):
    world(crm)
    rebuild(redis_client, crm, max_items=2)
    assert all(len(items) <= 2 for items in all_timelines(redis_client).values())
    redis_client.hset(feed.REBUILDS_KEY, "f" * 32, '{"scope": null, "until": 9999999999}')
    with pytest.raises(RebuildError, match="another"):
        rebuild(redis_client, crm)


def derived(kind: str, record_id: str, at: datetime, title: str) -> FeedItem:
    module = "SocialCRM_Alerts" if kind == "alert" else "SocialCRM_Kudos"
    return FeedItem(kind=kind, module=module, record_id=record_id, version=version_of(at),
                    title=title, occurred_at=at, sentiment="negative", status="wave",
                    summary="Где мой заказ? 😡 · 包裹丢失")


def test_alerts_and_kudos_survive_a_rebuild_within_its_period(redis_client, crm):
    """No SuiteCRM record stands behind an alert or a kudos: a rebuild keeps the live ones
    from its period, for every rep that held them, and drops the older ones."""
    incremental(redis_client, crm, world(crm))
    now = datetime.now(UTC).replace(microsecond=0)
    wave = derived("alert", "wave-0123456789abcdef01234567", now - timedelta(hours=2),
                   "Complaint wave on the launch post")
    kudos = derived("kudos", "kudos-praise-1", now - timedelta(days=3), "Kudos: 太棒了")
    stale = derived("alert", "sla-breached-old", now - timedelta(days=40), "Old breach")
    feed.publish(redis_client, wave, [MAX, SALLY])
    feed.publish(redis_client, kudos, [WILL])
    feed.publish(redis_client, stale, [SALLY])

    summary = rebuild(redis_client, crm)

    def held(user: str) -> list[dict[str, Any]]:
        return [i for i in all_timelines(redis_client)[user] if i["kind"] in ("alert", "kudos")]

    assert [i["record_id"] for i in held(MAX)] == [wave.record_id]
    assert [i["record_id"] for i in held(SALLY)] == [wave.record_id]
    assert [(i["title"], i["summary"]) for i in held(WILL)] == [(kudos.title, kudos.summary)]
    assert summary.carried == 3  # the wave for two reps, the kudos for one; not the stale
    assert sorted(feed.holders(redis_client, wave.module, wave.record_id)) == [MAX, SALLY]
    rebuild(redis_client, crm, user=SALLY)  # one rep's rebuild keeps them too
    assert [i["record_id"] for i in held(SALLY)] == [wave.record_id]
    assert [i["record_id"] for i in held(MAX)] == [wave.record_id]
