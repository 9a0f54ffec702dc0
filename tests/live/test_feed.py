"""The feed against the real SuiteCRM: its fields exist, and a rebuild equals the sync's road.

Other suites share the instance: this one creates its own records, rebuilds only from the
minute it started, and compares only the items of its own records.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from connectors.suitecrm import Filter
from tests.feed.conftest import whole_timeline
from workers import feed
from workers.feed_items import FEED_FIELDS
from workers.feed_rebuild import rebuild
from workers.jobs.feed import concerned_users, publish_record


def user_id(crm, user_name: str) -> str:
    (user,) = crm.list("Users", filter=Filter.where(user_name=user_name), page_size=1)
    return user.id


def test_every_field_the_feed_reads_is_a_real_field(crm, installed_package):
    for module, fields in FEED_FIELDS.items():
        page = crm.list(module, fields=fields, page_size=1)  # V8 refuses an unknown field
        for record in page:
            assert set(fields) <= set(record.attributes), module


def test_a_rebuild_equals_what_the_sync_published(crm, redis_client, installed_package):
    started = datetime.now(UTC) - timedelta(minutes=1)
    tag = uuid.uuid4().hex[:6]
    sally, max_, will = (user_id(crm, name) for name in ("sally", "max", "will"))
    company = crm.create("Accounts", {"name": f"Feed 南方 {tag}", "assigned_user_id": max_})
    person = crm.create("Contacts", {"first_name": "Ёлка", "last_name": f"Feed {tag}",
                                     "account_id": company.id, "assigned_user_id": will})
    made = [
        ("Calls", crm.create("Calls", {
            "name": f"Звонок 📞 {tag}", "status": "Planned", "direction": "Outbound",
            "parent_type": "Contacts", "parent_id": person.id, "assigned_user_id": sally,
            "duration_hours": 0, "duration_minutes": 15,
            "date_start": datetime.now(UTC) + timedelta(days=1)})),
        ("Cases", crm.create("Cases", {"name": f"包裹丢失 📦 {tag}", "status": "Open_New",
                                       "account_id": company.id, "assigned_user_id": will})),
        ("SCRM_SocialInteractions", crm.create("SCRM_SocialInteractions", {
            "name": f"Где мой заказ? 😡 {tag}", "network": "facebook",
            "external_id": f"feed-{tag}", "kind": "comment", "body": "Жду уже неделю 🙏",
            "author_name": "Li Wei", "occurred_at": datetime.now(UTC),
            "account_id": company.id, "assigned_user_id": sally})),
    ]
    mine = {record.id for _module, record in made} | {person.id}
    for module, record in [*made, ("Contacts", person)]:
        publish_record(redis_client, crm, module, record)
    assert concerned_users(redis_client, crm, made[0][1]) == [sally, max_]

    def snapshot() -> dict[str, list[dict]]:
        return {user: [item for item in whole_timeline(redis_client, user)
                       if item["record_id"] in mine] for user in (sally, max_, will)}

    published = snapshot()
    titles = {item["record_id"]: item["title"] for items in published.values() for item in items}
    for module, record in made:  # what SuiteCRM holds is what the feed shows, emoji and all
        assert titles[record.id] == crm.get(module, record.id)["name"] == record["name"]
    assert len(published[max_]) == 4 and len(published[sally]) == 2

    for key in redis_client.scan_iter(match=feed.PREFIX + "*"):
        redis_client.delete(key)
    rebuild(redis_client, crm, since=started)
    assert snapshot() == published
