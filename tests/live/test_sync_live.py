"""The sync into the real SuiteCRM with the package installed, checked in its database.

The same flows as ``tests/sync`` on the sandbox: redeliveries, out-of-order events, threads
and worker processes racing on one item, and a signed webhook through the receiver and a
worker. Each item is read back from MariaDB: exactly one row per item, text stored as the
package stores it (4-byte characters as escapes) and read back identical through V8,
times to the second, a score written by a later step kept to the fourth decimal.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import threading
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import redis
import requests
from rq import Queue

from connectors.errors import NotFoundError
from connectors.social import Network, SocialIdentity
from connectors.suitecrm import SuiteCRMClient
from plugin.sync import ids
from plugin.sync.items import SocialItem
from plugin.sync.pipeline import Applied, apply_item
from plugin.sync.profiles import LocalProfileMemory
from plugin.sync.results import Upserted
from plugin.sync.versions import decode_payload
from sandboxes.facebook.sender import build_event, meta_json, send_facebook_webhook
from tests.live.conftest import FAST_RETRY
from tests.live.host import Database, LiveSettings
from tests.sync.events import facebook
from tests.sync.processes import finish, run_workers, start_worker
from tests.webhooks.conftest import FB_SECRET, Service, api_config, http, service  # noqa: F401
from workers.jobs import ingest
from workers.queues import JobPolicy, queue_name

MODULE = "SCRM_SocialInteractions"
PROFILES = "SCRM_SocialProfiles"
PAGE = "104200000000001"
T0 = datetime(2026, 3, 1, 12, 0, 7, tzinfo=UTC)
TEXT = "Сломали гитару 😡 你好 — O'Brien says \"a < b\" & 5 > 3 🇺🇦 <b>ok</b>"
STORED = ("Сломали гитару \\u{1F621} 你好 — O'Brien says \"a < b\" & 5 > 3 "
          "\\u{1F1FA}\\u{1F1E6} <b>ok</b>")
AT_ONCE = JobPolicy(retries=3, backoff_seconds=(0,))


@pytest.fixture()
def tag() -> str:
    return f"scrmsync{secrets.token_hex(4)}"


@pytest.fixture()
def cleanup(crm: SuiteCRMClient, db: Database, tag: str) -> Iterator[None]:
    """Soft-delete what a test made (its external ids all start with its tag)."""
    yield
    for module, table in ((MODULE, "scrm_socialinteractions"),
                          (PROFILES, "scrm_socialprofiles")):
        for row in db.rows(f"SELECT id FROM {table} WHERE external_id LIKE %s "  # noqa: S608
                           "AND deleted = 0", (f"%{tag}%",)):
            with contextlib.suppress(NotFoundError):
                crm.delete(module, row["id"])


def item(external_id: str, *, verb: str = "add", body: str | None = "Hello",
         at: datetime = T0, author: SocialIdentity | None = None, **fields: Any) -> SocialItem:
    return SocialItem(network=Network.FACEBOOK, external_id=external_id,
                      kind=fields.pop("kind", "comment"), verb=verb,  # type: ignore[arg-type]
                      owner_id=PAGE, occurred_at=fields.pop("occurred", at), event_time=at,
                      body=body, author=author, **fields)


def rows(db: Database, external_id: str) -> list[dict[str, Any]]:
    """Every row SuiteCRM holds for the item, soft-deleted ones included."""
    return db.rows("SELECT * FROM scrm_socialinteractions WHERE external_id = %s",
                   (external_id,))


def one_row(db: Database, external_id: str) -> dict[str, Any]:
    found = rows(db, external_id)
    assert len(found) == 1, found
    return found[0]


def test_the_same_event_three_times_is_one_row_with_every_value_exact(
        installed_package: str, crm: SuiteCRMClient, db: Database, tag: str,
        cleanup: None) -> None:
    author = SocialIdentity(Network.FACEBOOK, f"p{tag}", "Алексей 李 🎸")
    event = item(f"{tag}_1", body=TEXT, author=author, parent_id=f"{PAGE}_{tag}",
                 thread_id=f"{PAGE}_{tag}", permalink="https://www.facebook.com/1_2")
    memory = LocalProfileMemory()
    outcomes = [apply_item(crm, event, profiles=memory).interaction.outcome
                for _ in range(3)]
    assert outcomes == ["created", "unchanged", "unchanged"]
    row = one_row(db, f"{tag}_1")
    assert row["id"] == ids.interaction_id("facebook", f"{tag}_1")
    assert row["body"] == STORED
    assert row["author_name"] == "Алексей 李 \\u{1F3B8}"
    assert row["occurred_at"] == datetime(2026, 3, 1, 12, 0, 7)  # to the second
    assert (row["status"], row["kind"], row["direction"]) == ("new", "comment", "inbound")
    assert (row["thread_external_id"], row["permalink"]) == (f"{PAGE}_{tag}",
                                                             "https://www.facebook.com/1_2")
    assert row["profile_id"] == ids.profile_id("facebook", f"p{tag}")
    state, _source = decode_payload(row["raw_payload"])
    assert state.content is not None and state.content.at == T0
    back = crm.get(MODULE, row["id"])
    assert (back["body"], back["author_name"]) == (TEXT, "Алексей 李 🎸")
    assert back["raw_payload"] == row["raw_payload"]  # JSON survives SuiteCRM's filters
    profiles = db.rows("SELECT * FROM scrm_socialprofiles WHERE external_id = %s",
                       (f"p{tag}",))
    assert len(profiles) == 1 and profiles[0]["display_name"] == "Алексей 李 \\u{1F3B8}"


def test_out_of_order_events_end_in_the_right_row(installed_package: str,
                                                  crm: SuiteCRMClient, db: Database,
                                                  tag: str, cleanup: None) -> None:
    later = T0 + timedelta(seconds=40)
    apply_item(crm, item(f"{tag}_e", verb="edit", body="edited ✍️", at=later))
    apply_item(crm, item(f"{tag}_e", body="original"))
    row = one_row(db, f"{tag}_e")
    assert (row["body"], row["occurred_at"]) == ("edited ✍️", datetime(2026, 3, 1, 12, 0, 7))

    apply_item(crm, item(f"{tag}_d", verb="remove", body=None, at=later))
    apply_item(crm, item(f"{tag}_d", body="late create"))
    row = one_row(db, f"{tag}_d")
    assert (row["status"], row["body"]) == ("deleted", "late create")

    apply_item(crm, item(f"{tag}_o", body="v1"))
    apply_item(crm, item(f"{tag}_o", verb="edit", body="v3", at=T0 + timedelta(seconds=3)))
    apply_item(crm, item(f"{tag}_o", verb="edit", body="v2", at=T0 + timedelta(seconds=2)))
    assert one_row(db, f"{tag}_o")["body"] == "v3"


def test_hide_unhide_and_edits_keep_what_people_and_later_steps_wrote(
        installed_package: str, crm: SuiteCRMClient, db: Database, tag: str,
        cleanup: None) -> None:
    def score(client: SuiteCRMClient, applied: Applied) -> Iterable[Upserted]:
        if applied.interaction.outcome != "created":
            return ()
        record = client.update(MODULE, applied.interaction.record_id,
                               {"sentiment_score": "-0.8123", "sentiment_label": "negative"})
        return [Upserted(MODULE, record.id, "updated", record)]

    apply_item(crm, item(f"{tag}_1", body="Плохо 👎"), [score])
    record_id = ids.interaction_id("facebook", f"{tag}_1")
    crm.update(MODULE, record_id, {"status": "assigned"})
    apply_item(crm, item(f"{tag}_1", verb="hide", body=None, at=T0 + timedelta(seconds=5)),
               [score])
    assert one_row(db, f"{tag}_1")["status"] == "hidden"
    apply_item(crm, item(f"{tag}_1", verb="unhide", body=None,
                         at=T0 + timedelta(seconds=9)), [score])
    apply_item(crm, item(f"{tag}_1", verb="edit", body="Уже лучше 👍",
                         at=T0 + timedelta(seconds=12)), [score])
    row = one_row(db, f"{tag}_1")
    assert (row["status"], row["body"]) == ("assigned", "Уже лучше \\u{1F44D}")
    assert (row["sentiment_score"], row["sentiment_label"]) == (Decimal("-0.8123"),
                                                                "negative")


def test_threads_racing_on_one_item_leave_one_row(installed_package: str, live: LiveSettings,
                                                 db: Database, tag: str,
                                                 cleanup: None) -> None:
    clients = [SuiteCRMClient.service_account(live.url, live.client_id, live.client_secret,
                                              retry=FAST_RETRY) for _ in range(6)]
    for client in clients:
        client.fields(MODULE)
        client.fields(PROFILES)
    barrier = threading.Barrier(len(clients))
    event = item(f"{tag}_1", body="гонка 🏁", author=SocialIdentity(Network.FACEBOOK,
                                                                  f"p{tag}", "Racer"))
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def run(client: SuiteCRMClient) -> None:
        barrier.wait()
        try:
            outcomes.append(apply_item(client, event,
                                       profiles=LocalProfileMemory()).interaction.outcome)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(outcomes) == ["created"] + ["unchanged"] * 5
    assert one_row(db, f"{tag}_1")["body"] == "гонка \\u{1F3C1}"
    assert db.value("SELECT COUNT(*) FROM scrm_socialprofiles WHERE external_id = %s",
                    (f"p{tag}",)) == 1


def test_two_worker_processes_on_the_same_items_leave_one_row_each(
        installed_package: str, live: LiveSettings, redis_client: redis.Redis,
        redis_url: str, db: Database, tag: str, cleanup: None) -> None:
    base = 1_770_000_000
    events = []
    for n in range(5):
        common = {"comment_id": f"{tag}_{n}", "post_id": f"{PAGE}_{tag}",
                  "sender_id": f"p{tag}"}
        events += [facebook("comment", text=f"v1 {n}", created_time=base, **common),
                   facebook("comment", text=f"v2 {n} ✅", verb="edited",
                            created_time=base + 60, **common),
                   facebook("comment", text=f"v1 {n}", created_time=base, **common)
                   | {"event_id": f"redelivered-{tag}-{n}"}]
    for event in reversed(events):
        ingest.enqueue_event(redis_client, event, policy=AT_ONCE)
    run_workers(2, redis_url, live.url, queue_name("webhooks"),
                credentials=(live.client_id, live.client_secret))
    queue = Queue(queue_name("webhooks"), connection=redis_client)
    assert len(queue.failed_job_registry) == 0
    for n in range(5):
        row = one_row(db, f"{tag}_{n}")
        assert row["body"] == f"v2 {n} ✅"  # U+2705 is in the BMP: stored as it is
        assert row["occurred_at"] == datetime.fromtimestamp(base, UTC).replace(tzinfo=None)
    assert db.value("SELECT COUNT(*) FROM scrm_socialprofiles WHERE external_id = %s",
                    (f"p{tag}",)) == 1


def test_a_signed_webhook_reaches_the_real_suitecrm(
        installed_package: str, live: LiveSettings, service: Service,  # noqa: F811
        http: requests.Session, db: Database, crm: SuiteCRMClient,  # noqa: F811
        tag: str, cleanup: None) -> None:
    url = f"{service.url}/webhooks/facebook"
    comment = build_event("comment", page_id=PAGE, post_id=f"{PAGE}_{tag}",
                          comment_id=f"{tag}_1", text=TEXT, sender_id=f"p{tag}",
                          sender_name="Иван 🎸", created_time=int(T0.timestamp()))
    message = build_event("message", page_id=PAGE, text="Где мой заказ? 📦",  # its id
                          sender_id=f"p{tag}",  # is made of its time: one of its own
                          created_time=int(T0.timestamp()) + int(tag[-6:], 16))
    for payload in (comment, comment, message):
        assert send_facebook_webhook(url, FB_SECRET, meta_json(payload),
                                     session=http).status_code == 200
    finish(start_worker(service.redis_url, live.url, queue_name("webhooks"),
                        credentials=(live.client_id, live.client_secret)))
    queue = Queue(queue_name("webhooks"), connection=service.redis)
    assert len(queue.failed_job_registry) == 0
    row = one_row(db, f"{tag}_1")
    assert (row["body"], row["occurred_at"]) == (STORED, T0.replace(tzinfo=None))
    assert row["author_name"] == "Иван \\u{1F3B8}"
    mid = json.loads(meta_json(message))["entry"][0]["messaging"][0]["message"]["mid"]
    chat = one_row(db, mid)
    assert (chat["kind"], chat["body"]) == ("message", "Где мой заказ? \\u{1F4E6}")
    assert chat["profile_id"] == row["profile_id"]
    back = crm.get(MODULE, row["id"])
    assert back["body"] == TEXT
    assert back["raw_payload"] == row["raw_payload"]  # the JSON passed SuiteCRM's filters
    _state, source = decode_payload(row["raw_payload"])
    assert source["body"] == TEXT and source["object_id"] == f"{tag}_1"
    with contextlib.suppress(NotFoundError):
        crm.delete(MODULE, chat["id"])
