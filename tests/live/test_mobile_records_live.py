"""Records through the mobile API on the real SuiteCRM 7.14: a rep whose role shows only
their own records neither opens nor finds a record another user owns.

The live instance has no roles of its own, so a fixture makes one the way an admin does
(SuiteCRM's ``ACLRole::setAction`` through its own PHP, run inside the install folder): a
new user with an owner-only role on Contacts, Leads, Opportunities and Cases (view, list,
edit, delete), a fresh name per run so that nothing collides with other tests on the same
instance. Afterwards the user, the role and their rows are deleted from the database.

Also proven here: SuiteCRM answers a list filtered by ``email1`` with its own SQL join
that skips the role check, so such a rep would find anyone's contact by its address;
the API reads each hit again as the rep and drops what SuiteCRM refuses.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from connectors.suitecrm import Filter, SuiteCRMClient
from tests.live.host import Database, LiveSettings, SuiteCRMHost

SALLY = ("sally", "sally")  # the demo rep without any role: she sees every record
OWNER_ONLY_MODULES = "Contacts,Leads,Opportunities,Cases"
MISSING_ID = "00000000-0000-4000-8000-000000000000"

CREATE_RESTRICTED_REP = r"""<?php
// run as a file: SuiteCRM refuses `php -r` ("Bad data passed in": its PHP_SELF check)
define('sugarEntry', true);
require_once 'include/entryPoint.php';
global $current_user, $db;
$current_user = BeanFactory::getBean('Users', '1');
[, $userName, $password, $roleName, $modules] = $argv;
$user = BeanFactory::newBean('Users');
$user->user_name = $userName;
$user->first_name = 'Restricted';
$user->last_name = 'Rep';
$user->status = 'Active';
$user->employee_status = 'Active';
$user->is_admin = 0;
$user->user_hash = User::getPasswordHash($password);
$user->save(false);
$role = BeanFactory::newBean('ACLRoles');
$role->name = $roleName;
$role->description = 'SocialCRM live test: only records assigned to the user';
$role->save();
foreach (explode(',', $modules) as $module) {
    foreach (['view', 'list', 'edit', 'delete'] as $action) {
        $actionId = $db->getOne(sprintf(
            "SELECT id FROM acl_actions WHERE category = %s AND name = %s"
            . " AND acltype = 'module' AND deleted = 0",
            $db->quoted($module), $db->quoted($action)));
        if (!$actionId) { fwrite(STDERR, "no ACL action $module.$action\n"); exit(3); }
        $role->setAction($role->id, $actionId, ACL_ALLOW_OWNER);
    }
}
$role->set_relationship('acl_roles_users', ['role_id' => $role->id, 'user_id' => $user->id],
                        false);
