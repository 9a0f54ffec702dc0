"""email1 rules: works on create, ignored on PATCH, shared EmailAddresses rows."""

from __future__ import annotations

from .conftest import Api


def addresses_of(admin: Api, module: str, record_id: str) -> list[dict]:
    response = admin.get(f"/Api/V8/module/{module}/{record_id}/relationships/email_addresses")
    assert response.status_code == 200
    return response.json()["data"]


def email_filter(admin: Api, address: str) -> list[str]:
    body = admin.get("/Api/V8/module/Contacts", params={"filter[email1][eq]": address}).json()
    return sorted(row["id"] for row in body["data"])


def test_email1_on_create_makes_a_primary_address(admin: Api) -> None:
    contact = admin.create("Contacts", {"last_name": "Mail", "email1": "Mail@Example.org"})
    assert contact["attributes"]["email1"] == "Mail@Example.org"
    assert contact["attributes"]["invalid_email"] == "0"
    assert contact["attributes"]["email_opt_out"] == "0"
    rows = addresses_of(admin, "Contacts", contact["id"])
    assert [row["attributes"]["email_address_caps"] for row in rows] == ["MAIL@EXAMPLE.ORG"]
    assert rows[0]["links"] == {"self": f"V8/module/EmailAddress/{rows[0]['id']}"}


def test_without_email_the_flags_are_empty(admin: Api) -> None:
    attributes = admin.create("Contacts", {"last_name": "NoMail"})["attributes"]
    assert (attributes["email1"], attributes["invalid_email"], attributes["email_opt_out"]) == (
        "",
        "",
        "",
    )


def test_the_same_address_is_one_shared_row(admin: Api) -> None:
    first = admin.create("Contacts", {"last_name": "One", "email1": "shared@example.org"})
    second = admin.create("Leads", {"last_name": "Two", "email1": "SHARED@example.org"})
    one = addresses_of(admin, "Contacts", first["id"])
    two = addresses_of(admin, "Leads", second["id"])
    assert one[0]["id"] == two[0]["id"]


def test_email1_in_patch_is_silently_ignored(admin: Api) -> None:
    contact = admin.create("Contacts", {"last_name": "Keep", "email1": "keep@example.org"})
    response = admin.patch("Contacts", contact["id"], {"email1": "changed@example.org"})
    assert response.status_code == 201
    assert response.json()["data"]["attributes"]["email1"] == "keep@example.org"
    assert email_filter(admin, "changed@example.org") == []
    assert email_filter(admin, "keep@example.org") == [contact["id"]]


def test_patching_the_address_row_changes_it_for_every_record(admin: Api) -> None:
    first = admin.create("Contacts", {"last_name": "A", "email1": "team@example.org"})
    second = admin.create("Contacts", {"last_name": "B", "email1": "team@example.org"})
    row_id = addresses_of(admin, "Contacts", first["id"])[0]["id"]
    response = admin.patch("EmailAddresses", row_id, {"email_address": "crew@example.org"})
    assert response.status_code == 201
    patched = response.json()["data"]
    assert patched["type"] == "EmailAddress"
    assert patched["attributes"]["email_address_caps"] == "CREW@EXAMPLE.ORG"
    assert patched["relationships"] == []
    assert email_filter(admin, "crew@example.org") == sorted([first["id"], second["id"]])
    assert email_filter(admin, "team@example.org") == []
    fetched = admin.get(f"/Api/V8/module/Contacts/{second['id']}?fields[Contacts]=email1").json()
    assert fetched["data"]["attributes"] == {"email1": "crew@example.org"}


def test_email_filter_ignores_case_and_sees_secondary_addresses(admin: Api) -> None:
    contact = admin.create(
        "Contacts",
        {"last_name": "Two", "email1": "main@example.org", "email2": "other@example.org"},
    )
    assert contact["attributes"]["email2"] == "other@example.org"
    assert email_filter(admin, "MAIN@example.ORG") == [contact["id"]]
    assert email_filter(admin, "other@example.org") == [contact["id"]]
    like = admin.get(
        "/Api/V8/module/Contacts", params={"filter[email1][like]": "%@example.org"}
    ).json()
    assert [row["id"] for row in like["data"]] == [contact["id"]]
