"""Seed the LinkedIn sandbox with a realistic company organization, deterministically.

One ``random.Random(rng_seed)`` drives everything, and every time is relative to the
sandbox clock, so the same seed gives the same ids and texts on every run.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sandboxes.linkedin import texts
from sandboxes.linkedin.state import CLIENT_SECRET, SandboxState

ORGANIZATION_URN = "urn:li:organization:2414183"
ORGANIZATION_NAME = "Nordlicht Robotics GmbH"
POST_BASE = 7_250_000_000_000_000_000
COMMENT_BASE = 7_251_000_000_000_000_000
DEMO_FORM_ID = 61234
WHITEPAPER_FORM_ID = 61235
DAY_MS = 86_400_000
DEFAULT_RNG_SEED = 2414183


@dataclass(frozen=True, slots=True)
class SeedPlan:
    """How much to seed. ``comments_per_post=None``: a realistic 0-14 per post."""

    posts: int = 24
    comments_per_post: int | None = None
    reply_ratio: float = 0.3
    lead_responses: int = 50
    test_leads: int = 4
    follower_days: int = 400


PERSON_ID_CHARACTERS = "abcdefghijkmnpqrstuvwxyzABCDEFGH0123456789_-"


def person(rng: random.Random) -> str:
    return "urn:li:person:" + "".join(rng.choices(PERSON_ID_CHARACTERS, k=10))


def seed(state: SandboxState, plan: SeedPlan) -> None:
    rng = random.Random(state.rng_seed)
    with state.lock:
        _content(state, rng, plan)
        _leads(state, rng, plan)
        _followers(state, rng, plan)


def _comment(state: SandboxState, activity: str, number: int, actor: str, text: str,
             at: int, parent: str | None = None) -> dict[str, Any]:
    urn = f"urn:li:comment:({activity},{number})"
    element = {
        "actor": actor, "id": str(number), "commentUrn": urn, "$URN": urn, "object": activity,
        "message": {"text": text, "attributes": []},
        "created": {"actor": actor, "time": at}, "lastModified": {"actor": actor, "time": at},
        "likesSummary": {"totalLikes": 0, "likedByCurrentUser": False},
        "commentsSummary": {"totalFirstLevelComments": 0, "aggregatedTotalComments": 0},
    }
    if parent:
        element["parentComment"] = parent
    return element


def _notify(state: SandboxState, action: str, post: str, activity: str, at: int,
            decorated: dict[str, Any] | None = None) -> None:
    notification = {
        "notificationId": len(state.notifications) + 510_000, "organizationalEntity":
        state.organization, "action": action, "sourcePost": post, "generatedActivity": activity,
        "lastModifiedAt": at,
    }
    if decorated:
        notification["decoratedGeneratedActivity"] = decorated
    state.notifications.append(notification)


def _content(state: SandboxState, rng: random.Random, plan: SeedPlan) -> None:
    now = state.now_ms()
    comment_number = COMMENT_BASE
    for index in range(plan.posts):
        number = POST_BASE + index + 1
        kind = "ugcPost" if index % 5 == 4 else "share"
        post_urn, activity = f"urn:li:{kind}:{number}", f"urn:li:activity:{number}"
        created = now - (plan.posts - index) * DAY_MS // 2 - DAY_MS - rng.randint(0, 3_000_000)
        modified = created + (rng.randint(0, 3_600_000) if index % 3 == 0 else 0)
        state.posts.append({
            "id": post_urn, "author": state.organization,
            "commentary": texts.POSTS[index % len(texts.POSTS)] + f" #{index + 1}",
            "visibility": "PUBLIC", "lifecycleState": "PUBLISHED",
            "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [],
                             "thirdPartyDistributionChannels": []},
            "createdAt": created, "publishedAt": created, "lastModifiedAt": modified,
            "isReshareDisabledByAuthor": False,
        })
        state.comments[post_urn] = []
        count = plan.comments_per_post
        for _ in range(rng.randint(0, 14) if count is None else count):
            comment_number += 1
            actor = person(rng)
            at = created + rng.randint(60_000, DAY_MS // 2)
            text = rng.choice(texts.COMMENTS)
            top = _comment(state, activity, comment_number, actor, text, at)
            top["likesSummary"]["totalLikes"] = rng.randint(0, 9)
            state.add_comment(post_urn, top)
            _notify(state, "COMMENT", post_urn, top["commentUrn"],
                    at, {"comment": {"entity": top["commentUrn"], "owner": actor, "text": text}})
            if rng.random() < plan.reply_ratio:
                replies = rng.randint(1, 3)
                for reply_index in range(replies):
                    comment_number += 1
                    by_org = reply_index == 0
                    reply_actor = state.organization if by_org else person(rng)
                    reply_text = rng.choice(texts.ORGANIZATION_REPLIES if by_org
                                            else texts.MEMBER_REPLIES)
                    at += rng.randint(60_000, 600_000)
                    reply = _comment(state, activity, comment_number, reply_actor,
                                     reply_text, at, parent=top["commentUrn"])
                    state.add_comment(top["commentUrn"], reply)
                    if by_org:
                        _notify(state, "ADMIN_COMMENT", post_urn, reply["commentUrn"], at)
                top["commentsSummary"] = {"totalFirstLevelComments": replies,
                                          "aggregatedTotalComments": replies}
        reactions: list[dict[str, Any]] = []
        for _ in range(rng.randint(0, 40)):
            actor = person(rng)
            at = created + rng.randint(60_000, DAY_MS // 2)
            reactions.append({
                "id": f"urn:li:reaction:({actor},{activity})", "root": activity,
                "reactionType": rng.choice(texts.REACTION_TYPES),
                "created": {"actor": actor, "time": at},
                "lastModified": {"actor": actor, "time": at},
            })
        state.reactions[post_urn] = reactions
        if reactions:
            _notify(state, "LIKE", post_urn, reactions[0]["id"], reactions[0]["created"]["time"])
    state.posts.sort(key=lambda p: p["lastModifiedAt"], reverse=True)


def _question(question_id: int, name: str, label: str, predefined: str | None = None,
              options: dict[int, str] | None = None) -> dict[str, Any]:
    question: dict[str, Any] = {"questionId": question_id, "name": name,
                                "question": {"localized": {"en_US": label}}}
    if predefined:
        question["predefinedField"] = predefined
    if options:
        question["questionDetails"] = {"multipleChoiceQuestionDetails": {"options": [
            {"id": key, "text": {"localized": {"en_US": text}}} for key, text in options.items()]}}
    else:
        question["questionDetails"] = {"textQuestionDetails": {"maxResponseLength": 300}}
    return question


def lead_forms(state: SandboxState) -> list[dict[str, Any]]:
    now = state.now_ms()
    consents = [
        {"consentId": 1, "required": False, "consent": {"localized": {
            "en_US": "I agree to receive marketing emails from Nordlicht Robotics."}}},
        {"consentId": 2, "required": True, "consent": {"localized": {
            "en_US": "I accept the privacy policy."}}},
    ]
    demo = [
        _question(101, "firstName", "First name", "FIRST_NAME"),
        _question(102, "lastName", "Last name", "LAST_NAME"),
        _question(103, "email", "Work email", "EMAIL"),
        _question(104, "company", "Company name", "COMPANY_NAME"),
        _question(105, "jobTitle", "Job title", "JOB_TITLE"),
        _question(106, "interest", "What are you interested in?", options=texts.INTEREST_OPTIONS),
        _question(107, "message", "What should we prepare for the call?"),
    ]
    paper = [
        _question(201, "firstName", "First name", "FIRST_NAME"),
        _question(203, "email", "Work email", "EMAIL"),
        _question(204, "companySize", "Company size",
                  options={1: "1-50", 2: "51-500", 3: "500+"}),
    ]
    forms = []
    for form_id, name, state_name, questions in (
        (DEMO_FORM_ID, "Demo request – ARC-7", "PUBLISHED", demo),  # noqa: RUF001
        (WHITEPAPER_FORM_ID, "Whitepaper: Safety with cobots", "ARCHIVED", paper),
    ):
        forms.append({
            "id": form_id, "name": name, "state": state_name, "versionId": 2,
            "owner": {"organization": state.organization},
            "creationTime": now - 200 * DAY_MS, "lastModifiedTime": now - 90 * DAY_MS,
            "content": {"headline": {"localized": {"en_US": name}}, "questions": questions,
                        "consents": consents if form_id == DEMO_FORM_ID else consents[1:]},
        })
    return forms


def _leads(state: SandboxState, rng: random.Random, plan: SeedPlan) -> None:
    state.lead_forms = lead_forms(state)
    now = state.now_ms()
    midnight = now - now % DAY_MS - 3 * DAY_MS  # a UTC midnight three days ago
    for index in range(plan.lead_responses):
        first, last, email, company, title = texts.PEOPLE[index % len(texts.PEOPLE)]
        demo = index % 6 != 5
        if index == 0:
            submitted = midnight  # exactly 00:00:00.000 UTC
        elif index == 1:
            submitted = midnight - 1  # 23:59:59.999 UTC the day before
        else:
            submitted = now - rng.randint(60_000, 60 * DAY_MS)
        consent_ids: tuple[int, ...]
        if demo:
            answers = [(101, first), (102, last), (103, email), (104, company), (105, title),
                       (107, rng.choice(texts.LEAD_MESSAGES))]
            choice = {"multipleChoiceAnswer": {"options": sorted(rng.sample([1, 2, 3, 4], 2))}}
            form_id, lead_type, consent_ids = DEMO_FORM_ID, "SPONSORED", (1, 2)
        else:
            answers = [(201, first), (203, email)]
            choice = {"multipleChoiceAnswer": {"options": [rng.randint(1, 3)]}}
            form_id, lead_type, consent_ids = WHITEPAPER_FORM_ID, "COMPANY", (2,)
        formatted = [{"questionId": q, "answerDetails": {"textQuestionAnswer": {"answer": a}}}
                     for q, a in answers]
        formatted.append({"questionId": 106 if demo else 204, "answerDetails": choice})
        if index == 7:
            formatted.append({"questionId": 199, "answerDetails": {
                "textQuestionAnswer": {"answer": "answer to a removed question"}}})
        response = {
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "owner": {"organization": state.organization},
            "submitter": person(rng), "leadType": lead_type, "submittedAt": submitted,
            "versionedLeadGenFormUrn": f"urn:li:versionedLeadGenForm:(urn:li:leadGenForm:"
                                       f"{form_id},2)",
            "testLead": index >= plan.lead_responses - plan.test_leads,
            "formResponse": {"answers": formatted, "consentResponses": [
                {"consentId": c, "accepted": c == 2 or rng.random() < 0.6} for c in consent_ids]},
        }
        if lead_type == "SPONSORED":
            response["associatedEntity"] = {
                "associatedCreative": f"urn:li:sponsoredCreative:{480_000 + index % 3}"}
            response["leadMetadata"] = {
                "sponsoredLeadMetadata": {"campaign": "urn:li:sponsoredCampaign:331177"}}
        state.lead_responses.append(response)
    state.lead_responses.sort(key=lambda r: r["submittedAt"], reverse=True)


def _split(rng: random.Random, total: int, labels: list[str]) -> list[tuple[str, int]]:
    weights = [rng.random() + 0.1 for _ in labels]
    parts = [int(total * w / sum(weights)) for w in weights]
    parts[0] += total - sum(parts)
    return list(zip(labels, parts, strict=True))


def _followers(state: SandboxState, rng: random.Random, plan: SeedPlan) -> None:
    organic, paid = 5_318, 382
    facets = {
        "followerCountsBySeniority": ("seniority", [f"urn:li:seniority:{n}" for n in range(1, 9)]),
        "followerCountsByIndustry": ("industry", [f"urn:li:industry:{n}" for n in (4, 48, 135)]),
        "followerCountsByFunction": ("function", [f"urn:li:function:{n}" for n in (8, 13, 25)]),
        "followerCountsByStaffCountRange": ("staffCountRange", [
            "SIZE_11_TO_50", "SIZE_51_TO_200", "SIZE_201_TO_500", "SIZE_1001_TO_5000"]),
        "followerCountsByGeoCountry": ("geo", ["urn:li:geo:101282230", "urn:li:geo:105015875",
                                               "urn:li:geo:103644278", "urn:li:geo:101165590"]),
    }
    lifetime: dict[str, Any] = {"organizationalEntity": state.organization}
    for field_name, (key, labels) in facets.items():
        organic_parts = dict(_split(rng, organic, labels))
        paid_parts = dict(_split(rng, paid, labels))
        lifetime[field_name] = [{key: label, "followerCounts": {
            "organicFollowerCount": organic_parts[label],
            "paidFollowerCount": paid_parts[label]}} for label in labels]
    lifetime["followerCountsByAssociationType"] = [
        {"associationType": "EMPLOYEE", "followerCounts": {
            "organicFollowerCount": 212, "paidFollowerCount": 0}},
        {"followerCounts": {"organicFollowerCount": organic - 212, "paidFollowerCount": paid}},
    ]
    state.follower_lifetime = lifetime
    today = state.clock().replace(hour=0, minute=0, second=0, microsecond=0)
    for offset in range(plan.follower_days, 0, -1):
        start = int((today - timedelta(days=offset)).timestamp() * 1000)
        state.follower_daily.append({
            "organizationalEntity": state.organization,
            "timeRange": {"start": start, "end": start + DAY_MS},
            "followerGains": {"organicFollowerGain": rng.randint(0, 25),
                              "paidFollowerGain": rng.randint(0, 4)},
        })


def seeded_lead_response_id(rng_seed: int, plan: SeedPlan | None = None) -> str:
    """The id of the newest lead a sandbox with this seed serves (ids depend on the seed
    only, not on the clock), so a webhook sent from another process can name it."""
    probe = SandboxState(organization=ORGANIZATION_URN, organization_name=ORGANIZATION_NAME,
                         client_secret=CLIENT_SECRET, rng_seed=rng_seed)
    seed(probe, plan or SeedPlan())
    return str(probe.lead_responses[0]["id"])
