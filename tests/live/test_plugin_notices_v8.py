"""Change notices from a real SuiteCRM (Apache mod_php) for writes made through V8.

With the SocialCRM settings saved, every create, update and delete of Calls, Notes, Cases and
Social Interactions made through the REST API reaches a listener run by the test as one
signed notice, authenticated (signature over timestamp and body, time window) and parsed with
``plugin.crm_events``: one event per change, the right fields, nothing for a save that changed
nothing. The shared secret those notices are signed with is stored encrypted with SuiteCRM's
own Blowfish helpers, and a secret stored base64-encoded by 0.2.0 is encrypted on first use.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from connectors.suitecrm import SuiteCRMClient
from plugin.crm_events import CrmEvent, CrmNotice, NoticeAuthError, authenticate, receive
from tests.live.host import PHP_DIR, Database, LiveSetupError, SuiteCRMHost
from tests.plugin.receiver import Received, Receiver, closed_port_url

SECRET = secrets.token_urlsafe(32)
SALLY = "seed_sally_id"


class Listener:
    """The SocialCRM service as the plugin sees it: a receiver with the shared secret."""

    def __init__(self, receiver: Receiver) -> None:
        self.receiver = receiver
        self._seen = 0

    def requests(self) -> list[Received]:
        """The requests that arrived since the last call, as they came."""
        got = self.receiver.received[self._seen:]
        self._seen += len(got)
        assert all(request.path == "/webhooks/suitecrm" for request in got)
        return got

    def notices(self) -> list[CrmNotice]:
        """Notices that arrived since the last call, each authenticated as the service does
        (signature of timestamp and body, time window, notice id header)."""
        return [receive(request.body, request.headers, SECRET) for request in self.requests()]

    def events(self) -> list[CrmEvent]:
        notices = self.notices()
        assert all(n.unsent == 0 for n in notices)
        return [e for n in notices for e in n.events]


def save_settings(host: SuiteCRMHost, *args: str) -> None:
    done = host.php(PHP_DIR / "scrm_settings.php", *args)
    if done.returncode != 0:
        raise LiveSetupError(f"scrm_settings.php {args[0]} failed: {done.stderr}{done.stdout}")


def stored_secret(db: Database) -> str:
    value = db.value("SELECT value FROM config WHERE category = 'socialcrm' "
                     "AND name = 'shared_secret'")
    assert isinstance(value, str), value
    return value


@pytest.fixture()
def listener(installed_package: str, host: SuiteCRMHost) -> Iterator[Listener]:
    receiver = Receiver().start()
    save_settings(host, "save", receiver.url, SECRET)
    time.sleep(0.1)
    try:
        yield Listener(receiver)
    finally:
        save_settings(host, "clear")
        receiver.stop()


def test_creates_updates_and_deletes_through_v8_each_send_one_signed_event(
        listener: Listener, crm: SuiteCRMClient) -> None:
    tag = secrets.token_hex(3)
    call = crm.create("Calls", {"name": f"Call {tag} 📞", "status": "Planned",
                                "direction": "Outbound", "assigned_user_id": SALLY,
                                "date_start": datetime(2026, 12, 7, 10, tzinfo=UTC),
                                "duration_hours": 0, "duration_minutes": 15})
    note = crm.create("Notes", {"name": f"Note {tag}", "description": "Сломали гитару 😡"})
    case = crm.create("Cases", {"name": f"Case {tag}", "status": "Open_New", "priority": "P2",
                                "assigned_user_id": SALLY})
    interaction = crm.create("SCRM_SocialInteractions", {
        "network": "facebook", "external_id": f"n{tag}", "kind": "comment", "body": "👍",
        "occurred_at": datetime(2026, 12, 6, 9, tzinfo=UTC)})
    created = listener.events()
    assert [(e.module, e.record_id, e.action) for e in created] == [
        ("Calls", call.id, "create"), ("Notes", note.id, "create"),
        ("Cases", case.id, "create"), ("SCRM_SocialInteractions", interaction.id, "create")]
    assert {"name", "status", "assigned_user_id", "date_start"} <= set(created[0].changed_fields)
    assert created[0].assigned_user_id == SALLY
    assert {"body", "network", "occurred_at"} <= set(created[3].changed_fields)

    crm.update("Calls", call.id, {"status": "Held"})
    crm.update("Notes", note.id, {"name": f"Note {tag} (renamed)"})
    crm.update("Cases", case.id, {"priority": "P1"})
    crm.update("SCRM_SocialInteractions", interaction.id, {"sentiment_score": "0.9"})
    crm.update("SCRM_SocialInteractions", interaction.id, {"status": "new"})  # unchanged
    updated = listener.events()
    assert [(e.module, e.action, e.changed_fields) for e in updated] == [
        ("Calls", "update", ("status",)), ("Notes", "update", ("name",)),
        ("Cases", "update", ("priority",)),
        ("SCRM_SocialInteractions", "update", ("sentiment_score",))]

    for module, record in (("Calls", call), ("Notes", note), ("Cases", case),
                           ("SCRM_SocialInteractions", interaction)):
        crm.delete(module, record.id)
    deleted = listener.events()
    assert [(e.module, e.record_id, e.action, e.changed_fields) for e in deleted] == [
        ("Calls", call.id, "delete", ()), ("Notes", note.id, "delete", ()),
        ("Cases", case.id, "delete", ()),
        ("SCRM_SocialInteractions", interaction.id, "delete", ())]
    assert deleted[0].assigned_user_id == SALLY, "deleting unlinks the assignee first"
    assert deleted[2].assigned_user_id == SALLY
    assert len({e.event_id for e in created + updated + deleted}) == 12


def test_a_contact_update_reports_only_the_field_that_changed(
        listener: Listener, crm: SuiteCRMClient) -> None:
    """Empty custom numbers (Maps' jjwg_maps_lat_c, SocialCRM's scores) come back from a save
    as SuiteCRM's 'NULL' marker; they did not change."""
    contact = crm.create("Contacts", {"last_name": f"Notice{secrets.token_hex(3)}",
                                      "primary_address_street": "Unter den Linden 1",
                                      "primary_address_city": "Berlin"})
    listener.events()
    try:
        crm.update("Contacts", contact.id, {"title": "Head of Support"})
        (event,) = listener.events()
        assert (event.action, event.changed_fields) == ("update", ("title",))
    finally:
        crm.delete("Contacts", contact.id)


