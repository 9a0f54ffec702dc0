"""The PHP event builder and sender behind the logic hooks, with plain stubs of SuiteCRM.

Hooks are called the way SuiteCRM calls them (fragment -> file -> class -> method); events
leave from the notifier's shutdown function to a real HTTP server on loopback.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from plugin.build import PACKAGE_DIR
from plugin.crm_events import WEBHOOK_PATH, parse_notice, receive, verify
from tests.plugin.conftest import PhpRunner
from tests.plugin.receiver import Receiver, closed_port_url
from tests.plugin.stored_secret import encrypted

SECRET = "Zoë 🙂 Ñandú-shared-secret"
NOW = 1795334631
CALL_DEFS: dict[str, dict[str, str]] = {
    "id": {"type": "id"},
    "name": {"type": "name"},
    "date_entered": {"type": "datetime"},
    "date_modified": {"type": "datetime"},
    "modified_user_id": {"type": "assigned_user_name"},
    "created_by": {"type": "assigned_user_name"},
    "assigned_user_id": {"type": "relate"},
    "assigned_user_name": {"type": "relate", "source": "non-db"},
    "description": {"type": "text"},
    "deleted": {"type": "bool"},
    "status": {"type": "enum"},
    "date_start": {"type": "datetimecombo"},
    "duration_minutes": {"type": "int"},
    "cost": {"type": "decimal"},
    "is_private": {"type": "bool"},
    "parent_type": {"type": "parent_type"},
    "parent_id": {"type": "id"},
    "contacts": {"type": "link"},
    "reminder_checked": {"type": "bool", "source": "non-db"},
    "outlook_id": {"type": "varchar"},
}
CREATED_CALL = {
    "id": "call-1",
    "name": "Call with Zoë 🙂",
    "description": "Private notes: Ñandú's phone is 555-0100",
    "status": "Planned",
    "date_start": "2026-11-22 08:00:00",
    "duration_minutes": 30,
    "is_private": False,
    "parent_type": "Contacts",
    "parent_id": "contact-9",
    "assigned_user_name": "Sally",
    "reminder_checked": True,
    "assigned_user_id": "u-assigned",
    "modified_user_id": "u-modifier",
    "created_by": "u-modifier",
    "date_entered": "2026-11-22 08:03:51",
    "date_modified": "2026-11-22 08:03:51",
    "deleted": 0,
    "outlook_id": "",
}
FETCHED_CALL = {
    "id": "call-1",
    "name": "Call with Zo&euml; &#128578;",
    "description": "a &amp; b",
    "status": "Planned",
    "date_start": "2026-11-22 08:00:00",
    "duration_minutes": "30",
    "cost": "1.500000",
    "is_private": "0",
    "parent_type": "Contacts",
    "parent_id": "contact-9",
    "assigned_user_id": "u-assigned",
    "modified_user_id": "u-old",
    "date_modified": "2026-11-20 10:00:00",
    "deleted": "0",
    "outlook_id": "abc",
}


def settings(url: str, secret: str = SECRET) -> dict[str, str]:
    return {"socialcrm_service_url": url, "socialcrm_shared_secret": encrypted(secret)}


def bean(module: str, record_id: str, values: dict[str, Any], *,
         fetched: dict[str, Any] | None = None, defs: dict[str, Any] | None = None,
         new_with_id: bool = False) -> dict[str, Any]:
    return {"module_dir": module, "id": record_id, "field_defs": defs or CALL_DEFS,
            "values": {**values, "id": record_id}, "fetched_row": fetched,
            "new_with_id": new_with_id}


def run(php: PhpRunner, steps: list[dict[str, Any]], *, settings_table: dict[str, str],
        http: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    scenario = {"package": str(PACKAGE_DIR), "settings": settings_table, "steps": steps,
                "http": http, **extra}
    out = php.json("run_events.php", stdin=scenario)
    assert out["problems"] == [], out["problems"]
    for level, message in out["log"]:
        assert SECRET not in message, f"secret in a {level} log line"
    return out


def built(php: PhpRunner, action: str, bean_spec: dict[str, Any],
          **extra: Any) -> tuple[dict[str, Any], str]:
    out = run(php, [{"op": "build", "action": action, "now": NOW, "bean": bean_spec}],
              settings_table={}, **extra)
    result = out["results"][0]
    return result["event"], result["body"]


def warnings(out: dict[str, Any]) -> list[str]:
    return [message for level, message in out["log"] if level in ("warn", "error", "fatal")]


def test_create_event_lists_set_stored_fields_and_never_values(php: PhpRunner) -> None:
    event, body = built(php, "create", bean("Calls", "call-1", CREATED_CALL))
    assert list(json.loads(body)) == ["schema", "notice_id", "events", "unsent"]
    assert list(event) == ["event_id", "module", "record_id", "action", "changed_fields",
                           "assigned_user_id", "modified_user_id", "occurred_at"]
    assert event["action"] == "create"
    assert event["changed_fields"] == ["assigned_user_id", "date_start", "description",
                                       "duration_minutes", "name", "parent_id", "parent_type",
                                       "status"]
    assert event["assigned_user_id"] == "u-assigned"
    assert event["modified_user_id"] == "u-modifier"
    expected_time = datetime.fromtimestamp(NOW, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert event["occurred_at"] == expected_time
    assert uuid.UUID(event["event_id"]).version == 4
    for value in ("Zoë", "Ñandú", "555-0100", "Planned", "contact-9", "Sally", "2026-11-22 08"):
        assert value not in body
    (parsed,) = parse_notice(body.encode()).events
    assert parsed.changed_fields == tuple(event["changed_fields"])


def test_update_event_compares_with_the_loaded_row_like_suitecrm_stores_it(
        php: PhpRunner) -> None:
    current = {
        "name": "Call with Zoë 🙂",  # the row holds it HTML-encoded
        "description": "a & b",
        "status": "Held",  # changed
        "date_start": "2026-11-22 08:00:00",
        "duration_minutes": 30,  # int against "30"
        "cost": 1.5,  # float against "1.500000"
        "is_private": True,  # changed: "0" -> true
        "parent_type": "Contacts",
        "assigned_user_id": "u-assigned",
        "modified_user_id": "u-now",  # bookkeeping
        "date_modified": "2026-11-22 08:03:51",  # bookkeeping
        "outlook_id": "",  # cleared
    }  # parent_id not loaded (null): unknown, not "cleared"
    event, _ = built(php, "update", bean("Calls", "call-1", current, fetched=FETCHED_CALL))
    assert event["action"] == "update"
    assert event["changed_fields"] == ["is_private", "outlook_id", "status"]


def test_empty_numbers_suitecrm_marks_null_after_saving_are_not_changes(php: PhpRunner) -> None:
    """After DynamicField::save an empty custom number holds the string 'NULL'."""
    defs = {"jjwg_maps_lat_c": {"type": "float"}, "scrm_advocate_score_c": {"type": "int"},
            "scrm_avg_sentiment_c": {"type": "decimal"}, "title": {"type": "varchar"},
            "nickname": {"type": "varchar"}}
    fetched = {"jjwg_maps_lat_c": None, "scrm_advocate_score_c": None,
               "scrm_avg_sentiment_c": None, "title": "Dr", "nickname": ""}
    current = {"jjwg_maps_lat_c": "NULL", "scrm_advocate_score_c": "NULL",
               "scrm_avg_sentiment_c": "NULL", "title": "CEO", "nickname": "NULL"}
    event, _ = built(php, "update", bean("Contacts", "k-1", current, fetched=fetched, defs=defs))
    assert event["changed_fields"] == ["nickname", "title"], "a text 'NULL' is a real value"
    created, _ = built(php, "create", bean("Contacts", "k-2", current, defs=defs))
    assert created["changed_fields"] == ["nickname", "title"]


def test_delete_event_has_no_fields_and_names_the_deleting_user(php: PhpRunner) -> None:
    event, _ = built(php, "delete", bean("Notes", "note-1", {"assigned_user_id": "u-a",
                                                            "modified_user_id": "u-old"},
                                         fetched={"id": "note-1"}),
                     current_user_id="u-deleter")
    assert event["changed_fields"] == []
    assert event["modified_user_id"] == "u-deleter"
    assert event["assigned_user_id"] == "u-a"


def test_a_deleted_record_reports_the_assignee_deleting_unlinked(php: PhpRunner) -> None:
    steps = [{"op": "delete", "bean": bean("Calls", "c-9", {"assigned_user_id": "u-owner"},
                                           fetched={"id": "c-9"}),
              "unlinked": ["assigned_user_id"]},
             {"op": "pending"}]
    out = run(php, steps, settings_table=settings(closed_port_url()),
              current_user_id="u-deleter")
    (event,) = out["results"][-1]
    assert (event["action"], event["assigned_user_id"], event["modified_user_id"]) == (
        "delete", "u-owner", "u-deleter")


def test_hooks_queue_one_event_per_record_and_skip_saves_without_changes(
        php: PhpRunner) -> None:
    unchanged = {k: FETCHED_CALL[k] for k in ("status", "parent_id", "outlook_id")}
    steps = [
        {"op": "save", "bean": bean("Calls", "c-1", {"status": "Planned", "name": "x"},
                                    new_with_id=True)},
        {"op": "save", "bean": bean("Calls", "c-1", {"status": "Held"},
                                    fetched={"status": "Planned"})},
        {"op": "save", "bean": bean("Calls", "c-2", unchanged, fetched=FETCHED_CALL)},
        {"op": "save", "bean": bean("Tasks", "t-1", {"status": "Done"},
                                    fetched={"status": "Open"})},
        {"op": "delete", "bean": bean("Tasks", "t-1", {})},
        {"op": "save", "bean": bean("Meetings", "m-1", {"name": "Kick-off"})},
        {"op": "pending"},
    ]
    out = run(php, steps, settings_table=settings(closed_port_url()))
    pending = out["results"][-1]
    summary = [(e["module"], e["record_id"], e["action"], e["changed_fields"]) for e in pending]
    assert summary == [
        ("Calls", "c-1", "create", ["name", "status"]),
        ("Tasks", "t-1", "delete", []),
        ("Meetings", "m-1", "create", ["name"]),
    ]


def test_nothing_is_queued_or_sent_until_the_service_is_configured(php: PhpRunner) -> None:
    out = run(php, [{"op": "save", "bean": bean("Calls", "c-1", {"status": "Held"})},
                    {"op": "pending"}],
              settings_table={"socialcrm_service_url": "http://127.0.0.1:9"})
    assert out["results"] == ["saved", []]
    assert warnings(out) == []


@pytest.fixture(params=["stream", "curl"])
def transport(request: pytest.FixtureRequest, php: PhpRunner) -> str:
    if request.param == "curl" and not php.has_extension("curl"):
        pytest.skip("the PHP curl extension is not loaded (SuiteCRM itself always has it)")
    name: str = request.param
    return name


def test_a_request_s_events_are_sent_as_one_signed_notice_after_it(
        php: PhpRunner, receiver: Receiver, transport: str) -> None:
    steps = [
        {"op": "use_http"},
        {"op": "save", "bean": bean("Calls", "c-1", CREATED_CALL)},
        {"op": "save", "bean": bean("Notes", "n-1", {"name": "Ñandú note"},
                                    fetched={"name": "old"})},
        {"op": "delete", "bean": bean("SCRM_SocialInteractions", "si-1", {})},
    ]
    out = run(php, steps, settings_table=settings(receiver.url + "/"),
              http={"connect": 1.0, "total": 5.0, "transport": transport})
    assert out["results"] == [transport, "saved", "saved", "deleted"]
    assert warnings(out) == []
    assert out["delivery"] == {"mode": "no_browser", "max_notices": 5, "connect": 1.0,
                               "total": 5.0}
    assert out["cwd_at_exit"] != str(PACKAGE_DIR), "the harness should have left the package dir"
    (request,) = receiver.received
    assert (request.method, request.path) == ("POST", WEBHOOK_PATH)
    assert request.headers["content-type"] == "application/json"
    notice = receive(request.body, request.headers, SECRET)  # signature, time, notice id
    assert abs(int(request.headers["x-socialcrm-timestamp"]) - time.time()) < 60
    assert notice.unsent == 0
    assert [(e.module, e.record_id, e.action) for e in notice.events] == [
        ("Calls", "c-1", "create"), ("Notes", "n-1", "update"),
        ("SCRM_SocialInteractions", "si-1", "delete")]
    assert len({e.event_id for e in notice.events}) == 3


def test_a_notice_never_passes_60_kb_and_keeps_the_order(php: PhpRunner) -> None:
    event = {"event_id": str(uuid.uuid4()), "module": "Contacts", "record_id": "x" * 36,
             "action": "create", "changed_fields": [f"field_{n:03d}" for n in range(40)],
             "assigned_user_id": None, "modified_user_id": "1",
             "occurred_at": "2026-12-06T09:00:00Z"}
    out = run(php, [{"op": "batches", "events": [event] * 250}], settings_table={})
    sizes = out["results"][0]
    assert sum(sizes) == 250 and len(sizes) > 1
    encoded = len(json.dumps(event, separators=(",", ":"))) + 1
    assert all(size * encoded < 60_000 for size in sizes)


def test_a_down_service_is_logged_once_and_never_breaks_the_save(php: PhpRunner,
                                                                 transport: str) -> None:
    steps = [{"op": "use_http"},
             {"op": "save", "bean": bean("Calls", "c-1", {"status": "Held"})},
             {"op": "save", "bean": bean("Cases", "k-1", {"status": "Open"})}]
    out = run(php, steps, settings_table=settings(closed_port_url()),
              http={"connect": 0.5, "total": 1.0, "transport": transport})
    assert out["results"] == [transport, "saved", "saved"]
    logged = warnings(out)
    assert len(logged) == 1
    assert "not delivered" in logged[0]
    assert "(2 event(s))" in logged[0] and "0 more event(s) not tried" in logged[0]
    assert "reconciles" in logged[0]


def test_a_service_that_never_answers_times_out_and_is_logged(php: PhpRunner,
                                                              receiver: Receiver,
                                                              transport: str) -> None:
    receiver.hang = True
    steps = [{"op": "use_http"}, {"op": "save", "bean": bean("Calls", "c-1", {"status": "x"})}]
    out = run(php, steps, settings_table=settings(receiver.url),
              http={"connect": 0.5, "total": 0.5, "transport": transport})
    assert out["results"] == [transport, "saved"]
    logged = warnings(out)
    assert len(logged) == 1 and "not delivered" in logged[0]
    assert len(receiver.received) == 1


def test_an_error_status_is_logged_with_the_events_it_carried(php: PhpRunner,
                                                                 receiver: Receiver) -> None:
    receiver.status = 503
    steps = [{"op": "use_http"},
             {"op": "save", "bean": bean("Calls", "c-1", {"status": "x"})},
             {"op": "save", "bean": bean("Calls", "c-2", {"status": "y"})},
             {"op": "flush"}]
    out = run(php, steps, settings_table=settings(receiver.url),
              http={"connect": 1.0, "total": 5.0})
    assert out["results"][-1] == {"sent": 0, "failed": 2, "dropped": 0}
    (logged,) = warnings(out)
    assert "HTTP 503" in logged and "(2 event(s))" in logged
    assert len(receiver.received) == 1


def test_unreadable_settings_are_logged_and_the_save_goes_on(php: PhpRunner) -> None:
    out = run(php, [{"op": "save", "bean": bean("Calls", "c-1", {"status": "x"})},
                    {"op": "save", "bean": bean("Calls", "c-2", {"status": "y"})},
                    {"op": "pending"}],
              settings_table={}, settings_failure="MySQL server has gone away")
    assert out["results"] == ["saved", "saved", []]
    logged = warnings(out)
    assert len(logged) == 1, "read once per request, not once per save"
    assert "settings unreadable" in logged[0]


def test_a_malformed_bean_is_skipped_without_an_exception(php: PhpRunner) -> None:
    odd = {"module_dir": "Calls", "id": None, "field_defs": "not-an-array", "values": {}}
    out = run(php, [{"op": "save", "bean": odd}, {"op": "pending"}],
              settings_table=settings(closed_port_url()))
    assert out["results"] == ["saved", []]


def test_a_secret_stored_by_hand_with_html_characters_still_signs_right(
        php: PhpRunner, receiver: Receiver) -> None:
    secret = "p&ss<w>\"rd'0123456789"
    table = {"socialcrm_service_url": receiver.url, "socialcrm_shared_secret": secret}
    out = php.json("run_events.php", stdin={
        "package": str(PACKAGE_DIR), "settings": table, "http": None,
        "steps": [{"op": "save", "bean": bean("Leads", "l-1", {"status": "New"})}]})
    assert out["problems"] == [] and warnings(out) == []
    (request,) = receiver.received
    assert verify(request.body, signature=request.headers["x-socialcrm-signature"],
                  timestamp=request.headers["x-socialcrm-timestamp"], secret=secret)
    assert all(secret not in message for _, message in out["log"])


@pytest.mark.parametrize(
    ("sapi", "finishes", "expected"),
    [
        ("fpm-fcgi", True, {"mode": "after_response", "max_notices": 5, "connect": None,
                            "total": None, "budget": 5.0}),
        ("litespeed", True, {"mode": "after_response", "max_notices": 5, "connect": None,
                             "total": None, "budget": 5.0}),
        ("cli", False, {"mode": "no_browser", "max_notices": 5, "connect": None,
                        "total": None, "budget": 5.0}),
        ("apache2handler", False, {"mode": "in_request", "max_notices": 1, "connect": 0.3,
                                   "total": 0.8, "budget": 0.8}),
        ("cgi-fcgi", False, {"mode": "in_request", "max_notices": 1, "connect": 0.3,
                             "total": 0.8, "budget": 0.8}),
    ],
)
def test_how_much_is_sent_depends_on_whether_the_user_waits(
        php: PhpRunner, sapi: str, finishes: bool, expected: dict[str, Any]) -> None:
    out = run(php, [{"op": "plan", "sapi": sapi, "can_finish_early": finishes}],
              settings_table={})
    assert out["results"] == [expected]


def test_under_mod_php_one_notice_carries_all_changes_with_short_timeouts(
        php: PhpRunner, receiver: Receiver, transport: str) -> None:
    steps = [{"op": "use_http"}] + [
        {"op": "save", "bean": bean("Calls", f"c-{n}", {"status": "Held"},
                                    fetched={"status": "Planned"})}
        for n in range(3)
    ]
    out = run(php, steps, settings_table=settings(receiver.url), sapi="apache2handler",
              http={"connect": 1.0, "total": 5.0, "transport": transport})
    assert out["results"] == [transport, "saved", "saved", "saved"]
    assert out["delivery"] == {"mode": "in_request", "max_notices": 1, "connect": 0.3,
                               "total": 0.8}
    (request,) = receiver.received
    notice = parse_notice(request.body)
    assert [e.record_id for e in notice.events] == ["c-0", "c-1", "c-2"]
    assert notice.unsent == 0
    assert warnings(out) == []


def test_under_mod_php_what_one_notice_cannot_carry_is_counted_in_it(
        php: PhpRunner, receiver: Receiver) -> None:
    many = [f"field_{n:03d}" for n in range(60)]
    steps = [{"op": "use_http"}] + [
        {"op": "save", "bean": bean("Contacts", f"k-{n:03d}", dict.fromkeys(many, "x"),
                                    defs={f: {"type": "varchar"} for f in many})}
        for n in range(120)
    ]
    out = run(php, steps, settings_table=settings(receiver.url), sapi="apache2handler",
              http={"connect": 1.0, "total": 5.0})
    (request,) = receiver.received
    notice = parse_notice(request.body)
    assert len(request.body) < 60_000
    assert 0 < len(notice.events) < 120
    assert notice.unsent == 120 - len(notice.events)
    (logged,) = warnings(out)
    assert f"{notice.unsent} change event(s) of this request not sent" in logged
    assert "apache2handler" in logged and "reconciles" in logged
