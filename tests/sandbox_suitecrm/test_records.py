"""Creating, reading, updating and deleting records; filters; error answers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from sandboxes.suitecrm import SuiteCRMSandbox

from .conftest import Api

CONTACTS = "/Api/V8/module/Contacts"
NEW_ID = "4d217b4c-2313-4d6d-a18e-09ed86811e57"


def detail(response: requests.Response) -> str:
    assert response.status_code == 400, response.text
    return response.json()["errors"]["detail"]


def test_create_keeps_a_client_id_and_refuses_it_twice(admin: Api) -> None:
    created = admin.create("Contact", {"first_name": "Preset", "last_name": "Id"}, record_id=NEW_ID)
    assert created["id"] == NEW_ID and created["type"] == "Contact"
    again = admin.call("POST", "/Api/V8/module", body={"data": {"type": "Contacts", "id": NEW_ID}})
    assert detail(again) == f"Bean Contacts with id {NEW_ID} is already exist"
    assert again.headers["Content-Type"] == "application/vnd.api+json"
    admin.call("DELETE", f"{CONTACTS}/{NEW_ID}")
    deleted_again = admin.call(
        "POST", "/Api/V8/module", body={"data": {"type": "Contacts", "id": NEW_ID}}
    )
    assert detail(deleted_again) == f"Bean Contacts with id {NEW_ID} is already exist"


def test_names_relates_and_counters_are_filled_by_the_server(admin: Api) -> None:
    contact = admin.create(
        "Contacts", {"salutation": "Ms.", "first_name": "Zoë", "last_name": "Müller"}
    )
    assert contact["attributes"]["name"] == contact["attributes"]["full_name"] == "Ms. Zoë Müller"
    assert contact["attributes"]["created_by_name"] == "Administrator"
    account = admin.create(
        "Accounts", {"name": "Müller & Söhne", "assigned_user_id": "seed_sally_id"}
    )
    assert account["attributes"]["assigned_user_name"] == "Sally Bronsen"
    first = admin.create("Cases", {"name": "First", "account_id": account["id"]})
    second = admin.create("Cases", {"name": "Second"})
    assert first["attributes"]["account_name"] == "Müller & Söhne"
    assert int(second["attributes"]["case_number"]) == int(first["attributes"]["case_number"]) + 1
    call = admin.create(
        "Calls", {"name": "Ring", "parent_type": "Accounts", "parent_id": account["id"]}
    )
    assert call["attributes"]["parent_name"] == "Müller & Söhne"
    linked = admin.patch("Contacts", contact["id"], {"account_id": account["id"]}).json()["data"]
    assert linked["attributes"]["account_name"] == "Müller & Söhne"


def test_create_writes_an_activity_stream_entry(admin: Api) -> None:
    contact = admin.create("Contacts", {"first_name": "Lou", "last_name": "Kouba"})
    feed = admin.get(
        "/Api/V8/module/SugarFeed", params={"filter[related_id][eq]": contact["id"]}
    ).json()
    entry = feed["data"][0]["attributes"]
    assert entry["related_module"] == "Contacts"
    assert entry["name"] == (
        "&lt;b&gt;{this.CREATED_BY}&lt;/b&gt; {SugarFeed.CREATED_CONTACT} "
        f"[Contacts:{contact['id']}:Lou Kouba]"
    )


def test_delete_then_read_is_not_found(admin: Api) -> None:
    contact = admin.create("Contacts", {"last_name": "Gone"})
    deleted = admin.call("DELETE", f"{CONTACTS}/{contact['id']}")
    assert deleted.json() == {
        "meta": {"message": f"Record with id {contact['id']} is deleted"},
        "data": [],
    }
    response = admin.get(f"{CONTACTS}/{contact['id']}")
    assert detail(response) == f"Contacts module with id {contact['id']} is not found"
    assert response.headers["Content-Type"] == "application/vnd.api+json"
    assert detail(admin.patch("Contacts", contact["id"], {"title": "x"})) == (
        f"Contacts module with id {contact['id']} is not found"
    )


def test_filter_deleted_fails_on_the_first_deleted_record(admin: Api) -> None:
    assert admin.get(f"{CONTACTS}?filter[deleted][eq]=1").json()["data"] == []
    contact = admin.create("Contacts", {"last_name": "Erased"})
    admin.call("DELETE", f"{CONTACTS}/{contact['id']}")
    response = admin.get(f"{CONTACTS}?filter[deleted][eq]=1")
    assert detail(response) == f"Contacts module with id {contact['id']} is not found"


@pytest.fixture()
def people(admin: Api) -> dict[str, str]:
    rows = {
        "ana": {
            "first_name": "Ana",
            "last_name": "Ñúñez",
            "lead_source": "Web Site",
            "jjwg_maps_address_c": "1 Main St",
        },
        "bob": {"first_name": "Bob", "last_name": "Nunez", "lead_source": "Email"},
        "cy": {"first_name": "Cy", "last_name": "Brown"},
    }
    return {key: admin.create("Contacts", attributes)["id"] for key, attributes in rows.items()}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("filter[last_name][eq]=nunez", {"ana", "bob"}),
        ("filter[last_name][like]=N_n%25", {"ana", "bob"}),
        ("filter[lead_source][neq]=Email", {"ana"}),
        (
            "filter[operator]=or&filter[first_name][eq]=cy&filter[lead_source][eq]=email",
            {"bob", "cy"},
        ),
        ("filter[last_name][gt]=b&filter[last_name][lt]=c", {"cy"}),
        ("filter[jjwg_maps_address_c][eq]=1 Main St", {"ana"}),
        ("filter[last_name][eq]=Nobody", set()),
    ],
)
def test_filters(admin: Api, people: dict[str, str], query: str, expected: set[str]) -> None:
    body = admin.get(f"{CONTACTS}?{query}").json()
    assert {row["id"] for row in body["data"]} == {people[key] for key in expected}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("filter[last_name]=x", "Filter field last_name must be an array"),
        ("filter[nope][eq]=x", "Filter field nope in Contact module is not found"),
        ("filter[last_name][contains]=x", "Filter operator contains is invalid"),
        ("filter[last_name][in]=a,b", "Filter operator in is invalid"),
        ("filter[operator]=xor&filter[last_name][eq]=a", "Filter operator xor is invalid"),
    ],
)
def test_bad_filters(admin: Api, query: str, message: str) -> None:
    response = admin.get(f"{CONTACTS}?{query}")
    assert detail(response) == message
    assert response.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"data": {"type": "NoSuchModule"}}, "Module NoSuchModule does not exist"),
        (
            {"data": {"type": "Contacts", "attributes": {"nope": 1}}},
            "Property nope in Contact module is invalid",
        ),
        ({"data": {"attributes": {"last_name": "x"}}}, 'The required option "type" is missing.'),
        (
            {"last_name": "Flat"},
            'The option "last_name" does not exist. Defined options are: "data".',
        ),
        (
            {"data": {"type": "Contacts", "id": "nope"}},
            'The option "id" with value "nope" is invalid.',
        ),
        (
            {"data": {"type": "Contacts", "relationships": {}}},
            'The option "relationships" does not exist. '
            'Defined options are: "attributes", "id", "type".',
        ),
        (
            {"data": "Contacts"},
            'The option "data" with value "Contacts" is expected to be of type "array", '
            'but is of type "string".',
        ),
    ],
)
def test_bad_create_bodies(admin: Api, body: dict, message: str) -> None:
    response = admin.call("POST", "/Api/V8/module", body=body)
    assert detail(response) == message
    assert response.headers["Content-Type"] == "application/json"


def test_invalid_json_and_missing_patch_id(sandbox: SuiteCRMSandbox, admin: Api) -> None:
    headers = {"Authorization": f"Bearer {admin.token}", "Content-Type": "application/vnd.api+json"}
    broken = requests.post(
        f"{sandbox.url}/Api/V8/module", data="{not json", headers=headers, timeout=10
    )
    assert detail(broken) == 'The required option "data" is missing.'
    patch = admin.call(
        "PATCH", "/Api/V8/module", body={"data": {"type": "Contacts", "attributes": {}}}
    )
    assert detail(patch) == 'The required option "id" is missing.'


def test_routing_errors(sandbox: SuiteCRMSandbox, admin: Api) -> None:
    put = admin.call("PUT", "/Api/V8/module", body={"data": {}})
    assert put.status_code == 405
    assert put.json() == {"message": "Method not allowed. Must be one of: POST, PATCH"}
    assert admin.call("PUT", f"{CONTACTS}/{NEW_ID}").json() == {
        "message": "Method not allowed. Must be one of: GET, DELETE"
    }
    missing = requests.get(f"{sandbox.url}/Api/V8/nothing-here", timeout=10)
    assert (missing.status_code, missing.json()) == (404, {"message": "Not found"})
    assert detail(admin.get("/Api/V8/module/Contacts/not-a-uuid")) == (
        'The option "id" with value "not-a-uuid" is invalid.'
    )
    assert detail(admin.get("/Api/V8/module/NoSuchModule")) == "Module NoSuchModule does not exist"


def test_meta_routes(admin: Api) -> None:
    fields = admin.get("/Api/V8/meta/fields/Opportunities").json()["data"]
    assert fields["type"] == "fields"
    assert fields["attributes"]["sales_stage"]["type"] == "enum"
    assert fields["attributes"]["jjwg_maps_lat_c"]["source"] == "custom_fields"
    swagger = admin.get("/Api/V8/meta/swagger.json")
    assert swagger.headers["Content-Type"] == "application/vnd.api+json"
    assert swagger.json()["openapi"] == "3.0.0"
    user = admin.get("/Api/V8/current-user").json()["data"]
    assert (user["type"], user["id"], user["attributes"]["user_name"]) == ("User", "1", "admin")
    assert user["relationships"]["EmailAddress"]["links"]["related"] == (
        "V8/current-user/relationships/email_addresses"
    )


def test_every_module_round_trips_a_record(sandbox: SuiteCRMSandbox, admin: Api) -> None:
    for module, schema in sandbox.core.registry.modules.items():
        if module in {"Users", "SugarFeed"}:
            continue
        required = (
            {"name": f"{module} sample"} if "name" in schema.fields and module != "Contacts" else {}
        )
        if schema.name_format == "person":
            required = {"last_name": f"{module} sample"}
        if module == "EmailAddresses":
            required = {"email_address": "round@trip.example"}
        created = admin.create(module, required)
        fetched = admin.get(f"/Api/V8/module/{module}/{created['id']}").json()["data"]
        assert fetched["type"] == schema.object_name
        assert list(fetched["attributes"]) == list(schema.attributes)


def test_concurrent_writers_lose_nothing(admin: Api) -> None:
    def write(worker: int) -> list[str]:
        return [admin.create("Contacts", {"last_name": f"W{worker}-{n}"})["id"] for n in range(8)]

    with ThreadPoolExecutor(max_workers=6) as pool:
        ids = [record_id for batch in pool.map(write, range(6)) for record_id in batch]
    assert len(set(ids)) == 48
    body = admin.get(f"{CONTACTS}?page[size]=100&fields[Contacts]=last_name").json()
    assert {row["id"] for row in body["data"]} == set(ids)