echo "\n@@" . json_encode(['user_id' => $user->id, 'role_id' => $role->id]);
"""


@dataclass(frozen=True)
class Rep:
    user_name: str
    password: str
    user_id: str


@pytest.fixture()
def restricted_rep(host: SuiteCRMHost, db: Database, tmp_path: Path) -> Iterator[Rep]:
    suffix = secrets.token_hex(4)
    user_name, password = f"scrm_records_{suffix}", f"Live-{secrets.token_hex(8)}"
    script = tmp_path / f"scrm_restricted_rep_{suffix}.php"
    script.write_text(CREATE_RESTRICTED_REP, encoding="utf-8")
    done = host.php(script, user_name, password, f"SocialCRM records test {suffix}",
                    OWNER_ONLY_MODULES)
    assert done.returncode == 0 and "@@" in done.stdout, done.stdout + done.stderr
    made = json.loads(done.stdout.rpartition("@@")[2])
    try:
        yield Rep(user_name, password, made["user_id"])
    finally:
        for sql in ("DELETE FROM acl_roles_actions WHERE role_id = %s",
                    "DELETE FROM acl_roles_users WHERE role_id = %s",
                    "DELETE FROM acl_roles WHERE id = %s"):
            db.rows(sql, (made["role_id"],))
        for sql in ("DELETE FROM oauth2tokens WHERE assigned_user_id = %s",
                    "DELETE FROM user_preferences WHERE assigned_user_id = %s",
                    "DELETE FROM users WHERE id = %s"):
            db.rows(sql, (made["user_id"],))


@pytest.fixture()
def api(mobile_api: str) -> str:
    return mobile_api


@pytest.fixture()
def created(crm: SuiteCRMClient) -> Iterator[list[tuple[str, str]]]:
    """(module, id) of every record a test creates, deleted afterwards."""
    records: list[tuple[str, str]] = []
    yield records
    for module, record_id in records:
        crm.delete(module, record_id)


def headers_of(api: str, user_name: str, password: str) -> dict[str, str]:
    answer = requests.post(f"{api}/auth/token", timeout=30,
                           json={"username": user_name, "password": password})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def get(api: str, path: str, headers: dict[str, str], **params: Any) -> requests.Response:
    return requests.get(f"{api}{path}", headers=headers, params=params, timeout=60)


def found(api: str, kind: str, headers: dict[str, str], q: str) -> set[str]:
    answer = get(api, f"/records/{kind}", headers, q=q, limit=50)
    assert answer.status_code == 200, answer.text
    assert answer.json()["next_cursor"] is None
    return {row["id"] for row in answer.json()["items"]}


def test_a_restricted_rep_neither_opens_nor_finds_another_users_contact(
        api: str, live: LiveSettings, crm: SuiteCRMClient, restricted_rep: Rep,
        created: list[tuple[str, str]], installed_package: str) -> None:
    tag = f"Scrmlive{secrets.token_hex(4)}"
    email = f"{tag.lower()}@example.org"
    sallys = crm.create("Contacts", {"first_name": "Zoë", "last_name": tag, "email1": email,
                                     "assigned_user_id": "seed_sally_id"}).id
    own = crm.create("Contacts", {"first_name": "Own", "last_name": tag,
                                  "assigned_user_id": restricted_rep.user_id}).id
    created.extend([("Contacts", sallys), ("Contacts", own)])
    rep = headers_of(api, restricted_rep.user_name, restricted_rep.password)
    sally = headers_of(api, *SALLY)

    # SuiteCRM itself: its email1 list skips the role check, its single read does not
    as_rep = SuiteCRMClient.login(live.url, live.password_client_id,
                                  live.password_client_secret, restricted_rep.user_name,
                                  restricted_rep.password)
    leaked = {r.id for r in as_rep.list("Contacts", filter=Filter.where(email1=email))}
    assert sallys in leaked, "SuiteCRM 7.14 no longer leaks: the API's re-check may go"

    assert found(api, "contacts", sally, tag) == {sallys, own}, "the record is findable"
    assert found(api, "contacts", rep, tag) == {own}
    assert found(api, "contacts", rep, email) == set(), "not by its address either"
    assert found(api, "contacts", sally, email) == {sallys}
    hidden = get(api, f"/records/contacts/{sallys}", rep)
    missing = get(api, f"/records/contacts/{MISSING_ID}", rep)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["message"] == missing.json()["message"]
    assert get(api, f"/records/contacts/{own}", rep).json()["last_name"] == tag
    assert get(api, f"/records/contacts/{sallys}", sally).json()["first_name"] == "Zoë"
    assert get(api, f"/cards/contacts/{sallys}", rep).status_code == 404
    card = get(api, f"/cards/contacts/{own}", rep)
    assert card.status_code == 200, card.text
    assert card.json()["person"]["id"] == own


def test_a_restricted_rep_sees_only_their_own_deals_and_cases(
        api: str, crm: SuiteCRMClient, restricted_rep: Rep,
        created: list[tuple[str, str]]) -> None:
    tag = f"Scrmlive{secrets.token_hex(4)}"
    for module, kind in (("Opportunities", "opportunities"), ("Cases", "cases")):
        others = crm.create(module, {"name": f"{tag} of sally", "assigned_user_id":
                                     "seed_sally_id"}).id
        own = crm.create(module, {"name": f"{tag} mine",
                                  "assigned_user_id": restricted_rep.user_id}).id
        created.extend([(module, others), (module, own)])
        rep = headers_of(api, restricted_rep.user_name, restricted_rep.password)
        assert found(api, kind, rep, tag) == {own}, kind
        mine = get(api, f"/records/{kind}", rep, mine="true", limit=50).json()["items"]
        assert {row["assigned_user_id"] for row in mine} == {restricted_rep.user_id}
        assert get(api, f"/records/{kind}/{others}", rep).status_code == 404
        assert get(api, f"/records/{kind}/{own}", rep).json()["id"] == own
