"""Webhook events of both networks and polled records become the same kind of item."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest

from connectors.linkedin.webhooks import parse_notifications
from connectors.social import (
    LeadSubmission,
    Network,
    SocialComment,
    SocialIdentity,
    SocialMessage,
    SocialPost,
)
from plugin.sync import ids
from plugin.sync.items import (
    BadItem,
    NotAnItem,
    SocialItem,
    from_comment,
    from_event,
    from_lead,
    from_message,
    from_post,
)
from tests.sync.events import PAGE, WHEN, facebook
from workers.jobs.intake import _social

ORG = "urn:li:organization:2414183"
LATER = datetime(2026, 3, 1, 12, 5, tzinfo=UTC)


def linkedin(action: str, **decorated) -> dict:
    notification = {"type": "ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS", "notifications": [{
        "notificationId": 77, "organizationalEntity": ORG, "action": action,
        "sourcePost": "urn:li:share:700", "lastModifiedAt": int(LATER.timestamp() * 1000),
        "decoratedGeneratedActivity": {"comment": {
            "entity": "urn:li:comment:(urn:li:activity:700,901)",
            "owner": "urn:li:person:abc", **decorated}}}]}
    (event,) = parse_notifications(json.dumps(notification).encode())
    return json.loads(json.dumps(_social(event)))


def test_a_facebook_comment_belongs_to_its_post_thread():
    item = from_event(facebook("comment", post_id=f"{PAGE}_4001", comment_id="4001_9",
                               text="Привет 👋"))
    assert (item.network, item.kind, item.verb) == (Network.FACEBOOK, "comment", "add")
    assert (item.external_id, item.parent_id, item.thread_id) == ("4001_9", f"{PAGE}_4001",
                                                                  f"{PAGE}_4001")
    assert item.body == "Привет 👋" and item.occurred_at == item.event_time == WHEN
    assert item.author is not None and item.author.name == "Sandbox Visitor"
    assert item.direction == "inbound"


def test_a_facebook_reply_names_the_comment_it_answers():
    item = from_event(facebook("comment", post_id=f"{PAGE}_4001", comment_id="4001_10",
                               parent_id="4001_9", verb="edited"))
    assert (item.kind, item.verb) == ("reply", "edit")
    assert (item.parent_id, item.thread_id) == ("4001_9", f"{PAGE}_4001")


def test_a_facebook_post_is_its_own_thread_and_the_pages_own_post_is_outbound():
    item = from_event(facebook("post", post_id=f"{PAGE}_4002", sender_id=PAGE))
    assert (item.kind, item.external_id, item.thread_id) == ("post", f"{PAGE}_4002",
                                                             f"{PAGE}_4002")
    assert item.direction == "outbound"


def test_messenger_messages_are_messages_and_echoes_are_outbound():
    message = from_event(facebook("message", text="Where is my order? 你好"))
    echo = from_event(facebook("message", text="On its way", is_echo=True))
    assert (message.kind, message.direction, message.body) == ("message", "inbound",
                                                               "Where is my order? 你好")
    assert (echo.kind, echo.verb, echo.direction) == ("message", "add", "outbound")


def test_a_lead_ad_is_a_lead_form_item_without_text_yet():
    item = from_event(facebook("leadgen", leadgen_id="8123"))
    assert (item.kind, item.external_id, item.body) == ("lead_form", "8123", None)


@pytest.mark.parametrize(("action", "kind", "verb"), [
    ("COMMENT", "comment", "add"), ("COMMENT_EDIT", "comment", "edit"),
    ("COMMENT_DELETE", "comment", "remove")])
def test_linkedin_comment_notifications(action, kind, verb):
    item = from_event(linkedin(action, text="Отлично"))
    assert (item.network, item.kind, item.verb) == (Network.LINKEDIN, kind, verb)
    assert item.thread_id == item.parent_id == "urn:li:share:700"
    assert item.event_time == LATER and item.event_id == "77"


def test_a_linkedin_reply_names_its_parent_comment():
    parent = "urn:li:comment:(urn:li:activity:700,900)"
    item = from_event(linkedin("COMMENT", parentComment=parent))
    assert (item.kind, item.parent_id, item.thread_id) == ("reply", parent, "urn:li:share:700")


def test_reactions_and_unknown_payloads_are_not_items():
    with pytest.raises(NotAnItem):
        from_event(facebook("reaction"))
    with pytest.raises(NotAnItem):
        from_event({"network": "facebook", "kind": "unknown", "verb": "", "raw": {}})
    with pytest.raises(NotAnItem):
        from_event({**facebook("comment"), "verb": "block"})


def test_an_event_without_id_or_time_is_bad_data():
    with pytest.raises(BadItem, match="external id"):
        from_event({**facebook("comment"), "object_id": ""})
    with pytest.raises(BadItem, match="ISO 8601"):
        from_event({**facebook("comment"), "occurred_at": "yesterday"})
    with pytest.raises(BadItem, match="network"):
        from_event({**facebook("comment"), "network": "myspace"})


def test_an_item_survives_the_trip_through_a_job_argument():
    item = from_event(facebook("comment", text="Ёж 刺猬 🦔 <b>&amp;</b>"))
    again = SocialItem.from_json(json.loads(json.dumps(item.to_json())))
    assert again == item and again.raw == item.raw
    with pytest.raises(BadItem):
        SocialItem.from_json({"network": "facebook"})


def test_polled_records_are_snapshots_taken_when_read():
    author = SocialIdentity(Network.FACEBOOK, "55", "Li Wei")
    post = SocialPost(Network.FACEBOOK, f"{PAGE}_1", PAGE, author, "Sale!", WHEN,
                      permalink="https://fb.example/1", is_hidden=True)
    comment = SocialComment(Network.FACEBOOK, "1_2", f"{PAGE}_1", "1_1", author, "Re", WHEN)
    top = SocialComment(Network.FACEBOOK, "1_3", f"{PAGE}_1", None, author, "Hi", WHEN)
    message = SocialMessage(Network.FACEBOOK, "m_1", "t_9", author, PAGE, "Hi", WHEN)
    lead = LeadSubmission(Network.LINKEDIN, "lead-1", "form-1", WHEN,
                          {"email": "a@example.com", "city": "Москва"}, owner_id=ORG,
                          form_name="Demo")
    items = [from_post(post, observed_at=LATER),
             from_comment(comment, owner_id=PAGE, observed_at=LATER),
             from_comment(top, owner_id=PAGE, observed_at=LATER),
             from_message(message, owner_id=PAGE, observed_at=LATER),
             from_lead(lead, observed_at=LATER)]
    assert [(i.kind, i.verb, i.parent_id, i.thread_id) for i in items] == [
        ("post", "hide", None, f"{PAGE}_1"), ("reply", "add", "1_1", f"{PAGE}_1"),
        ("comment", "add", f"{PAGE}_1", f"{PAGE}_1"),
        ("message", "add", None, f"messenger:{PAGE}:55"),  # the conversation's key, not t_9
        ("lead_form", "add", None, None)]
    assert all(i.snapshot and i.event_time == LATER and i.occurred_at == WHEN for i in items)
    assert items[0].permalink == "https://fb.example/1"
    assert items[4].body == "Demo\nemail: a@example.com\ncity: Москва"


def test_derived_ids_are_stable_uuids_distinct_per_module_network_and_item():
    first = ids.interaction_id("facebook", "1_2")
    assert first == ids.interaction_id("facebook", "1_2")
    assert uuid.UUID(first).version == 5 and len(first) == 36
    others = {ids.profile_id("facebook", "1_2"), ids.interaction_id("linkedin", "1_2"),
              ids.interaction_id("facebook", "1_3")}
    assert first not in others and len(others) == 3
    with pytest.raises(ValueError):
        ids.interaction_id("facebook", "")
