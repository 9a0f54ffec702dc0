"""``GET /api/v1/advocates`` over HTTP: the ranking read with the caller's own token,
filtered by network and account, discount seekers out unless asked for, each row with
the components of its score; bad arguments are 422, no token 401."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import redis

from connectors.suitecrm import Record, SuiteCRMClient
from sandboxes.suitecrm import SuiteCRMSandbox
from tests.advocates.conftest import NOW, interaction, profile
from tests.mobile.conftest import Api
from workers.advocates import refresh_profile

Login = Callable[[str], dict[str, str]]


def advocates(api: Api, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    answer = api("GET", "/advocates", params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def fan(crm: SuiteCRMClient, client: redis.Redis, name: str, talk: list[str], *,
        network: str = "facebook", **attributes: Any) -> Record:
    """A profile that said ``talk`` (one a day), refreshed as the job would."""
    made = profile(crm, name, network=network, **attributes)
    for days, body in enumerate(talk):
        interaction(crm, made.id, body, days=days + 0.5, network=network)
    refresh_profile(client, crm, made.id, now=NOW)
    return made


def test_the_top_advocates_come_best_first_with_their_components(
        api: Api, crm: SuiteCRMClient, redis_client: redis.Redis, login: Login) -> None:
    acme = crm.create("Accounts", {"name": "Acme 中国"})
    contact = crm.create("Contacts", {"first_name": "Olga", "last_name": "Сидорова"})
    lead = crm.create("Leads", {"first_name": "Li", "last_name": "Wei"})
    best = fan(crm, redis_client, "Olga 🌟", ["Love it"] * 6, followers=5000,
               contact_id=contact.id, account_id=acme.id)
    middle = fan(crm, redis_client, "Li Wei", ["Great", "Nice"], network="linkedin",
                 lead_id=lead.id)
    low = fan(crm, redis_client, "Once", ["Fine product"])
    silent = profile(crm, "Never said a word")
    rows = advocates(api, login("sally"))
    assert [r["profile_id"] for r in rows] == [best.id, middle.id, low.id]
    assert silent.id not in {r["profile_id"] for r in rows}
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0
    top = rows[0]
    stored = crm.get("SCRM_SocialProfiles", best.id, fields=["advocate_score"])
    assert top["score"] == int(stored["advocate_score"])
    assert (top["name"], top["handle"], top["network"], top["followers"]) == (
        "Olga 🌟", "olga.🌟", "facebook", 5000)
    assert (top["contact_id"], top["contact_name"]) == (contact.id, "Olga Сидорова")
    assert (top["account_id"], top["account_name"]) == (acme.id, "Acme 中国")
    assert top["lead_id"] is None and top["discount_seeker"] is False
    parts = top["components"]
    assert parts["positive"] == 6 and parts["followers"] == 5000
    assert 0 < parts["frequency"] <= 1 and parts["recency"] > 0.9
    assert parts["computed_at"] and parts["discount_terms"] == []
    assert (rows[1]["lead_id"], rows[1]["lead_name"]) == (lead.id, "Li Wei")
    assert [r["profile_id"] for r in advocates(api, login("sally"), limit=2)] == [
        best.id, middle.id]


def test_filters_by_network_and_account(
        api: Api, crm: SuiteCRMClient, redis_client: redis.Redis, login: Login) -> None:
    acme = crm.create("Accounts", {"name": "Acme"})
    on_facebook = fan(crm, redis_client, "FB", ["Great"] * 3, account_id=acme.id)
    on_linkedin = fan(crm, redis_client, "LI", ["Great"] * 2, network="linkedin")
    sally = login("sally")
    assert [r["profile_id"] for r in advocates(api, sally, network="linkedin")] == [
        on_linkedin.id]
    assert [r["profile_id"] for r in advocates(api, sally, account_id=acme.id)] == [
        on_facebook.id]
    assert advocates(api, sally, account_id=acme.id, network="linkedin") == []


def test_discount_seekers_are_left_out_unless_asked_for(
        api: Api, crm: SuiteCRMClient, redis_client: redis.Redis, login: Login) -> None:
    seeker = fan(crm, redis_client, "Seeker", ["Love you! promo code?", "Any coupon? 😍",
                                               "Free gift please, you rock",
                                               "Discount for fans?", "Best shop, sale?"])
    real = fan(crm, redis_client, "Real fan", ["Brilliant support", "Love the app"])
    sally = login("sally")
    assert [r["profile_id"] for r in advocates(api, sally)] == [real.id]
    everyone = advocates(api, sally, include_discount_seekers="true")
    assert [r["profile_id"] for r in everyone] == [seeker.id, real.id]
    flagged = everyone[0]
    assert flagged["discount_seeker"] is True and flagged["score"] > everyone[1]["score"]
    assert set(flagged["components"]["discount_terms"]) >= {"promo code", "coupon", "free"}


def test_the_ranking_is_read_with_the_callers_own_token(
        api: Api, crm: SuiteCRMClient, redis_client: redis.Redis, login: Login,
        suitecrm: SuiteCRMSandbox) -> None:
    mine = fan(crm, redis_client, "Olga's", ["Great"] * 2)
    theirs = fan(crm, redis_client, "Not Olga's", ["Great"] * 4)
    own = {"view": "owner", "list": "owner", "edit": "owner", "delete": "owner"}
    suitecrm.add_role("Own profiles", {"SCRM_SocialProfiles": own})
    olga = suitecrm.add_user("olga", "olga-Passw0rd", roles=("Own profiles",))
    crm.update("SCRM_SocialProfiles", mine.id, {"assigned_user_id": olga})
    assert [r["profile_id"] for r in advocates(api, login("olga"))] == [mine.id]
    assert [r["profile_id"] for r in advocates(api, login("sally"))] == [theirs.id, mine.id]
    suitecrm.add_role("No profiles", {"SCRM_SocialProfiles": {"access": "none"}})
    suitecrm.add_user("nina", "nina-Passw0rd", roles=("No profiles",))
    closed = api("GET", "/advocates", headers=login("nina"))
    assert closed.status_code == 403 and closed.json()["code"] == 403


def test_components_are_null_until_a_refresh_has_run(
        api: Api, crm: SuiteCRMClient, redis_client: redis.Redis, login: Login) -> None:
    old = profile(crm, "Scored before Redis was reset", advocate_score=42)
    rows = advocates(api, login("sally"))
    assert [(r["profile_id"], r["score"], r["components"]) for r in rows] == [
        (old.id, 42, None)]


def test_bad_arguments_are_422_and_no_token_is_401(api: Api, login: Login) -> None:
    sally = login("sally")
    for params in ({"limit": 0}, {"limit": 101}, {"limit": "ten"}, {"network": "myspace"},
                   {"account_id": "x" * 65}, {"account_id": "a b"},
                   {"include_discount_seekers": "perhaps"}):
        answer = api("GET", "/advocates", params=params, headers=sally)
        assert answer.status_code == 422, params
        assert answer.json()["errors"]["query"], params
    assert api("GET", "/advocates").status_code == 401
