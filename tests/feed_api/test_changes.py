"""GET /api/v1/feed/changes over HTTP: an offline app's delta since its sync token, with
tombstones, in bounded answers; 410 once the token's changes are no longer all known
(past the change log's bound, after a rebuild's swap); bad tokens are a 400."""

from __future__ import annotations

from datetime import timedelta

import pytest

from connectors.suitecrm import SuiteCRMClient
from sandboxes.suitecrm import DEMO_SYNC_CLIENT
from tests.feed_api.conftest import MAX, NOON, SALLY, Api, as_served, item, publish, served_id
from workers import feed
from workers.feed_rebuild import rebuild


def changes(api: Api, headers: dict[str, str], since: str | None = None,
            **query: object) -> dict:
    params = {**query, **({"since": since} if since is not None else {})}
    answer = api("GET", "/feed/changes", headers=headers, params=params)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Cache-Control"] == "no-store"
    return dict(answer.json())


def test_without_since_the_answer_is_the_current_token_and_nothing_else(api, sally_headers):
    publish(api.redis, item(), SALLY)
    first = changes(api, sally_headers)
    assert first["items"] == [] and first["tombstones"] == [] and first["more"] is False
    assert changes(api, sally_headers, first["next_token"]) == first  # nothing since
    assert changes(api, sally_headers)["next_token"] == first["next_token"]


def test_a_delta_has_adds_replacements_and_tombstones_each_record_once(api, sally_headers):
    kept, moved, reassigned, deleted = (item(at=NOON + timedelta(minutes=n))
                                        for n in range(4))
    for entry in (kept, moved, reassigned, deleted):
        publish(api.redis, entry, SALLY)
    token = changes(api, sally_headers)["next_token"]

    added = item("interaction", at=NOON + timedelta(hours=1), title="Новый отзыв 😡 新",
                 network="linkedin", sentiment="negative")
    publish(api.redis, added, SALLY)
    newer = item(record_id=moved.record_id, at=NOON + timedelta(hours=2),
                 title="Moved to Friday")
    publish(api.redis, newer, SALLY)
    publish(api.redis, item(record_id=reassigned.record_id, at=NOON + timedelta(hours=3)),
            MAX)  # reassigned to max: it leaves sally's feed
    assert feed.remove(api.redis, "Calls", deleted.record_id) == 1
    again = item(record_id=moved.record_id, at=NOON + timedelta(hours=4), title="Monday")
    publish(api.redis, again, SALLY)  # the same record changes twice: its latest counts

    delta = changes(api, sally_headers, token)
    assert delta["items"] == [as_served(added), as_served(again)]
    assert delta["tombstones"] == [
        {"id": served_id(reassigned),
         "reason": "reassigned"},
        {"id": served_id(deleted),
         "reason": "deleted"}]
    assert delta["more"] is False
    later = changes(api, sally_headers, delta["next_token"])
    assert later["items"] == [] and later["tombstones"] == []
    # applying the delta to the copy the app had gives the feed as it is now
    app_copy = {i["id"]: i for i in (as_served(e) for e in
                                            (kept, moved, reassigned, deleted))}
    for gone in delta["tombstones"]:
        app_copy.pop(gone["id"])
    app_copy.update({i["id"]: i for i in delta["items"]})
    feed_now = api("GET", "/feed", headers=sally_headers).json()["items"]
    assert sorted(app_copy.values(), key=lambda i: i["id"]) == sorted(feed_now,
                                                                       key=lambda i: i["id"])


def test_items_trimmed_past_the_bound_come_as_tombstones(api, sally_headers):
    first = [item(at=NOON + timedelta(minutes=n)) for n in range(3)]
    for entry in first:
        publish(api.redis, entry, SALLY, max_items=3)
    token = changes(api, sally_headers)["next_token"]
    newest = item(at=NOON + timedelta(hours=1))
    publish(api.redis, newest, SALLY, max_items=3)
    too_old = item(at=NOON - timedelta(days=1))  # older than all of a full timeline
    publish(api.redis, too_old, SALLY, max_items=3)
    sunk = item(record_id=first[1].record_id, at=NOON - timedelta(days=2),
                modified=NOON + timedelta(days=1))  # a newer version, dated below them all,
    publish(api.redis, sunk, SALLY, max_items=2)  # as the bound is lowered: it goes at once
    delta = changes(api, sally_headers, token)
    assert [i["id"] for i in delta["items"]] == [served_id(newest)]
    assert delta["tombstones"] == [
        {"id": served_id(entry),
         "reason": "trimmed"} for entry in first[:2]]


