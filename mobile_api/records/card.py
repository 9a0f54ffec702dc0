"""A contact's or lead's card: the person, their social profiles, how they feel about
us, how much they speak for us, and what they said lately.

Read with the rep's token, four SuiteCRM reads at most (besides the client's look-ups of
field metadata): the person (404 when hidden),
their ``SCRM_SocialProfiles`` and their latest ``SCRM_SocialInteractions`` (linked by
``contact_id`` / ``lead_id``), and, only when SuiteCRM holds no advocate score for
them yet, a count of their positive interactions.

* **Sentiment** is computed from the scored inbound interactions among their latest
  ``SENTIMENT_WINDOW`` (the company's own replies say nothing of the person's mood):
  the average (4 decimals, as SuiteCRM stores scores), its label (the
  sentiment engine's neutral band; "mixed" when clearly positive and clearly negative
  interactions are both among them and the average stays inside the band), and the
  latest scored one.
* **Advocate score**: the person's ``scrm_advocate_score_c`` when the plugin's
  intelligence has set it (``source: "crm"``); until then a simple stand-in
  (``source: "computed"``): the number of their inbound interactions labelled positive
  in the last ``ADVOCATE_DAYS`` days.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from connectors.suitecrm import Filter, Record, SuiteCRMClient
from mobile_api.records import values
from mobile_api.records.detail import detail
from mobile_api.records.kinds import CONTACTS, FieldSpec, RecordKind
from plugin.sentiment.labels import NEUTRAL_BAND

RECENT = 10
SENTIMENT_WINDOW = 50
BODY_CHARS = 280
ADVOCATE_DAYS = 90
MAX_PROFILES = 50
SOCIAL_FIELDS = ("scrm_avg_sentiment_c", "scrm_advocate_score_c", "scrm_last_social_at_c")
PROFILE_SPECS = (
    FieldSpec("network"), FieldSpec("handle"), FieldSpec("display_name"),
    FieldSpec("profile_url"), FieldSpec("followers", "int"),
    FieldSpec("advocate_score", "int"), FieldSpec("match_confidence", "float"),
)
INTERACTION_SPECS = (
    FieldSpec("network"), FieldSpec("kind"), FieldSpec("direction"), FieldSpec("body"),
    FieldSpec("sentiment_score", "float"), FieldSpec("sentiment_label"),
    FieldSpec("occurred_at", "datetime"), FieldSpec("status"), FieldSpec("permalink"),
    FieldSpec("case_id"),
)
PROFILES = "SCRM_SocialProfiles"
INTERACTIONS = "SCRM_SocialInteractions"


def link_field(kind: RecordKind) -> str:
    """How the plugin's records point at the person."""
    return "contact_id" if kind is CONTACTS else "lead_id"


def card(crm: SuiteCRMClient, kind: RecordKind, record_id: str,
         now: datetime) -> dict[str, Any]:
    person, raw = detail(crm, kind, record_id, SOCIAL_FIELDS)
    link = {link_field(kind): record_id}
    profiles = crm.list(PROFILES, filter=Filter.where(**link), sort="network",
                        fields=[s.name for s in PROFILE_SPECS], page_size=MAX_PROFILES)
    latest = crm.list(INTERACTIONS, filter=Filter.where(**link), sort="-occurred_at",
                      fields=[s.name for s in INTERACTION_SPECS],
                      page_size=SENTIMENT_WINDOW).records
    return {
        "kind": kind.name,
        "person": person,
        "profiles": [values.attributes(p, PROFILE_SPECS) for p in profiles],
        "sentiment": sentiment(latest),
        "advocate": _advocate(crm, raw, link, now),
        "recent_interactions": [_interaction(r) for r in latest[:RECENT]],
        "last_social_at": raw.get("scrm_last_social_at_c") or None,
    }


def _interaction(record: Record) -> dict[str, Any]:
    item = values.attributes(record, INTERACTION_SPECS)
    item["body"], item["body_truncated"] = values.cut(item["body"], BODY_CHARS)
    return item


def sentiment(latest: tuple[Record, ...] | list[Record]) -> dict[str, Any]:
    """Average, label and latest reading of the scored inbound interactions among
    ``latest`` (newest first)."""
    score_spec = INTERACTION_SPECS[4]
    scored = [(r, values.value(score_spec, r.get("sentiment_score"))) for r in latest
              if r.get("direction") != "outbound"]  # our own replies are not their mood
    readings = [(r, float(s)) for r, s in scored if s is not None]
    if not readings:
        return {"average": None, "label": None, "scored_interactions": 0, "last": None}
    average = round(sum(s for _, s in readings) / len(readings), 4) + 0.0
    newest, newest_score = readings[0]
    return {
        "average": average,
        "label": _label(average, [s for _, s in readings]),
        "scored_interactions": len(readings),
        "last": {"interaction_id": newest.id, "score": newest_score,
                 "label": newest.get("sentiment_label") or None,
                 "occurred_at": newest.get("occurred_at") or None},
    }


def _label(average: float, scores: list[float]) -> str:
    if average >= NEUTRAL_BAND:
        return "positive"
    if average <= -NEUTRAL_BAND:
        return "negative"
    both = any(s >= NEUTRAL_BAND for s in scores) and any(s <= -NEUTRAL_BAND for s in scores)
    return "mixed" if both else "neutral"


def _advocate(crm: SuiteCRMClient, raw: dict[str, Any], link: dict[str, str],
              now: datetime) -> dict[str, Any]:
    stored = values.value(FieldSpec("scrm_advocate_score_c", "int"),
                          raw.get("scrm_advocate_score_c"))
    if stored is not None:
        return {"score": stored, "source": "crm", "window_days": None}
    since = now - timedelta(days=ADVOCATE_DAYS)
    positive = crm.list(INTERACTIONS, filter=Filter.where(
        **link, direction="inbound", sentiment_label="positive", occurred_at__gte=since),
        fields=["id"], page_size=1)
    count = positive.total_pages if positive.records and positive.total_pages else \
        len(positive.records)
    return {"score": count, "source": "computed", "window_days": ADVOCATE_DAYS}
