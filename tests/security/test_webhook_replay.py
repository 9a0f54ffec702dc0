"""A replayed webhook creates nothing twice, even once the service has forgotten the first
delivery (issue 12, Security: "a replayed delivery cannot create anything twice").

Meta signs a delivery's bytes with no time in them, so a captured delivery stays validly
signed forever. ``tests/webhooks`` shows a redelivery within the service's memory is
answered ``duplicate`` and queues nothing. Here the replay comes after every trace of the
first delivery left Redis (its key expires after 3 days, its job's result after one;
here Redis is flushed outright): the replay is accepted as new, and still SuiteCRM ends
with one Social Interaction and one Social Profile, and a replayed older edit does not
roll the text back. Real app over HTTP, real worker processes, the SuiteCRM sandbox.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import requests

from connectors.suitecrm import Filter, SuiteCRMClient
from plugin.sync.ids import INTERACTIONS, PROFILES
from sandboxes.facebook.sender import build_event, meta_json, send_facebook_webhook
from sandboxes.suitecrm import DEMO_SYNC_CLIENT, SuiteCRMSandbox
from tests.sync.processes import finish, start_worker
from tests.webhooks.conftest import FB_SECRET, Service, api_config, http, service  # noqa: F401
from workers.queues import queue_name

PAGE = "104200000000001"
WHEN = 1_790_000_000


@pytest.fixture(scope="module")
def crm_sandbox() -> Iterator[SuiteCRMSandbox]:
    with SuiteCRMSandbox(port=0, seed=False, with_plugin=True) as sandbox:
        yield sandbox


def comment(tag: str, text: str, *, verb: str = "add", at: int = WHEN) -> bytes:
    return meta_json(build_event("comment", page_id=PAGE, post_id=f"{PAGE}_{tag}",
                                 comment_id=f"{tag}_1", text=text, verb=verb,
                                 sender_id=f"p{tag}", sender_name="Ольга 🧭",
                                 created_time=at))


def deliver(receiver: Service, session: requests.Session, body: bytes) -> dict[str, object]:
    answer = send_facebook_webhook(f"{receiver.url}/webhooks/facebook", FB_SECRET, body,
                                   session=session)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def process(receiver: Service, sandbox: SuiteCRMSandbox) -> None:
    """One real worker process takes the deliveries in and writes them to SuiteCRM."""
    finish(start_worker(receiver.redis_url, sandbox.url, queue_name("webhooks")))


def stored(sandbox: SuiteCRMSandbox, tag: str) -> tuple[list[str], int]:
    crm = SuiteCRMClient.service_account(sandbox.url, *DEMO_SYNC_CLIENT)
    bodies = [str(record["body"]) for record in crm.iterate(
        INTERACTIONS, filter=Filter.where(external_id=f"{tag}_1"), fields=["body"])]
    profiles = len(list(crm.iterate(PROFILES, filter=Filter.where(external_id=f"p{tag}"),
                                    fields=["external_id"])))
    return bodies, profiles


def test_a_replay_after_the_service_forgot_the_delivery_creates_nothing_twice(
        service: Service, http: requests.Session,  # noqa: F811
        crm_sandbox: SuiteCRMSandbox) -> None:
    tag = f"replay{uuid.uuid4().hex[:8]}"
    first = comment(tag, "Палатка порвалась 😡")
    deliver(service, http, first)
    process(service, crm_sandbox)
    assert stored(crm_sandbox, tag) == (["Палатка порвалась 😡"], 1)

    service.redis.flushdb()  # every trace of the first delivery has expired
    again = deliver(service, http, first)
    assert again["status"] != "duplicate" and again["queued"] is True, "taken as new"
    process(service, crm_sandbox)
    assert stored(crm_sandbox, tag) == (["Палатка порвалась 😡"], 1)


def test_a_replayed_older_edit_does_not_roll_the_text_back(
        service: Service, http: requests.Session,  # noqa: F811
        crm_sandbox: SuiteCRMSandbox) -> None:
    tag = f"replay{uuid.uuid4().hex[:8]}"
    original = comment(tag, "v1 😡")
    edit = comment(tag, "v2: всё починили ✅", verb="edited", at=WHEN + 60)
    for body in (original, edit):
        deliver(service, http, body)
    process(service, crm_sandbox)
    assert stored(crm_sandbox, tag) == (["v2: всё починили ✅"], 1)

    service.redis.flushdb()
    deliver(service, http, original)
    process(service, crm_sandbox)
    assert stored(crm_sandbox, tag) == (["v2: всё починили ✅"], 1)
