"""Role-based access: owner-only reps, hidden modules, admin and client credentials.

The error texts for denied records are modelled on SuiteCRM's source
(``AccessDeniedException``, ``NotAllowedException``), not on a recording.
"""

from __future__ import annotations

import pytest

from sandboxes.suitecrm import SuiteCRMSandbox

from .conftest import Api, login, sync_token

DENIED = "[SuiteCRM] [AccessDeniedException] "
NOT_ALLOWED = "[SuiteCRM] [Not Allowed] The API user does not have access to this module."


@pytest.fixture()
def records(sandbox: SuiteCRMSandbox) -> dict[str, str]:
    ids = {
        "max_contact": sandbox.create_record(
            "Contacts", {"last_name": "Mine", "assigned_user_id": "seed_max_id"}
        ),
        "sally_contact": sandbox.create_record(
            "Contacts", {"last_name": "Hers", "assigned_user_id": "seed_sally_id"}
        ),
        "unassigned_by_max": sandbox.create_record(
            "Contacts", {"last_name": "Made", "assigned_user_id": ""}, user_id="seed_max_id"
        ),
        "account": sandbox.create_record(
            "Accounts", {"name": "Shared Co", "assigned_user_id": "seed_sally_id"}
        ),
    }
    return {name: record["id"] for name, record in ids.items()}


@pytest.fixture()
def max_api(sandbox: SuiteCRMSandbox) -> Api:
    return login(sandbox.url, "max", "max-Passw0rd")


def listed(api: Api, module: str) -> set[str]:
    response = api.get(f"/Api/V8/module/{module}")
    assert response.status_code == 200, response.text
    return {row["id"] for row in response.json()["data"]}


def test_owner_only_rep_lists_only_his_records(max_api: Api, records: dict[str, str]) -> None:
    assert listed(max_api, "Contacts") == {records["max_contact"], records["unassigned_by_max"]}
    assert listed(max_api, "Accounts") == {records["account"]}


def test_admin_and_client_credentials_see_everything(
    sandbox: SuiteCRMSandbox, admin: Api, records: dict[str, str]
) -> None:
    every = {records["max_contact"], records["sally_contact"], records["unassigned_by_max"]}
    assert listed(admin, "Contacts") == every
    assert listed(Api(sandbox.url, sync_token(sandbox.url)), "Contacts") == every


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_another_reps_record_is_denied(max_api: Api, records: dict[str, str], method: str) -> None:
    response = max_api.call(method, f"/Api/V8/module/Contacts/{records['sally_contact']}")
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/vnd.api+json"
    assert response.json()["errors"]["detail"] == DENIED


def test_patching_another_reps_record_is_denied(max_api: Api, records: dict[str, str]) -> None:
    response = max_api.patch("Contacts", records["sally_contact"], {"title": "x"})
    assert response.status_code == 400
    assert response.json()["errors"]["detail"] == DENIED
    own = max_api.patch("Contacts", records["max_contact"], {"title": "Mine now"})
    assert own.status_code == 201


def test_a_rep_owns_what_he_creates_unassigned_or_assigned_to_him(
    max_api: Api, admin: Api
) -> None:
    # ModuleService::createRecord assigns nobody; SugarBean::isOwner then falls back to
    # created_by, so the creator still owns the unassigned record.
    unassigned = max_api.create("Contacts", {"last_name": "Fresh"})
    assert unassigned["attributes"]["assigned_user_id"] == ""
    assert max_api.get(f"/Api/V8/module/Contacts/{unassigned['id']}").status_code == 200
    theirs = admin.create("Contacts", {"last_name": "Sally's", "assigned_user_id": "seed_sally_id"})
    assert max_api.get(f"/Api/V8/module/Contacts/{theirs['id']}").status_code == 400
    mine = max_api.create("Contacts", {"last_name": "Mine", "assigned_user_id": "seed_max_id"})
    assert mine["attributes"]["assigned_user_name"] == "Max Jensen"
    assert max_api.get(f"/Api/V8/module/Contacts/{mine['id']}").status_code == 200
    by_admin = admin.create("Contacts", {"last_name": "Admin made"})
    assert by_admin["attributes"]["assigned_user_id"] == ""


def test_meta_modules_lists_only_full_access_actions(max_api: Api, admin: Api) -> None:
    mine = max_api.get("/Api/V8/meta/modules").json()["data"]["attributes"]
    assert mine["Contacts"]["access"] == ["access", "export", "import", "massupdate"]
    assert mine["Accounts"]["access"] == [
        "access",
        "delete",
        "edit",
        "export",
        "import",
        "list",
        "massupdate",
        "view",
    ]
    everything = admin.get("/Api/V8/meta/modules").json()["data"]["attributes"]
    assert everything["Contacts"]["access"] == everything["Accounts"]["access"]


def test_a_hidden_module_is_not_allowed(sandbox: SuiteCRMSandbox, records: dict[str, str]) -> None:
    sandbox.add_role("No cases", {"Cases": {"access": "none"}})
    sandbox.add_user("nocase", "nocase-Passw0rd", roles=["No cases"])
    api = login(sandbox.url, "nocase", "nocase-Passw0rd")
    for path in ("/Api/V8/module/Cases", "/Api/V8/meta/fields/Cases"):
        response = api.get(path)
        assert response.status_code == 400
        assert response.json()["errors"]["detail"] == NOT_ALLOWED
    assert "Cases" not in api.get("/Api/V8/meta/modules").json()["data"]["attributes"]
    created = api.call(
        "POST", "/Api/V8/module", body={"data": {"type": "Cases", "attributes": {"name": "x"}}}
    )
    assert created.json()["errors"]["detail"] == NOT_ALLOWED
    assert listed(api, "Contacts") >= {records["sally_contact"]}


def test_view_none_is_access_denied_for_lists(sandbox: SuiteCRMSandbox) -> None:
    sandbox.add_role("No notes view", {"Notes": {"view": "none", "list": "none"}})
    sandbox.add_user("blind", "blind-Passw0rd", roles=["No notes view"])
    response = login(sandbox.url, "blind", "blind-Passw0rd").get("/Api/V8/module/Notes")
    assert response.status_code == 400
    assert response.json()["errors"]["detail"] == DENIED


def test_relationship_lists_skip_records_the_user_cannot_see(
    sandbox: SuiteCRMSandbox, max_api: Api, admin: Api, records: dict[str, str]
) -> None:
    account = records["account"]
    for key in ("max_contact", "sally_contact"):
        response = admin.call(
            "POST",
            f"/Api/V8/module/Accounts/{account}/relationships",
            body={"data": {"type": "Contacts", "id": records[key]}},
        )
        assert response.status_code == 201
    seen_by_max = max_api.get(f"/Api/V8/module/Accounts/{account}/relationships/contacts").json()
    assert [row["id"] for row in seen_by_max["data"]] == [records["max_contact"]]
    seen_by_admin = admin.get(f"/Api/V8/module/Accounts/{account}/relationships/contacts").json()
    assert len(seen_by_admin["data"]) == 2
