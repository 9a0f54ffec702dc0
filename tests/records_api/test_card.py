"""A contact's and a lead's card: social profiles, sentiment, advocate score and the latest
interactions, all created first with the service account and read as the rep."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.suitecrm import SuiteCRMClient
from tests.mobile.conftest import Api
from tests.records_api.helpers import MAX, SALLY, interaction, minute, ok, person
from workers.record_cache import invalidate

# 279 characters, then an emoji with a skin tone (two code points) as the 280th: a cut by
# code points would keep the thumb and lose its tone.
LONG_BODY = ("Ваш сервис 很好 " * 20)[:-1] + "👍🏽" + "🇩🇪 tail"


def profile(crm: SuiteCRMClient, link: dict[str, str], network: str, handle: str,
            confidence: float) -> str:
    return crm.create("SCRM_SocialProfiles", {
        "name": handle, "network": network, "external_id": f"{network}-{handle}",
        "handle": handle, "display_name": f"Display {handle}",
        "profile_url": f"https://{network}.example/{handle}", "match_confidence": confidence,
        "followers": 1234, "assigned_user_id": SALLY, **link}).id


def test_a_contact_card_gathers_profiles_sentiment_advocacy_and_latest_interactions(
        api: Api, crm: SuiteCRMClient, sally_headers: dict[str, str], tag: str) -> None:
    contact = person(crm, "Contacts", SALLY, tag, first_name="Jürgen")
    link = {"contact_id": contact}
    fb = profile(crm, link, "facebook", f"jurgen.{tag.lower()}", 0.9731)
    li = profile(crm, link, "linkedin", f"jurgen-{tag.lower()}", 0.5)
    now = minute(datetime.now(UTC))
    scores = [0.8123, -0.45, 0.25, 0.0, -0.9, 0.61, 0.33, 0.1, -0.2, 0.75, 0.5, 0.9]
    created: list[tuple[datetime, str, float]] = []
    for n, score in enumerate(scores):  # newest first: n days ago
        when = now - timedelta(days=n * 9, minutes=n)
        label = "positive" if score >= 0.2 else "negative" if score <= -0.2 else "neutral"
        record = interaction(crm, SALLY, occurred_at=when, sentiment_score=score,
                             sentiment_label=label, body=f"message {n} {tag}", **link,
                             direction="outbound" if n == 2 else "inbound")
        created.append((when, record, score))
    longest = interaction(crm, SALLY, occurred_at=now - timedelta(days=400), body=LONG_BODY,
                          **link)  # unscored and old
    card = ok(api("GET", f"/cards/contacts/{contact}", headers=sally_headers))

    assert card["kind"] == "contacts" and card["person"]["id"] == contact
    assert card["person"]["first_name"] == "Jürgen"
    assert {p["id"]: (p["network"], p["handle"], p["profile_url"], p["match_confidence"])
            for p in card["profiles"]} == {
        fb: ("facebook", f"jurgen.{tag.lower()}", f"https://facebook.example/jurgen.{tag.lower()}",
             0.9731),
        li: ("linkedin", f"jurgen-{tag.lower()}", f"https://linkedin.example/jurgen-{tag.lower()}",
             0.5)}
    recent = card["recent_interactions"]
    assert [r["id"] for r in recent] == [record for _, record, _ in created[:10]]
    assert recent[0]["sentiment_score"] == 0.8123 and recent[0]["body"] == f"message 0 {tag}"
    assert recent[0]["occurred_at"] == crm.get("SCRM_SocialInteractions", created[0][1])[
        "occurred_at"]
    theirs = [score for n, score in enumerate(scores) if n != 2]  # n=2 is our reply
    assert sentiment_of(card) == {"average": round(sum(theirs) / len(theirs), 4),
                                  "label": "positive", "scored_interactions": len(theirs)}
    assert card["sentiment"]["last"]["interaction_id"] == created[0][1]
    assert card["sentiment"]["last"]["score"] == 0.8123
    within = [s for n, (w, _, s) in enumerate(created) if s >= 0.2 and n != 2
              and w >= now - timedelta(days=90)]
    assert card["advocate"] == {"score": len(within), "source": "computed", "window_days": 90}
    assert longest not in [r["id"] for r in recent], "only the 10 latest"


def sentiment_of(card: dict[str, Any]) -> dict[str, Any]:
    return {k: card["sentiment"][k] for k in ("average", "label", "scored_interactions")}


def test_long_bodies_are_cut_between_characters_people_see(
        api: Api, crm: SuiteCRMClient, sally_headers: dict[str, str], tag: str) -> None:
    lead = person(crm, "Leads", SALLY, tag)
    record = interaction(crm, SALLY, occurred_at=minute(datetime.now(UTC)), body=LONG_BODY,
                         lead_id=lead, sentiment_score=-0.61, sentiment_label="negative")
    card = ok(api("GET", f"/cards/leads/{lead}", headers=sally_headers))
    (item,) = card["recent_interactions"]
    assert item["id"] == record and item["body_truncated"] is True
    assert LONG_BODY.startswith(item["body"]) and len(item["body"]) < len(LONG_BODY)
    assert item["body"].endswith("👍🏽"), "the emoji and its skin tone stay together"
    assert sentiment_of(card) == {"average": -0.61, "label": "negative",
                                  "scored_interactions": 1}
    short = interaction(crm, SALLY, occurred_at=minute(datetime.now(UTC)) + timedelta(
        minutes=1), body="Спасибо! 谢谢 🙏", lead_id=lead)
    invalidate(api.redis, SALLY, "SCRM_SocialInteractions", short)
    latest = ok(api("GET", f"/cards/leads/{lead}", headers=sally_headers))[
        "recent_interactions"][0]
    assert (latest["id"], latest["body"], latest["body_truncated"]) == (
        short, "Спасибо! 谢谢 🙏", False)


def test_an_advocate_score_set_in_suitecrm_wins_and_mixed_feelings_show(
        api: Api, crm: SuiteCRMClient, sally_headers: dict[str, str], tag: str) -> None:
    contact = person(crm, "Contacts", SALLY, tag, scrm_advocate_score_c=7)
    now = minute(datetime.now(UTC))
    for n, score in enumerate((0.7, -0.7, 0.1)):
        interaction(crm, SALLY, occurred_at=now - timedelta(hours=n), sentiment_score=score,
                    contact_id=contact)
    card = ok(api("GET", f"/cards/contacts/{contact}", headers=sally_headers))
    assert card["advocate"] == {"score": 7, "source": "crm", "window_days": None}
    assert sentiment_of(card) == {"average": 0.0333, "label": "mixed",
                                  "scored_interactions": 3}


def test_a_person_without_social_data_has_an_empty_card(
        api: Api, crm: SuiteCRMClient, sally_headers: dict[str, str], tag: str) -> None:
    contact = person(crm, "Contacts", SALLY, tag)
    card = ok(api("GET", f"/cards/contacts/{contact}", headers=sally_headers))
    assert card["profiles"] == [] and card["recent_interactions"] == []
    assert card["sentiment"] == {"average": None, "label": None, "scored_interactions": 0,
                                 "last": None}
    assert card["advocate"] == {"score": 0, "source": "computed", "window_days": 90}
    assert card["last_social_at"] is None


def test_a_card_is_hidden_like_its_person_and_has_an_etag(
        api: Api, crm: SuiteCRMClient, sally_headers: dict[str, str],
        max_headers: dict[str, str], tag: str) -> None:
    sallys = person(crm, "Contacts", SALLY, tag)
    interaction(crm, SALLY, occurred_at=minute(datetime.now(UTC)), contact_id=sallys)
    first = api("GET", f"/cards/contacts/{sallys}", headers=sally_headers)
    assert first.status_code == 200
    assert api("GET", f"/cards/contacts/{sallys}", headers={
        **sally_headers, "If-None-Match": first.headers["ETag"]}).status_code == 304
    hidden = api("GET", f"/cards/contacts/{sallys}", headers=max_headers)
    missing = api("GET", "/cards/contacts/00000000-0000-4000-8000-000000000000",
                  headers=max_headers)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["message"] == missing.json()["message"]
    his_lead = person(crm, "Leads", MAX, tag)
    assert ok(api("GET", f"/cards/leads/{his_lead}", headers=max_headers))["kind"] == "leads"
    assert api("GET", f"/cards/accounts/{sallys}", headers=sally_headers).status_code == 404
