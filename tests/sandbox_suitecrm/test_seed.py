"""The fixed accounts and the deterministic demo data."""

from __future__ import annotations

from sandboxes.suitecrm import (
    DEMO_MOBILE_CLIENT,
    DEMO_REPS,
    DEMO_SYNC_CLIENT,
    DEMO_USERS,
    OWNER_ONLY_USER,
    SuiteCRMSandbox,
)

from .conftest import START, Api, login, password_token, sync_token


def test_demo_clients_and_every_demo_user_can_log_in(demo: SuiteCRMSandbox) -> None:
    assert DEMO_SYNC_CLIENT == ("socialcrm-demo-sync", "demo-sync-secret")
    assert DEMO_MOBILE_CLIENT == ("socialcrm-demo-mobile", "demo-mobile-secret")
    assert Api(demo.url, sync_token(demo.url)).get("/Api/V8/module/Accounts").status_code == 200
    for user_name, password, user_id in DEMO_USERS:
        assert password == f"{user_name}-Passw0rd"
        token = password_token(demo.url, user_name, password)["access_token"]
        me = Api(demo.url, token).get("/Api/V8/current-user").json()["data"]
        assert me["id"] == user_id


def test_demo_data_is_plentiful_and_varied(demo: SuiteCRMSandbox) -> None:
    api = login(demo.url)

    def count(module: str, query: str = "") -> int:
        body = api.get(f"/Api/V8/module/{module}?page[size]=1{query}").json()
        return body["meta"]["total-pages"] if "meta" in body else 0

    assert count("Accounts") == 30
    assert count("Contacts") == 200
    assert count("Leads") == 80
    assert count("Opportunities") >= 40
    assert count("Cases", "&filter[state][eq]=Open") > 0
    assert count("Cases", "&filter[state][eq]=Closed") > 0
    assert count("Opportunities", "&filter[sales_stage][eq]=Closed Won") > 0
    assert count("Contacts", "&filter[email1][like]=%25@%25") >= 170
    for first, last in (("Zoë", "Müller"), ("José", "Ñúñez"), ("Łukasz", "Żak")):
        found = api.get(
            "/Api/V8/module/Contacts",
            params={"filter[first_name][eq]": first, "filter[last_name][eq]": last},
        ).json()
        assert found["data"], f"{first} {last} is seeded"
    for module in ("Calls", "Meetings", "Tasks", "Notes"):
        assert count(module) > 0
    for _, _, rep in DEMO_REPS:
        assert count("Contacts", f"&filter[assigned_user_id][eq]={rep}") > 0


def test_the_owner_only_rep_sees_a_subset(demo: SuiteCRMSandbox) -> None:
    mine = login(demo.url, "max", "max-Passw0rd").get("/Api/V8/module/Contacts?page[size]=1").json()
    assigned = (
        login(demo.url)
        .get(f"/Api/V8/module/Contacts?page[size]=1&filter[assigned_user_id][eq]={OWNER_ONLY_USER}")
        .json()
    )
    assert mine["meta"]["total-pages"] == assigned["meta"]["total-pages"] < 200


def test_the_same_seed_gives_the_same_records() -> None:
    first = SuiteCRMSandbox(seed=True, rng_seed=11, clock=lambda: START).core
    second = SuiteCRMSandbox(seed=True, rng_seed=11, clock=lambda: START).core
    other = SuiteCRMSandbox(seed=True, rng_seed=12, clock=lambda: START).core
    rows = sorted(first.store.rows["Contacts"].values(), key=lambda r: r["id"])
    assert rows == sorted(second.store.rows["Contacts"].values(), key=lambda r: r["id"])
    assert set(first.store.rows["Contacts"]) != set(other.store.rows["Contacts"])
