"""The Idempotency-Key: the same key and body are one update and one record, whatever the
number of sends (even at the same moment); another body under the key is a 409; keys and
updates belong to their rep."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import requests

from connectors.suitecrm import Filter, Record, SuiteCRMClient
from tests.mobile.conftest import Api
from tests.updates.conftest import post, status_of, unique
from workers.queues import queue
from workers.updates.store import UpdateStore, pending_key


def note(contact: Record, subject: str) -> dict[str, Any]:
    return {"type": "add_note", "subject": subject, "text": "Позвонить завтра",
            "parent": {"module": "Contacts", "id": contact.id}}


def notes_named(crm: SuiteCRMClient, subject: str) -> list[Record]:
    return list(crm.iterate("Notes", filter=Filter.where(name=subject)))


def test_the_same_key_three_times_is_one_update_and_one_record(
        api: Api, sally_headers: dict[str, str], crm: SuiteCRMClient, contact: Record,
        run_worker: Callable[..., object]) -> None:
    subject = unique("Replayed")
    key = unique("tap")
    first = post(api, sally_headers, note(contact, subject), key)
    assert first.status_code == 202
    again = [post(api, sally_headers, note(contact, subject), key) for _ in range(2)]
    assert [a.status_code for a in again] == [200, 200]
    assert {a.json()["id"] for a in again} == {first.json()["id"]}
    run_worker()
    after = post(api, sally_headers, note(contact, subject), key)
    assert after.status_code == 200 and after.json()["status"] == "applied", \
        "a replay after the write answers the update as it stands"
    assert after.json()["record"] == status_of(api, sally_headers, first.json()["id"])["record"]
    assert len(notes_named(crm, subject)) == 1
    assert len(queue(api.redis, "crm")) == 0


def test_the_same_key_with_another_body_is_a_conflict(
        api: Api, sally_headers: dict[str, str], contact: Record) -> None:
    key = unique("tap")
    assert post(api, sally_headers, note(contact, "First"), key).status_code == 202
    other = post(api, sally_headers, note(contact, "Second"), key)
    assert other.status_code == 409
    assert "Idempotency-Key" in other.json()["message"]
    assert set(other.json()) >= {"code", "status", "message"}


def test_concurrent_sends_of_one_key_make_one_update(
        api: Api, sally_headers: dict[str, str], crm: SuiteCRMClient, contact: Record,
        run_worker: Callable[..., object]) -> None:
    subject = unique("Flaky network")
    key = unique("tap")
    answers: list[requests.Response] = []
    start = threading.Barrier(8)

    def send() -> None:
        with requests.Session() as http:
            start.wait()
            answers.append(http.post(api.url + "/api/v1/updates", timeout=30,
                                     json=note(contact, subject),
                                     headers={**sally_headers, "Idempotency-Key": key}))

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(a.status_code for a in answers) == [200] * 7 + [202]
    assert len({a.json()["id"] for a in answers}) == 1
    run_worker()
    assert len(notes_named(crm, subject)) == 1


def test_keys_belong_to_their_rep(
        api: Api, sally_headers: dict[str, str], max_headers: dict[str, str],
        contact: Record) -> None:
    key = unique("shared")
    sally = post(api, sally_headers, note(contact, "Sally's"), key)
    max_ = post(api, max_headers, note(contact, "Max's"), key)
    assert (sally.status_code, max_.status_code) == (202, 202)
    assert sally.json()["id"] != max_.json()["id"]


def test_a_rep_cannot_read_another_rep_s_update(
        api: Api, sally_headers: dict[str, str], max_headers: dict[str, str],
        contact: Record) -> None:
    update_id = post(api, sally_headers, note(contact, "Private")).json()["id"]
    assert api("GET", f"/updates/{update_id}", headers=sally_headers).status_code == 200
    theirs = api("GET", f"/updates/{update_id}", headers=max_headers)
    unknown = api("GET", f"/updates/{unique('nope')}", headers=max_headers)
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.json()["message"] == unknown.json()["message"], "nothing tells them apart"
    assert api("GET", f"/updates/{update_id}").status_code == 401


def test_the_key_header_is_required_and_checked(
        api: Api, sally_headers: dict[str, str], contact: Record) -> None:
    body = note(contact, "No key")
    missing = api("POST", "/updates", json=body, headers=sally_headers)
    assert missing.status_code == 400 and "Idempotency-Key" in missing.json()["message"]
    for bad in ("", "x" * 201, "naïve-key", "tab\there"):
        answer = api("POST", "/updates", json=body,
                     headers={**sally_headers, "Idempotency-Key": bad.encode("utf-8")})
        assert answer.status_code == 400, (bad, answer.text)
    assert api.redis.keys("socialcrm:updates:*") == [], "nothing stored for a refused post"


def test_a_replay_queues_an_update_whose_job_was_lost(
        api: Api, sally_headers: dict[str, str], crm: SuiteCRMClient, contact: Record,
        run_worker: Callable[..., object]) -> None:
    """A crash between storing the update and queueing its job: the app sends again."""
    subject = unique("Lost job")
    key = unique("tap")
    first = post(api, sally_headers, note(contact, subject), key).json()
    queue(api.redis, "crm").empty()  # type: ignore[no-untyped-call]
    assert post(api, sally_headers, note(contact, subject), key).status_code == 200
    run_worker()
    assert status_of(api, sally_headers, first["id"])["status"] == "applied"
    assert len(notes_named(crm, subject)) == 1
    store = UpdateStore(api.redis)
    assert store.pending("seed_sally_id") == [] and not api.redis.exists(
        pending_key("seed_sally_id"))
