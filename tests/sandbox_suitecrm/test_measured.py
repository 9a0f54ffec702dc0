"""Behaviours the differential check against a real SuiteCRM 7.14.6 measured
(``tests/live/test_differential.py``), each reproduced by the sandbox."""

from __future__ import annotations

import pytest

from sandboxes.suitecrm import SuiteCRMSandbox

from .conftest import START, Api, login

NOT_ALLOWED = (
    b'{\n    "errors": {\n        "status": 400,\n        "title": null,\n        '
    b'"detail": "[SuiteCRM] [Not Allowed] The API user does not have access to this module."'
    b"\n    }\n}"
)
DATABASE_FAILURE = (
    b'{\n    "errors": {\n        "status": 400,\n        "title": null,\n        '
    b'"detail": "Database failure. Please refer to suitecrm.log for details."\n    }\n}'
    b"Database failure. Please refer to suitecrm.log for details."
)


@pytest.mark.parametrize("module", ["Users", "EmailAddresses", "SugarFeed", "NoSuchModule"])
def test_metadata_of_modules_that_are_not_tabs_is_refused_byte_for_byte(admin: Api, module):
    answer = admin.get(f"/Api/V8/meta/fields/{module}")
    assert (answer.status_code, answer.headers["Content-Type"]) == (400, "application/vnd.api+json")
    assert answer.content == NOT_ALLOWED
    if module != "NoSuchModule":  # ... although they can be listed
        assert admin.get(f"/Api/V8/module/{module}").status_code == 200


@pytest.mark.parametrize("query", [
    {"filter[account_name][eq]": "x"},
    {"filter[email2][eq]": "x"},
    {"filter[operator]": "or", "filter[last_name][eq]": "x", "filter[full_name][eq]": "x"},
    {"sort": "calls"},
    {"sort": "-email1"},
])
def test_sql_on_what_is_not_a_column_is_a_database_failure(admin: Api, query):
    answer = admin.get("/Api/V8/module/Contacts", params=query)
    assert (answer.status_code, answer.headers["Content-Type"]) == (400, "application/vnd.api+json")
    assert answer.content == DATABASE_FAILURE  # not JSON as a whole


def test_names_suitecrm_joins_can_be_sorted_and_email1_filtered(admin: Api) -> None:
    acme = admin.create("Accounts", {"name": "Acme"})
    zed = admin.create("Accounts", {"name": "Zed"})
    first = admin.create("Contacts", {"last_name": "B", "account_id": zed["id"],
                                      "email1": "b@example.org"})
    second = admin.create("Contacts", {"last_name": "A", "account_id": acme["id"]})
    by_account = admin.get("/Api/V8/module/Contacts", params={"sort": "-account_name"}).json()
    assert [r["id"] for r in by_account["data"]] == [first["id"], second["id"]]
    by_name = admin.get("/Api/V8/module/Contacts", params={"sort": "full_name"}).json()
    assert [r["id"] for r in by_name["data"]] == [second["id"], first["id"]]
    mail = admin.get("/Api/V8/module/Contacts", params={"filter[email1][eq]": "b@example.org"})
    assert [r["id"] for r in mail.json()["data"]] == [first["id"]]


def test_an_unknown_module_in_a_record_route_is_the_services_error(admin: Api) -> None:
    contact = admin.create("Contacts", {"last_name": "X"})
    for method in ("GET", "DELETE"):
        answer = admin.call(method, f"/Api/V8/module/NoSuchModule/{contact['id']}")
        assert answer.status_code == 400
        assert answer.headers["Content-Type"] == "application/vnd.api+json"
        assert answer.json()["errors"]["detail"] == "Module with name NoSuchModule is not found"
    listing = admin.get("/Api/V8/module/NoSuchModule")
    assert listing.headers["Content-Type"] == "application/json"
    assert listing.json()["errors"]["detail"] == "Module NoSuchModule does not exist"


def test_wrong_types_are_named_like_phps_gettype(admin: Api) -> None:
    answer = admin.call("POST", "/Api/V8/module", body={"data": {
        "type": "Contacts", "id": 42, "attributes": {"last_name": "x"}}})
    assert answer.json()["errors"]["detail"] == (
        'The option "id" with value 42 is expected to be of type "string", '
        'but is of type "integer".')


def test_a_patch_that_deletes_answers_from_the_bean_as_the_save_left_it(admin: Api) -> None:
    call = admin.create("Calls", {"name": "Gone", "date_start": "2030-01-01 10:00:00"})
    answer = admin.patch("Calls", call["id"], {"deleted": 1})
    assert answer.status_code == 201
    attributes = answer.json()["data"]["attributes"]
    assert (attributes["deleted"], attributes["date_entered"]) == (1, "")
    assert attributes["modified_by_name"] == "admin"  # the user name, not the full name
    assert admin.get(f"/Api/V8/module/Calls/{call['id']}").status_code == 400


def test_users_hide_sensitive_fields_except_from_current_user(admin: Api) -> None:
    record = admin.get("/Api/V8/module/Users/1").json()["data"]["attributes"]
    assert "user_name" not in record and "is_admin" not in record
    assert record["factor_auth"] is False
    me = admin.get("/Api/V8/current-user").json()["data"]["attributes"]
    assert (me["user_name"], me["is_admin"], me["factor_auth"]) == ("admin", "1", "")


def test_opportunities_get_probability_and_currency(admin: Api) -> None:
    deal = admin.create("Opportunities", {"name": "Deal", "amount": "10",
                                          "sales_stage": "Prospecting",
                                          "date_closed": "2030-01-01"})
    attributes = deal["attributes"]
    assert (attributes["probability"], attributes["currency_name"],
            attributes["currency_symbol"]) == ("10", "US Dollars", "$")
    kept = admin.patch("Opportunities", deal["id"], {"sales_stage": "Closed Won"}).json()
    assert kept["data"]["attributes"]["probability"] == "10"  # only filled while empty


def test_calls_and_meetings_name_a_linked_contact(admin: Api) -> None:
    contact = admin.create("Contacts", {"first_name": "Ann", "last_name": "Lee"})
    for module, name in (("Calls", "Ann Lee"), ("Meetings", "Lee")):
        activity = admin.create(module, {"name": "Sync", "date_start": "2030-01-01 10:00:00"})
        admin.call("POST", f"/Api/V8/module/Contacts/{contact['id']}/relationships",
                   body={"data": {"type": module, "id": activity["id"]}})
        read = admin.get(f"/Api/V8/module/{module}/{activity['id']}").json()["data"]
        assert (read["attributes"]["contact_id"], read["attributes"]["contact_name"]) == (
            contact["id"], name)


def test_a_packages_links_join_the_relationships_object_in_module_order() -> None:
    with SuiteCRMSandbox(seed=False, clock=lambda: START, with_plugin=True) as box:
        contact = login(box.url).create("Contacts", {"last_name": "X"})
    modules = list(contact["relationships"])
    assert modules == sorted(modules)
    assert contact["relationships"]["SCRM_SocialInteractions"]["links"]["related"].endswith(
        "/relationships/scrm_socialinteractions")