def test_nothing_is_sent_once_the_settings_are_cleared(
        listener: Listener, crm: SuiteCRMClient, host: SuiteCRMHost) -> None:
    save_settings(host, "clear")
    note = crm.create("Notes", {"name": "quiet"})
    crm.delete("Notes", note.id)
    assert listener.notices() == []


def test_a_save_succeeds_when_the_service_is_down(
        installed_package: str, crm: SuiteCRMClient, host: SuiteCRMHost, db: Database) -> None:
    save_settings(host, "save", closed_port_url(), SECRET)
    try:
        note = crm.create("Notes", {"name": "service down"})
        crm.update("Notes", note.id, {"name": "service still down"})
        assert db.value("SELECT name FROM notes WHERE id = %s", (note.id,)) == "service still down"
        crm.delete("Notes", note.id)
    finally:
        save_settings(host, "clear")


def test_a_real_notice_signs_its_timestamp_and_is_refused_outside_five_minutes(
        listener: Listener, crm: SuiteCRMClient) -> None:
    before = time.time()
    note = crm.create("Notes", {"name": "signed in time"})
    after = time.time()
    crm.delete("Notes", note.id)
    created, _ = listener.requests()
    signature = created.headers["x-socialcrm-signature"]
    stamp = created.headers["x-socialcrm-timestamp"]
    assert int(before) - 2 <= int(stamp) <= after + 2, "SuiteCRM stamps the time it sends"
    assert authenticate(created.body, signature=signature, timestamp=stamp,
                        secret=SECRET) == int(stamp)
    for now, reason in ((int(stamp) + 301, "too_old"), (int(stamp) - 301, "too_new")):
        with pytest.raises(NoticeAuthError) as refused:
            authenticate(created.body, signature=signature, timestamp=stamp, secret=SECRET,
                         now=now)
        assert refused.value.reason == reason
    with pytest.raises(NoticeAuthError) as forged:
        authenticate(created.body, signature=signature, timestamp=str(int(stamp) + 1),
                     secret=SECRET)
    assert forged.value.reason == "bad_signature", "the timestamp is part of what is signed"
    body_only = hmac.new(SECRET.encode(), created.body, hashlib.sha256).hexdigest()
    assert signature != f"sha256={body_only}"


def test_the_secret_is_stored_encrypted_with_suitecrms_own_key(
        listener: Listener, db: Database, host: SuiteCRMHost) -> None:
    stored = stored_secret(db)
    assert stored.startswith("bf:")
    assert SECRET not in stored
    assert base64.b64encode(SECRET.encode()).decode() not in stored
    assert host.decrypt_field(stored.removeprefix("bf:")) == SECRET


def test_a_base64_secret_of_0_2_0_is_encrypted_on_first_read_and_still_signs(
        listener: Listener, db: Database, crm: SuiteCRMClient, host: SuiteCRMHost) -> None:
    old = "b64:" + base64.b64encode(SECRET.encode()).decode()
    with db.cursor() as cur:
        cur.execute("UPDATE config SET value = %s WHERE category = 'socialcrm' "
                    "AND name = 'shared_secret'", (old,))
    assert stored_secret(db) == old
    note = crm.create("Notes", {"name": "secret migrated"})
    (created,) = listener.events()  # signed with the secret the old value held
    assert created.record_id == note.id
    migrated = stored_secret(db)
    assert migrated.startswith("bf:") and SECRET not in migrated
    assert host.decrypt_field(migrated.removeprefix("bf:")) == SECRET
    crm.update("Notes", note.id, {"name": "secret still encrypted"})
    crm.delete("Notes", note.id)
    assert [e.action for e in listener.events()] == ["update", "delete"]
    assert stored_secret(db) == migrated, "migrated once, then only read"
