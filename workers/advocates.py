"""Recompute one Social Profile's advocate score and write it where it changed.

What a refresh does (service account; ``plugin.advocates`` computes):

1. reads the profile (followers, the score and flag it holds, its Contact and Lead);
2. reads its inbound interactions in two lists, the newest ``read_limit`` positive ones
   (with text and raw payload: discount words and reach) and the newest negative ones
   (time and score only);
3. writes ``advocate_score`` and ``discount_seeker`` on the profile, and
   ``scrm_advocate_score_c`` on the linked Contact and Lead, each only when the value
   differs from what SuiteCRM holds (an empty score gets its first value, 0 included:
   a computed 0 is not "never computed"). A person with several
   profiles (Facebook and LinkedIn) gets the highest score of them, read with one more
   list, so two refreshes never flip the Contact's value back and forth;
4. keeps the components that explain the score in Redis (``Explanations``), for the
   ``/advocates`` endpoint: SuiteCRM holds the score, Redis only its explanation, which
   the next refresh writes again.

Running it twice changes nothing the second time. The job (``workers.jobs.advocates``)
holds a per-profile lock around it, so two refreshes never interleave their writes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import redis

from connectors.errors import NotFoundError
from connectors.suitecrm import Filter, Record, SuiteCRMClient
from plugin.advocates import AdvocatePolicy, AdvocateScore, interaction_of, score_profile
from plugin.advocates.facts import INTERACTIONS, PROFILES, Interaction, count_of, flag_of
from workers import own_writes

EXPLAINED_KEY = "socialcrm:advocates:explained"
PERSON_FIELD = "scrm_advocate_score_c"
PROFILE_FIELDS = ("name", "followers", "advocate_score", "discount_seeker", "contact_id",
                  "lead_id")
POSITIVE_FIELDS = ("occurred_at", "sentiment_score", "sentiment_label", "direction", "kind",
                   "status", "body", "language", "raw_payload")
NEGATIVE_FIELDS = ("occurred_at", "sentiment_score", "sentiment_label", "direction", "kind",
                   "status")
LINKS = (("Contacts", "contact_id"), ("Leads", "lead_id"))
MAX_PROFILES_PER_PERSON = 50


@dataclass(frozen=True, slots=True)
class RefreshOutcome:
    """What one refresh found and which records it wrote (``Module:id``)."""

    profile_id: str
    score: int
    discount_seeker: bool
    written: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"profile_id": self.profile_id, "score": self.score,
                "discount_seeker": self.discount_seeker, "written": list(self.written)}


class Explanations:
    """The latest computed score of each profile with its components, in one Redis hash
    (field: profile id; value: JSON with the time it was computed)."""

    def __init__(self, client: redis.Redis) -> None:
        self._redis = client

    def store(self, profile_id: str, result: AdvocateScore, computed_at: datetime) -> None:
        document = {**result.to_json(), "computed_at": computed_at.astimezone(UTC).isoformat()}
        self._redis.hset(EXPLAINED_KEY, profile_id, json.dumps(document, ensure_ascii=False))

    def get_many(self, profile_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Stored explanations by profile id (profiles without one are left out)."""
        ids = list(dict.fromkeys(profile_ids))
        if not ids:
            return {}
        found: dict[str, dict[str, Any]] = {}
        for profile_id, raw in zip(ids, self._redis.hmget(EXPLAINED_KEY, ids), strict=True):
            if raw is None:
                continue
            try:
                document = json.loads(raw)
            except ValueError:
                continue
            if isinstance(document, dict):
                found[profile_id] = document
        return found


def refresh_profile(client: redis.Redis, crm: SuiteCRMClient, profile_id: str, *,
                    now: datetime, policy: AdvocatePolicy | None = None) -> RefreshOutcome:
    """Steps 1-4 of the module docstring. Raises ``NotFoundError`` for a missing profile."""
    policy = policy or AdvocatePolicy()
    profile = crm.get(PROFILES, profile_id, fields=PROFILE_FIELDS)
    interactions = read_interactions(crm, profile_id, policy.read_limit)
    result = score_profile(interactions, followers=count_of(profile.get("followers")),
                           now=now, policy=policy)
    written: list[str] = []
    changes: dict[str, Any] = {}
    if count_of(profile.get("advocate_score")) != result.score:
        changes["advocate_score"] = result.score
    if flag_of(profile.get("discount_seeker")) != result.discount_seeker:
        changes["discount_seeker"] = result.discount_seeker
    if changes:
        crm.update(PROFILES, profile_id, changes)
        written.append(f"{PROFILES}:{profile_id}")
    for module, link in LINKS:
        person_id = str(profile.get(link) or "")
        if person_id and _copy_to_person(client, crm, module, link, person_id, profile_id,
                                         result.score):
            written.append(f"{module}:{person_id}")
    Explanations(client).store(profile_id, result, now)
    return RefreshOutcome(profile_id, result.score, result.discount_seeker, tuple(written))


def read_interactions(crm: SuiteCRMClient, profile_id: str, limit: int) -> list[Interaction]:
    """The profile's newest positive and negative inbound interactions (two lists)."""
    found: list[Interaction] = []
    for label, fields in (("positive", POSITIVE_FIELDS), ("negative", NEGATIVE_FIELDS)):
        query = Filter.where(profile_id=profile_id, direction="inbound", sentiment_label=label)
        page = crm.list(INTERACTIONS, filter=query, sort="-occurred_at", fields=fields,
                        page_size=limit)
        found += [i for i in map(interaction_of, page.records) if i is not None]
    return found


def _copy_to_person(client: redis.Redis, crm: SuiteCRMClient, module: str, link: str,
                    person_id: str, profile_id: str, score: int) -> bool:
    """Write the person's best score over their profiles, when it changed."""
    others = crm.list(PROFILES, filter=Filter.where(**{link: person_id}),
                      fields=["advocate_score"], page_size=MAX_PROFILES_PER_PERSON)
    best = max([score, *(count_of(p.get("advocate_score")) or 0 for p in others.records
                         if p.id != profile_id)])
    try:
        person: Record = crm.get(module, person_id, fields=[PERSON_FIELD])
    except NotFoundError:
        return False  # the link points at a deleted record: nothing to copy to
    if count_of(person.get(PERSON_FIELD)) == best:
        return False
    answer = crm.update(module, person_id, {PERSON_FIELD: best})
    own_writes.remember(client, module, person_id,
                        answer.get("date_modified") or datetime.now(UTC))
    return True