def test_a_long_delta_comes_in_parts_that_add_up(api, sally_headers):
    token = changes(api, sally_headers)["next_token"]
    published = [item(at=NOON + timedelta(minutes=n)) for n in range(7)]
    for entry in published:
        publish(api.redis, entry, SALLY)
    seen: list[str] = []
    parts = 0
    while True:
        part = changes(api, sally_headers, token, limit=3)
        seen += [i["id"] for i in part["items"]]
        token, parts = part["next_token"], parts + 1
        if not part["more"]:
            break
    assert seen == [served_id(e) for e in published] and parts == 3


def test_a_token_past_the_change_logs_bound_is_gone(api, sally_headers):
    publish(api.redis, item(), SALLY, max_items=5)
    token = changes(api, sally_headers)["next_token"]
    for n in range(150):  # the log keeps about as many changes as the timeline items
        publish(api.redis, item(at=NOON + timedelta(minutes=n)), SALLY, max_items=5)
    gone = api("GET", "/feed/changes", headers=sally_headers, params={"since": token})
    assert gone.status_code == 410, gone.text
    assert gone.json()["code"] == 410 and "GET /api/v1/feed" in gone.json()["message"]
    fresh = changes(api, sally_headers)["next_token"]  # the app resyncs
    publish(api.redis, item(at=NOON + timedelta(days=1), title="After the resync"), SALLY,
            max_items=5)
    assert [i["title"] for i in changes(api, sally_headers, fresh)["items"]] \
        == ["After the resync"]


def test_a_rebuild_swap_makes_older_tokens_gone(api, sally_headers):
    publish(api.redis, item(), SALLY)
    token = changes(api, sally_headers)["next_token"]
    assert changes(api, sally_headers, token)["items"] == []
    crm = SuiteCRMClient.service_account(api.suitecrm_url, *DEMO_SYNC_CLIENT, timeout=10)
    rebuild(api.redis, crm, user=SALLY)
    gone = api("GET", "/feed/changes", headers=sally_headers, params={"since": token})
    assert gone.status_code == 410, gone.text
    fresh = changes(api, sally_headers)["next_token"]
    assert fresh != token
    late = item(at=NOON + timedelta(days=2))
    publish(api.redis, late, SALLY)
    assert [i["id"] for i in changes(api, sally_headers, fresh)["items"]] == [served_id(late)]


def test_one_reps_token_tells_another_rep_nothing(api, sally_headers, max_headers):
    publish(api.redis, item(title="Max's secret"), MAX)
    sallys = changes(api, sally_headers)["next_token"]
    changes(api, max_headers)
    publish(api.redis, item(title="Max's next secret"), MAX)
    answer = api("GET", "/feed/changes", headers=max_headers, params={"since": sallys})
    assert answer.status_code == 410 and "secret" not in answer.text


@pytest.mark.parametrize(("query", "status", "field"), [
    ({"since": "yesterday"}, 400, "since"), ({"since": ""}, 400, "since"),
    ({"since": "1.1-0", "limit": 0}, 422, "limit"), ({"limit": "many"}, 422, "limit"),
    ({"since": "1." + "9" * 30}, 400, "since"),
])
def test_bad_parameters_are_refused_with_field_errors(api, sally_headers, query, status, field):
    answer = api("GET", "/feed/changes", headers=sally_headers, params=query)
    assert answer.status_code == status, answer.text
    assert field in answer.json()["errors"]["query"]


def test_a_well_formed_token_this_feed_never_gave_is_gone(api, sally_headers):
    token = changes(api, sally_headers)["next_token"]
    generation = token.split(".")[0]
    for forged in (f"{generation}.99999999999999-0", f"{int(generation) + 7}.1-0"):
        answer = api("GET", "/feed/changes", headers=sally_headers, params={"since": forged})
        assert answer.status_code == 410, (forged, answer.text)
