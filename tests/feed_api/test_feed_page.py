"""GET /api/v1/feed over HTTP: the rep's own items, newest first, in pages that stay
stable while new items arrive; filters by type and record; ETag and 304; errors that say
what was wrong, never a 500."""

from __future__ import annotations

from datetime import timedelta

from tests.feed_api.conftest import MAX, NOON, SALLY, Api, as_served, item, publish, served_id


def page(api: Api, headers: dict[str, str], **query: object) -> dict:
    answer = api("GET", "/feed", headers=headers, params=query)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def whole_feed(api: Api, headers: dict[str, str], **query: object) -> list[dict]:
    seen: list[dict] = []
    cursor = None
    while True:
        got = page(api, headers, **query, **({"cursor": cursor} if cursor else {}))
        seen += got["items"]
        cursor = got["next_cursor"]
        if cursor is None:
            return seen


def test_the_feed_is_the_reps_items_newest_first_with_text_intact(api, sally_headers):
    words = [("客户投诉：包裹还没到 😡", "Жду уже неделю 📦\nи ничего"),
             ("Привет, ёжик! 👍🏽 🇨🇳", "Où est ma commande ?"),
             ("Renewal call", "")]
    published = [item("interaction", at=NOON + timedelta(minutes=n), title=title,
                      summary=summary, network="facebook", sentiment="negative",
                      actor="Li Wei", status="new", related=("Accounts:acme-1",))
                 for n, (title, summary) in enumerate(words)]
    for entry in published:
        publish(api.redis, entry, SALLY)
    got = page(api, sally_headers)
    assert got["items"] == [as_served(e) for e in reversed(published)]
    assert got["next_cursor"] is None
    assert got["items"][0]["title"] == "Renewal call"
    assert got["items"][2]["summary"] == "Жду уже неделю 📦 и ничего"  # one line


def test_a_rep_never_sees_another_reps_items(api, sally_headers, max_headers):
    sallys, maxs, shared = item(title="Sally's"), item(title="Max's"), item(title="Both")
    publish(api.redis, sallys, SALLY)
    publish(api.redis, maxs, MAX)
    publish(api.redis, shared, SALLY, MAX)
    assert {i["title"] for i in whole_feed(api, sally_headers)} == {"Sally's", "Both"}
    assert {i["title"] for i in whole_feed(api, max_headers)} == {"Max's", "Both"}
    assert page(api, sally_headers, record=f"Calls:{maxs.record_id}")["items"] == []
    # no parameter names another rep: an unknown one is ignored, the caller's feed answers
    assert {i["title"] for i in page(api, sally_headers, user=MAX)["items"]} \
        == {"Sally's", "Both"}


def test_paging_never_repeats_or_skips_while_new_items_arrive(api, sally_headers):
    same_minute = [item(at=NOON) for _ in range(9)]
    older = [item(at=NOON - timedelta(minutes=n)) for n in range(1, 12)]
    for entry in same_minute + older:
        publish(api.redis, entry, SALLY)
    expected = [served_id(e) for e in sorted(same_minute + older,
                                             key=lambda e: (e.score, e.id), reverse=True)]
    seen: list[str] = []
    cursor = None
    for newer in range(100):
        got = page(api, sally_headers, limit=4, **({"cursor": cursor} if cursor else {}))
        seen += [i["id"] for i in got["items"]]
        publish(api.redis, item(at=NOON + timedelta(seconds=newer + 1)), SALLY)  # on top
        publish(api.redis, item(at=NOON), SALLY)  # and among the same minute's
        cursor = got["next_cursor"]
        if cursor is None:
            break
    assert [i for i in seen if i in set(expected)] == expected
    assert len(seen) == len(set(seen))


