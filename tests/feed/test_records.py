"""publish_record: what the sync calls after a write, against the SuiteCRM sandbox."""

from __future__ import annotations

from connectors.suitecrm import Record
from tests.feed.conftest import MAX, SALLY, WILL, account, create, interaction
from workers import feed
from workers.jobs.feed import CACHE_SECONDS, concerned_users, publish_record


def test_an_interaction_reaches_its_assignee_and_the_account_owner(redis_client, crm):
    owner_account = account(crm, owner=MAX)
    name = "客户投诉：包裹还没到 😡 — Привет"
    written = interaction(crm, assignee=SALLY, account_id=owner_account.id, name=name,
                          body="Мой заказ\n не пришёл 😡 三天了")
    assert publish_record(redis_client, crm, "SCRM_SocialInteractions", written) == "published"
    for user in (SALLY, MAX):
        (entry,) = feed.timeline(redis_client, user).items
        assert entry.kind == "interaction" and entry.record_id == written.id
        assert entry.title == crm.get("SCRM_SocialInteractions", written.id)["name"] == name
        assert entry.summary == "Мой заказ не пришёл 😡 三天了"
        assert (entry.network, entry.sentiment, entry.status, entry.actor) == \
            ("facebook", "negative", "new", "Li Wei")
        assert entry.occurred_at == written.datetime("occurred_at")
    assert feed.timeline(redis_client, WILL).items == ()


def test_a_call_on_a_contact_reaches_the_owner_of_the_contacts_account(redis_client, crm):
    company = account(crm, owner=WILL)
    person = create(crm, "Contacts", last_name="Ng", account_id=company.id,
                    assigned_user_id=SALLY)
    call = create(crm, "Calls", name="Renewal call", status="Planned", parent_type="Contacts",
                  parent_id=person.id, assigned_user_id=SALLY, direction="Outbound",
                  duration_hours=0, duration_minutes=15)
    assert concerned_users(redis_client, crm, call) == [SALLY, WILL]
    # the contact's account and the account's owner are cached briefly
    owner_key = f"{feed.PREFIX}cache:owner:{company.id}"
    assert redis_client.get(owner_key) == WILL.encode()
    assert 0 < redis_client.ttl(owner_key) <= CACHE_SECONDS
    assert 0 < redis_client.ttl(f"{feed.PREFIX}cache:account:Contacts/{person.id}") \
        <= CACHE_SECONDS


def test_a_record_without_account_concerns_only_its_assignee(redis_client, crm):
    task = create(crm, "Tasks", name="Send the quote", status="Not Started",
                  assigned_user_id=MAX)
    assert concerned_users(redis_client, crm, task) == [MAX]
    unassigned = create(crm, "Tasks", name="Nobody's task", status="Not Started")
    assert concerned_users(redis_client, crm, unassigned) == []


def test_a_partial_record_is_read_again_so_the_item_is_complete(redis_client, crm):
    company = account(crm, owner=MAX)
    case = create(crm, "Cases", name="Parcel lost 📦", status="Open_New", priority="P1",
                  account_id=company.id, assigned_user_id=SALLY)
    partial = Record(module="Cases", type="Case", id=case.id, attributes={"name": "Parcel lost"})
    publish_record(redis_client, crm, "Cases", partial)
    (entry,) = feed.timeline(redis_client, MAX).items
    assert (entry.title, entry.status, entry.kind) == ("Parcel lost 📦", "Open_New", "case")
    assert entry.version == case.datetime("date_modified").strftime("%Y%m%dT%H%M%SZ")
