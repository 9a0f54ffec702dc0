"""Relationship routes: link, list (filter/sort/page), unlink, and their error answers."""

from __future__ import annotations

import pytest
import requests

from .conftest import Api

NOTE_LINK = "There is no relationship set in Contact module with notes link field"


def relate(
    admin: Api, module: str, record_id: str, target: str, target_id: str, link: str | None = None
) -> requests.Response:
    path = f"/Api/V8/module/{module}/{record_id}/relationships" + (f"/{link}" if link else "")
    return admin.call("POST", path, body={"data": {"type": target, "id": target_id}})


def related(admin: Api, module: str, record_id: str, link: str, query: str = "") -> dict:
    response = admin.get(f"/Api/V8/module/{module}/{record_id}/relationships/{link}{query}")
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture()
def contact(admin: Api) -> dict:
    return admin.create(
        "Contacts", {"first_name": "Rel", "last_name": "Ation", "phone_work": "+1 555 0199"}
    )


def test_many_to_many_link_list_and_unlink(admin: Api, contact: dict) -> None:
    calls = [
        admin.create("Calls", {"name": f"Call {n}", "status": "Planned"})["id"] for n in range(3)
    ]
    added = relate(admin, "Contacts", contact["id"], "Calls", calls[0])
    assert added.status_code == 201
    assert added.json() == {
        "meta": {
            "message": (
                f"Call with id {calls[0]} has been added to Contact with id {contact['id']}"
            )
        },
        "data": [],
    }
    by_link = relate(admin, "Contacts", contact["id"], "Calls", calls[1], link="calls").json()[
        "meta"
    ]
    assert by_link["message"] == (
        f"Calls record with id {calls[1]} has been related to Contacts record with id "
        f"{contact['id']} using link calls"
    )
    assert (
        by_link["sourceModule"],
        by_link["relatedModuleLabel"],
        by_link["relationshipLink"],
    ) == ("Contacts", "Calls", "calls")
    listing = related(admin, "Contacts", contact["id"], "calls")
    assert listing["meta"] == {"total-records": 2, "total-pages": 1, "records-on-this-page": 2}
    first = listing["data"][0]
    assert first["links"] == {"self": f"V8/module/Call/{first['id']}"}
    assert first["attributes"]["contact_id"] == contact["id"]
    assert first["attributes"]["contact_name"] == "Rel Ation"
    from_call = related(admin, "Calls", calls[0], "contacts")
    assert [row["id"] for row in from_call["data"]] == [contact["id"]]
    gone = admin.call(
        "DELETE", f"/Api/V8/module/Contacts/{contact['id']}/relationships/calls/{calls[0]}"
    )
    assert gone.json()["meta"]["message"] == (
        f"Relationship has been deleted between Contact with id {contact['id']} "
        f"and Call with id {calls[0]}"
    )
    again = admin.call(
        "DELETE", f"/Api/V8/module/Contacts/{contact['id']}/relationships/calls/{calls[0]}"
    )
    assert again.status_code == 400
    assert (
        again.json()["errors"]["detail"] == f"Module with {calls[0]} id is not related to Contact"
    )


def test_notes_belong_to_a_contact_only_through_contact_id(admin: Api, contact: dict) -> None:
    assert related(admin, "Contacts", contact["id"], "notes") == {
        "meta": {"message": NOTE_LINK},
        "data": [],
    }
    by_parent = admin.create(
        "Notes", {"name": "Parent only", "parent_type": "Contacts", "parent_id": contact["id"]}
    )
    by_contact = admin.create("Notes", {"name": "Linked", "contact_id": contact["id"]})
    assert by_contact["attributes"]["contact_name"] == "Rel Ation"
    assert by_contact["attributes"]["contact_phone"] == "+1 555 0199"
    listing = related(admin, "Contacts", contact["id"], "notes")
    assert [row["id"] for row in listing["data"]] == [by_contact["id"]]
    parents = related(admin, "Contacts", contact["id"], "notes_parent")
    assert [row["id"] for row in parents["data"]] == [by_parent["id"]]
    assert relate(admin, "Contacts", contact["id"], "Notes", by_parent["id"]).status_code == 201
    assert {row["id"] for row in related(admin, "Contacts", contact["id"], "notes")["data"]} == {
        by_parent["id"],
        by_contact["id"],
    }
    note_side = related(admin, "Notes", by_contact["id"], "contact")
    assert [row["id"] for row in note_side["data"]] == [contact["id"]]


