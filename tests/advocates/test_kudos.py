
"""Kudos: a positive inbound mention of an account or a product goes to the account's
team as a ``kudos`` feed item, once per interaction, except to reps who opted out with
``PUT /api/v1/preferences``; what is not kudos goes nowhere."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import redis

from connectors.errors import ConnectorError
from connectors.suitecrm import Record, SuiteCRMClient
from plugin.advocates import KudosRules, kudos_in
from sandboxes.suitecrm import SuiteCRMSandbox
from tests.advocates.conftest import CHRIS, MAX, NOW, SALLY, WILL, interaction
from tests.mobile.conftest import Api
from workers.kudos import KUDOS_MODULE, KudosPreferences, kudos_for

Login = Callable[[str], dict[str, str]]


def kudos_feed(api: Api, headers: dict[str, str]) -> list[dict[str, Any]]:
    answer = api("GET", "/feed", params={"type": "kudos", "limit": 50}, headers=headers)
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


@pytest.fixture()
def account(crm: SuiteCRMClient) -> Record:
    """Acme: Sally owns it, Max has an open deal, Will an open case; Chris's deal is won
    and a closed case is Sally's again (no one twice, no one for closed work)."""
    acme = crm.create("Accounts", {"name": "Acme «Ромашка» 🌼", "assigned_user_id": SALLY})
    for name, owner, stage in (("Renewal", MAX, "Negotiation/Review"),
                               ("Old deal", CHRIS, "Closed Won")):
        crm.create("Opportunities", {"name": name, "assigned_user_id": owner,
                                     "sales_stage": stage, "amount": 1000,
                                     "date_closed": "2027-01-31", "account_id": acme.id})
    crm.create("Cases", {"name": "Open question", "assigned_user_id": WILL,
                         "account_id": acme.id, "state": "Open", "status": "Open_New"})
    crm.create("Cases", {"name": "Solved", "assigned_user_id": CHRIS, "account_id": acme.id,
                         "state": "Closed", "status": "Closed_Closed"})
    return acme


def test_praise_of_an_account_reaches_its_team_once(
        api: Api, crm: SuiteCRMClient, account: Record, redis_client: redis.Redis,
        login: Login) -> None:
    praise = interaction(crm, None, "Команда Acme — лучшие! 👏 客服太棒了", score=0.9,
                         days=0.1, account_id=account.id, author_name="Анна Ли",
                         permalink="https://facebook.com/1/posts/2")
    outcome = kudos_for(redis_client, crm, praise)
    assert outcome.status == "shared"
    assert outcome.recipients == (SALLY, MAX, WILL)
    again = kudos_for(redis_client, crm, crm.get("SCRM_SocialInteractions", praise.id))
    assert again.status == "already_shared" and again.recipients == ()
    for user in ("sally", "max", "will"):
        items = kudos_feed(api, login(user))
        assert len(items) == 1, f"{user} has the kudos once"
        item = items[0]
        assert item["kind"] == "kudos" and item["id"] == f"{KUDOS_MODULE}:kudos-{praise.id}"
        assert item["summary"] == "Команда Acme — лучшие! 👏 客服太棒了"
        assert item["title"] == "Kudos for Acme «Ромашка» 🌼 from Анна Ли"
        assert f"SCRM_SocialInteractions:{praise.id}" in item["related"]
        assert f"Accounts:{account.id}" in item["related"]
        assert item["permalink"] == "https://facebook.com/1/posts/2"
    assert kudos_feed(api, login("chris")) == [], "closed work makes no team member"


