"""The site's rules on top of the core, on the sandbox: sentiment written in the same call
as the text, identity matching for a new person, a complaint's Case, a lead form's Lead;
and what each costs in SuiteCRM calls (targets: <= 1.2 for a known person, <= 4 for a
new one)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import redis

from connectors.social import LeadSubmission, Network
from connectors.suitecrm import SuiteCRMClient
from connectors.transport import CallCounter
from plugin.sentiment import LazyScorer, Sentiment
from plugin.sync import ids
from plugin.sync.items import SocialItem
from plugin.sync.pipeline import apply_item
from plugin.sync.profiles import LocalProfileMemory
from plugin.sync.rules import SyncRules
from plugin.sync.steps import SyncSteps
from tests.sync.conftest import MODULE, fb_item, person, record_calls
from workers.rotation import RedisRotation

SCORER = LazyScorer()  # one per test session: the models load once


@pytest.fixture()
def steps(redis_client: redis.Redis) -> SyncSteps:
    return SyncSteps(rules=SyncRules(), scorer=SCORER, rotation=RedisRotation(redis_client))


def run(crm: SuiteCRMClient, steps: SyncSteps, item: SocialItem,
        memory: LocalProfileMemory) -> None:
    apply_item(crm, steps.prepare(item), steps.steps, profiles=memory,
               annotate=steps.annotate)


def test_sentiment_travels_in_the_create_call_of_a_known_persons_comment(
        crm: SuiteCRMClient, counter: CallCounter, steps: SyncSteps, uid: str):
    memory = LocalProfileMemory()
    author = person(f"p{uid}", "Ольга Смирнова")
    run(crm, steps, fb_item(f"{uid}_0", author=author, body="Привет!"), memory)
    counter.reset()
    texts = ["Отличная палатка, спасибо! 👍", "质量很好，非常满意！", "Love it, thanks!",
             "When do you open on Sunday?", "Schönes Zelt, danke!"]
    for n, text in enumerate(texts, start=1):
        run(crm, steps, fb_item(f"{uid}_{n}", author=author, body=text), memory)
    assert record_calls(counter) / len(texts) <= 1.2
    read = [crm.get(MODULE, ids.interaction_id("facebook", f"{uid}_{n}"))
            for n in range(1, len(texts) + 1)]
    assert [(r["language"], r["sentiment_label"]) for r in read] == [
        ("ru", "positive"), ("zh", "positive"), ("en", "positive"), ("en", "neutral"),
        ("de", "")]  # German is not scored, and says so: no label, its language kept
    assert read[3]["sentiment_score"] in ("0", "0.0000", 0)


def test_a_new_persons_first_comment_costs_at_most_four_calls(
        crm: SuiteCRMClient, counter: CallCounter, steps: SyncSteps, uid: str):
    run(crm, steps, fb_item(f"{uid}_0", author=person(f"p{uid}", f"Nobody {uid}"),
                            body="Nice tent"), LocalProfileMemory())
    assert record_calls(counter) <= 4
    profile = crm.get("SCRM_SocialProfiles", ids.profile_id("facebook", f"p{uid}"))
    assert "no Contact or Lead matches" in profile["match_evidence"]


def test_a_complaint_opens_a_case_linked_to_its_interaction(
        crm: SuiteCRMClient, counter: CallCounter, steps: SyncSteps, uid: str):
    memory = LocalProfileMemory()
    author = person(f"p{uid}", "Mark Jensen")
    run(crm, steps, fb_item(f"{uid}_0", author=author, body="Hi there"), memory)
    counter.reset()
    text = "My tent arrived broken and nobody answers. I want a refund! 😡"
    run(crm, steps, fb_item(f"{uid}_1", author=author, body=text,
                            thread_id=f"post{uid}"), memory)
    # the interaction's create; the person's links; the thread's and the person's open
    # Case (none); the derived Case id (free), its create; the interaction's link. SuiteCRM's
    # answer to the create is trusted for the interaction's own case and status (no read)
    assert record_calls(counter) == 7
    interaction = crm.get(MODULE, ids.interaction_id("facebook", f"{uid}_1"))
    assert interaction["sentiment_label"] == "negative"
    assert interaction["case_id"] and interaction["status"] == "assigned"
    assert interaction["sla_due_at"]
    case = crm.get("Cases", interaction["case_id"])
    assert case["description"] == text
    assert case["state"] == "Open"


def test_a_lead_webhook_reads_the_answers_and_makes_a_lead(
        crm: SuiteCRMClient, steps: SyncSteps, uid: str):
    submission = LeadSubmission(
        network=Network.FACEBOOK, external_id=f"lead{uid}", form_id="7001",
        submitted_at=datetime(2026, 12, 1, 9, 30, tzinfo=UTC), owner_id="104200000000001",
        answers={"full_name": "Лена Фишер", "email": f"lena.{uid}@example.org",
                 "phone_number": "+49 30 1234567"}, consents={"marketing": True})
    fetched: list[str] = []

    def from_network(item: SocialItem) -> LeadSubmission:
        fetched.append(item.external_id)
        return submission

    with_leads = SyncSteps(rules=steps.rules, scorer=steps.scorer, rotation=steps.rotation,
                           lead_source=from_network)
    webhook = fb_item(f"lead{uid}", kind="lead_form", body=None, author=None)
    run(crm, with_leads, webhook, LocalProfileMemory())

    lead = crm.get("Leads", ids.record_id("Leads", "facebook", f"lead{uid}"))
    assert (lead["first_name"], lead["last_name"]) == ("Лена", "Фишер")
    assert "marketing" in lead["description"]
    interaction = crm.get(MODULE, ids.interaction_id("facebook", f"lead{uid}"))
    assert f"lena.{uid}@example.org" in interaction["body"]
    assert fetched and set(fetched) == {f"lead{uid}"}



class CountingScorer:
    """The built-in scorer, counting the texts it is asked to score."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def score(self, text: str) -> Sentiment:
        self.texts.append(text)
        return SCORER.score(text)


def test_a_complaint_is_scored_once(crm: SuiteCRMClient, redis_client: redis.Redis,
                                    uid: str):
    """The sentiment written with the text is the one the Case step judges: one scoring."""
    scorer = CountingScorer()
    steps = SyncSteps(rules=SyncRules(), scorer=scorer, rotation=RedisRotation(redis_client))
    text = "Broken on arrival, I want a refund now! 😡"
    run(crm, steps, fb_item(f"{uid}_0", author=person(f"p{uid}"), body=text),
        LocalProfileMemory())
    assert scorer.texts == [text]
    interaction = crm.get(MODULE, ids.interaction_id("facebook", f"{uid}_0"))
    assert interaction["sentiment_label"] == "negative" and interaction["case_id"]