def test_filters_by_type_and_by_record_or_what_hangs_off_it(api, sally_headers):
    account, case_id = "Accounts:acc-42", "2f1c5c1e-8d2a-4f7e-9c1b-2a3d4e5f6a7b"
    case = item("case", record_id=case_id, at=NOON, related=(account,))
    call = item("call", at=NOON + timedelta(minutes=1), related=(f"Cases:{case_id}", account))
    note = item("note", at=NOON + timedelta(minutes=2), related=("Contacts:c-7", account))
    other = item("note", at=NOON + timedelta(minutes=3), related=("Accounts:acc-other",))
    alert = item("alert", at=NOON + timedelta(minutes=4), title="SLA breached")
    mimic = item("call", at=NOON + timedelta(minutes=5), title='x,"kind":"note",[',
                 summary=f'about "Cases:{case_id}')  # its JSON ends \"Cases:…"
    for entry in (case, call, note, other, alert, mimic):
        publish(api.redis, entry, SALLY)

    def ids(**query: object) -> list[str]:
        return [i["id"] for i in whole_feed(api, sally_headers, limit=1, **query)]

    assert ids(type="note") == [served_id(other), served_id(note)]
    assert ids(type=["call", "case"]) == [served_id(mimic), served_id(call), served_id(case)]
    assert ids(type="alert") == [served_id(alert)]
    # The Case itself and its call:
    assert ids(record=f"Cases:{case_id}") == [served_id(call), served_id(case)]
    assert ids(record=account) == [served_id(note), served_id(call), served_id(case)]
    assert ids(record=account, type="note") == [served_id(note)]
    assert ids(record="Contacts:c-7") == [served_id(note)]
    assert ids(record="Accounts:nobody") == []
    # Text that looks like a filter is text:
    assert ids(type="call") == [served_id(mimic), served_id(call)]


def test_a_page_has_an_etag_and_an_unchanged_page_answers_304(api, sally_headers):
    for n in range(3):
        publish(api.redis, item(at=NOON + timedelta(minutes=n)), SALLY)
    first = api("GET", "/feed", headers=sally_headers, params={"limit": 2})
    etag = first.headers["ETag"]
    assert etag.startswith('W/"') and first.headers["Cache-Control"] == "private, no-cache"
    again = api("GET", "/feed", headers={**sally_headers, "If-None-Match": etag},
                params={"limit": 2})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == etag
    second_page = api("GET", "/feed", headers={**sally_headers, "If-None-Match": etag},
                      params={"limit": 2, "cursor": first.json()["next_cursor"]})
    assert second_page.status_code == 200 and second_page.headers["ETag"] != etag

    publish(api.redis, item(at=NOON + timedelta(hours=1), title="New"), SALLY)
    changed = api("GET", "/feed", headers={**sally_headers, "If-None-Match": etag},
                  params={"limit": 2})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.json()["items"][0]["title"] == "New"
    assert api("GET", "/feed", headers={**sally_headers, "If-None-Match": "*"},
               params={"limit": 2}).status_code == 304


def test_bad_parameters_get_field_errors_never_a_500(api, sally_headers):
    publish(api.redis, item(), SALLY)
    cases = {
        "limit": ({"limit": 0}, 422), "type": ({"type": "gossip"}, 422),
        "record": ({"record": "no-colon"}, 422),
    }
    for field, (query, status) in cases.items():
        answer = api("GET", "/feed", headers=sally_headers, params=query)
        assert answer.status_code == status, (query, answer.text)
        body = answer.json()
        assert body["code"] == status and field in body["errors"]["query"], body
    for bad in ("12-zz", "x" * 5000, "1-" + "0" * 24 + "; DROP", "-1-abc"):
        answer = api("GET", "/feed", headers=sally_headers, params={"cursor": bad})
        assert answer.status_code == 400, answer.text
        assert answer.json()["errors"] == {"query": {"cursor": ["not a cursor of this feed"]}}
    assert api("GET", "/feed", params={"limit": 5}).status_code == 401
    assert api("GET", "/feed", headers={"Authorization": "Bearer forged"}).status_code == 401