def test_a_rep_who_opted_out_gets_no_kudos_and_can_opt_in_again(
        api: Api, crm: SuiteCRMClient, account: Record, redis_client: redis.Redis,
        login: Login) -> None:
    max_headers = login("max")
    assert api("GET", "/preferences", headers=max_headers).json() == {"kudos": True}
    answer = api("PUT", "/preferences", json={"kudos": False}, headers=max_headers)
    assert answer.status_code == 200 and answer.json() == {"kudos": False}
    assert api("GET", "/preferences", headers=max_headers).json() == {"kudos": False}
    assert api("GET", "/preferences", headers=login("sally")).json() == {"kudos": True}

    first = interaction(crm, None, "Amazing service from Acme", account_id=account.id,
                        days=0.1)
    outcome = kudos_for(redis_client, crm, first)
    assert outcome.recipients == (SALLY, WILL) and outcome.opted_out == (MAX,)
    assert kudos_feed(api, max_headers) == []
    assert len(kudos_feed(api, login("sally"))) == 1

    assert api("PUT", "/preferences", json={"kudos": True},
               headers=max_headers).json() == {"kudos": True}
    second = interaction(crm, None, "Acme, you are wonderful", account_id=account.id,
                         days=0.05)
    assert kudos_for(redis_client, crm, second).recipients == (SALLY, MAX, WILL)
    assert [i["id"] for i in kudos_feed(api, max_headers)] == [
        f"{KUDOS_MODULE}:kudos-{second.id}"]


def test_preferences_take_exactly_a_json_boolean(api: Api, login: Login) -> None:
    sally = login("sally")
    for body in ({}, {"kudos": 0}, {"kudos": "false"}, {"kudos": None},
                 {"kudos": False, "sms": True}):
        answer = api("PUT", "/preferences", json=body, headers=sally)
        assert answer.status_code == 422, body
        assert answer.json()["errors"]["json"], body
    assert api("GET", "/preferences", headers=sally).json() == {"kudos": True}
    assert api("PUT", "/preferences", json={"kudos": False}).status_code == 401


def test_when_everyone_opted_out_nobody_is_told(
        crm: SuiteCRMClient, account: Record, redis_client: redis.Redis) -> None:
    prefs = KudosPreferences(redis_client)
    for user in (SALLY, MAX, WILL):
        prefs.set_receives(user, False)
    praise = interaction(crm, None, "Excellent!", account_id=account.id, days=0.1)
    outcome = kudos_for(redis_client, crm, praise)
    assert (outcome.status, outcome.recipients, outcome.opted_out) == (
        "nobody", (), (SALLY, MAX, WILL))


def test_a_product_named_in_the_text_makes_kudos_for_the_product_team(
        api: Api, crm: SuiteCRMClient, redis_client: redis.Redis, login: Login) -> None:
    rules = KudosRules(products=("RoboMop X", "智能拖把"), product_audience=(CHRIS,))
    mop = interaction(crm, None, "The robomop x is the best thing I bought", days=0.1)
    outcome = kudos_for(redis_client, crm, mop, rules=rules)
    assert (outcome.status, outcome.recipients) == ("shared", (CHRIS,))
    items = kudos_feed(api, login("chris"))
    assert [i["title"] for i in items] == ["Kudos for RoboMop X from A customer"]
    chinese = interaction(crm, None, "这个智能拖把太棒了", label="neutral", score=0.1,
                          days=0.1)
    assert kudos_for(redis_client, crm, chinese, rules=rules).status == "shared", \
        "praise words count when the score alone is not enough"
    elsewhere = interaction(crm, None, "RoboMop Xtreme is great", days=0.1)
    assert kudos_for(redis_client, crm, elsewhere, rules=rules).status == "not_kudos"


@pytest.mark.parametrize(("body", "changes"), [
    ("Acme is terrible, thanks for nothing", {"label": "negative", "score": 0.8}),
    ("Acme is great", {"direction": "outbound"}),
    ("Acme is great", {"status": "hidden"}),
    ("Acme is great", {"days": 30}),
    ("I ordered from Acme yesterday", {"label": "positive", "score": 0.3}),
    ("Love the new look, hate the price", {"label": "mixed", "score": 0.1}),
    ("Acme is great", {"kind": "lead_form"}),
])
def test_what_is_not_kudos_goes_nowhere(
        api: Api, crm: SuiteCRMClient, account: Record, redis_client: redis.Redis,
        login: Login, body: str, changes: dict[str, Any]) -> None:
    record = interaction(crm, None, body, account_id=account.id, **{
        "days": 0.1, **changes})
    assert kudos_for(redis_client, crm, record).status == "not_kudos"
    assert kudos_feed(api, login("sally")) == []