def test_linking_an_account_sets_the_contacts_account(admin: Api, contact: dict) -> None:
    account = admin.create("Accounts", {"name": "Linked Ltd"})
    assert relate(admin, "Accounts", account["id"], "Contacts", contact["id"]).status_code == 201
    fields = admin.get(
        f"/Api/V8/module/Contacts/{contact['id']}?fields[Contacts]=account_id,account_name"
    )
    assert fields.json()["data"]["attributes"] == {
        "account_name": "Linked Ltd",
        "account_id": account["id"],
    }


def test_relationship_lists_filter_sort_and_page(admin: Api, contact: dict) -> None:
    for name in ("Beta", "Alpha", "Gamma", "Alpha bis"):
        note = admin.create("Notes", {"name": name, "contact_id": contact["id"]})
        assert note["attributes"]["contact_id"] == contact["id"]
    filtered = related(
        admin, "Contacts", contact["id"], "notes", "?filter[name][like]=Alpha%25&sort=-name"
    )
    assert [row["attributes"]["name"] for row in filtered["data"]] == ["Alpha bis", "Alpha"]
    paged = related(
        admin, "Contacts", contact["id"], "notes", "?sort=name&page[size]=3&page[number]=2"
    )
    assert paged["meta"] == {"total-records": 4, "total-pages": 2, "records-on-this-page": 1}
    assert [row["attributes"]["name"] for row in paged["data"]] == ["Gamma"]
    assert paged["links"]["prev"] == (
        f"V8/module/Contacts/{contact['id']}/relationships/notes?sort=name&page[size]=3&page[number]=1"
    )
    assert paged["links"]["next"] is None


@pytest.mark.parametrize(
    ("path_suffix", "body", "message"),
    [
        (
            "/relationships/no_such_link",
            None,
            "Cannot load relationship no_such_link for Contact module",
        ),
        (
            "/relationships/notes?fields[Notes]=name",
            None,
            'The option "fields" does not exist. Defined options are: "filter", "id", '
            '"linkFieldName", '
            '"moduleName", "page", "sort", "sourceBean".',
        ),
        (
            "/relationships",
            {"data": {"type": "Notes", "id": "00000000-0000-0000-0000-000000000000"}},
            "Notes module with id 00000000-0000-0000-0000-000000000000 is not found",
        ),
        (
            "/relationships",
            {"data": {"type": "AOS_PDF_Templates", "id": "00000000-0000-0000-0000-000000000001"}},
            "AOS_PDF_Templates module with id 00000000-0000-0000-0000-000000000001 is not found",
        ),
    ],
)
def test_relationship_parameter_errors(
    admin: Api, contact: dict, path_suffix: str, body: dict | None, message: str
) -> None:
    method = "POST" if body else "GET"
    response = admin.call(
        method, f"/Api/V8/module/Contacts/{contact['id']}{path_suffix}", body=body
    )
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()["errors"]["detail"] == message


def test_unknown_source_record_and_wrong_link_module(admin: Api, contact: dict) -> None:
    missing = "00000000-0000-0000-0000-0000000000aa"
    response = admin.get(f"/Api/V8/module/Contacts/{missing}/relationships/notes")
    assert response.json()["errors"]["detail"] == f"Contacts module with id {missing} is not found"
    account = admin.create("Accounts", {"name": "Wrong link"})
    # Link2::add does not check the module: real SuiteCRM answers success (the
    # differential check saw it) and the link still lists no such call.
    wrong = relate(admin, "Contacts", contact["id"], "Accounts", account["id"], link="calls")
    assert wrong.status_code == 201
    assert wrong.json()["meta"]["message"] == (
        f"Accounts record with id {account['id']} has been related to Contacts record "
        f"with id {contact['id']} using link calls"
    )
    calls = admin.get(f"/Api/V8/module/Contacts/{contact['id']}/relationships/calls").json()
    assert calls["data"] == []