def test_praise_that_names_no_account_or_product_is_not_kudos(
        crm: SuiteCRMClient, redis_client: redis.Redis) -> None:
    record = interaction(crm, None, "What a wonderful day", days=0.1)
    assert kudos_for(redis_client, crm, record).status == "not_kudos"


def test_a_partial_record_is_read_again_before_deciding(
        crm: SuiteCRMClient, account: Record, redis_client: redis.Redis) -> None:
    praise = interaction(crm, None, "Brilliant support, Acme", account_id=account.id,
                         days=0.1)
    bare = Record(praise.module, praise.type, praise.id, {"name": praise["name"]})
    assert kudos_for(redis_client, crm, bare).recipients == (SALLY, MAX, WILL)


def test_a_failure_before_sharing_leaves_the_interaction_to_a_retry(
        crm: SuiteCRMClient, account: Record, redis_client: redis.Redis,
        suitecrm: SuiteCRMSandbox) -> None:
    praise = interaction(crm, None, "Outstanding, Acme", account_id=account.id, days=0.1)
    suitecrm.faults.configure(fail_next=1, fail_status=403)  # reading the team fails
    with pytest.raises(ConnectorError):
        kudos_for(redis_client, crm, praise)
    assert kudos_for(redis_client, crm, praise).status == "shared"


def test_kudos_rules_are_checked() -> None:
    with pytest.raises(ValueError, match=r"kudos\.min_score"):
        KudosRules.from_dict({"min_score": 2})
    with pytest.raises(ValueError, match=r"kudos\.product: unknown key"):
        KudosRules.from_dict({"product": ["x"]})
    with pytest.raises(ValueError, match=r"kudos\.products: expected a list"):
        KudosRules.from_dict({"products": "RoboMop"})
    rules = KudosRules.from_dict({"products": [" RoboMop ", ""], "max_age_days": 2,
                                  "praise_words": {"en": ["rad"]}})
    assert rules.products == ("RoboMop",)
    record = Record("SCRM_SocialInteractions", "SCRM_SocialInteraction", "r", {
        "direction": "inbound", "kind": "comment", "status": "new", "sentiment_label":
        "neutral", "sentiment_score": "0.0", "body": "RoboMop is rad",
        "occurred_at": (NOW - timedelta(days=1)).isoformat()})
    found = kudos_in(record, rules, now=NOW)
    assert found is not None and found.praise == ("rad",) and found.products == ("RoboMop",)
    assert kudos_in(record, rules, now=NOW + timedelta(days=2)) is None


def test_the_kudos_job_shares_what_the_ingest_queued(
        api: Api, crm: SuiteCRMClient, account: Record, redis_client: redis.Redis,
        login: Login, in_process: Any) -> None:
    """The ingest only decides (no SuiteCRM call) and queues; the job reads the record and
    the team, and shares once however often it runs."""
    from workers.jobs import kudos as kudos_job

    praise = interaction(crm, None, "Acme are the best 👏", score=0.9, days=0.1,
                         account_id=account.id, author_name="Anna Lee")
    assert kudos_job.enqueue_share(redis_client, praise.id)
    assert not kudos_job.enqueue_share(redis_client, praise.id), "one job per interaction"
    assert kudos_job.share_job(praise.id)["status"] == "shared"
    assert kudos_job.share_job(praise.id)["status"] == "already_shared"
    assert len(kudos_feed(api, login("sally"))) == 1
