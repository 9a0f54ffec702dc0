"""The advocate score of one Social Profile, 0 to 100, with the parts that explain it.

An advocate says good things about the company, often, lately, to many people. So:

    score = 100 x frequency x balance x (0.55 + 0.25 x recency + 0.20 x reach)

* **bursts first**: a profile's inbound interactions of one polarity that fall within
  ``burst_minutes`` of the first of a burst count once (the strongest of them, the
  newest time, the most reactions), so twenty tiny comments in a minute weigh as one;
* each burst weighs ``0.5 ** (age_days / half_life_days)``: **decay**;
* **frequency** = 1 - exp(-n / frequency_scale), n the decayed positive bursts, each
  weighted by its strength (0.5 + 0.5 x |sentiment score|): 0 without any, towards 1
  for many fresh ones;
* **balance** = P / (P + N), the decayed positive and negative sentiment: a profile that
  praises as much as it complains is half an advocate;
* **recency** = the decay weight of the newest positive burst (1 today, 0.5 after one
  half-life);
* **reach** = the larger of the audience (followers, log scale up to ``followers_full``)
  and the engagement of its positive talk (reactions + 2 x shares, log scale up to
  ``engagement_full``); 0 where no network said anything about reach.

No positive interaction, score 0. The discount-seeker flag reads the same positive
bursts: at least ``min_discount_interactions`` of them, and at least ``discount_share``
of their decayed weight talking about discounts (``plugin.advocates.words``). The score
of a flagged profile is kept as it is; rankings leave flagged profiles out by default.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from plugin.advocates.facts import Interaction
from plugin.advocates.policy import AdvocatePolicy

BASE, RECENCY, REACH = 0.55, 0.25, 0.20  # the last factor of the score; they add up to 1
DECIMALS = 4


@dataclass(frozen=True, slots=True)
class Burst:
    """Interactions of one polarity close together in time, counted as one."""

    at: datetime  # the newest of them
    strength: float  # the strongest
    reactions: int | None  # the most reactions any of them had (None: never said)
    shares: int | None
    discount_terms: tuple[str, ...]  # discount words any of them used
    size: int


@dataclass(frozen=True, slots=True)
class Components:
    """The parts of a score, each from 0 to 1 (to 4 decimals), and the counts behind
    them."""

    frequency: float
    recency: float
    balance: float
    reach: float
    positive: int  # positive bursts counted
    negative: int  # negative bursts counted
    collapsed: int  # interactions folded into a burst (not counted on their own)
    followers: int | None
    reactions: int | None  # on positive bursts, summed; None: no network said
    shares: int | None
    discount_share: float  # decayed share of positive bursts that talk discounts
    last_positive_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name in self.__slots__:
            value = getattr(self, name)
            if isinstance(value, datetime):
                value = value.isoformat()
            data[name] = value
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Components:
        last = data.get("last_positive_at")
        return cls(
            frequency=float(data["frequency"]), recency=float(data["recency"]),
            balance=float(data["balance"]), reach=float(data["reach"]),
            positive=int(data["positive"]), negative=int(data["negative"]),
            collapsed=int(data["collapsed"]), followers=_optional(data.get("followers")),
            reactions=_optional(data.get("reactions")), shares=_optional(data.get("shares")),
            discount_share=float(data["discount_share"]),
            last_positive_at=datetime.fromisoformat(last) if last else None)


@dataclass(frozen=True, slots=True)
class AdvocateScore:
    score: int
    discount_seeker: bool
    components: Components
    discount_terms: tuple[str, ...] = ()  # the discount words seen, for people to check

    def to_json(self) -> dict[str, Any]:
        return {"score": self.score, "discount_seeker": self.discount_seeker,
                "components": self.components.to_json(),
                "discount_terms": list(self.discount_terms)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AdvocateScore:
        return cls(score=int(data["score"]), discount_seeker=bool(data["discount_seeker"]),
                   components=Components.from_json(data["components"]),
                   discount_terms=tuple(data.get("discount_terms") or ()))


def score_profile(interactions: Iterable[Interaction], *, followers: int | None,
                  now: datetime, policy: AdvocatePolicy | None = None) -> AdvocateScore:
    """The score of a profile with these interactions (any order) at ``now``."""
    policy = policy or AdvocatePolicy()
    items = list(interactions)
    positive = bursts([i for i in items if i.polarity == "positive"], policy)
    negative = bursts([i for i in items if i.polarity == "negative"], policy)
    weight = _decay(now, policy.half_life_days)
    warmth = sum(weight(b.at) * b.strength for b in positive)
    coldness = sum(weight(b.at) * b.strength for b in negative)
    counted = sum(weight(b.at) * (0.5 + 0.5 * b.strength) for b in positive)
    frequency = 1 - math.exp(-counted / policy.frequency_scale)
    balance = warmth / (warmth + coldness) if warmth > 0 else 0.0
    last = max((b.at for b in positive), default=None)
    recency = weight(last) if last is not None else 0.0
    reactions = _total(b.reactions for b in positive)
    shares = _total(b.shares for b in positive)
    reach = _reach(followers, reactions, shares, policy)
    raw = frequency * balance * (BASE + RECENCY * recency + REACH * reach)
    score = max(0, min(100, round(100 * raw))) if positive else 0
    total_weight = sum(weight(b.at) for b in positive)
    talk = sum(weight(b.at) for b in positive if b.discount_terms)
    share = talk / total_weight if total_weight > 0 else 0.0
    seeker = len(positive) >= policy.min_discount_interactions and \
        share >= policy.discount_share
    components = Components(
        frequency=_rounded(frequency), recency=_rounded(recency), balance=_rounded(balance),
        reach=_rounded(reach), positive=len(positive), negative=len(negative),
        collapsed=sum(b.size - 1 for b in (*positive, *negative)), followers=followers,
        reactions=reactions, shares=shares, discount_share=_rounded(share),
        last_positive_at=last)
    terms = tuple(dict.fromkeys(t for b in positive for t in b.discount_terms))
    return AdvocateScore(score, seeker, components, terms)


def bursts(items: Iterable[Interaction], policy: AdvocatePolicy) -> list[Burst]:
    """Interactions grouped into bursts: each burst takes every interaction written
    before ``burst_minutes`` have passed since its first one."""
    window = timedelta(minutes=policy.burst_minutes)
    groups: list[list[Interaction]] = []
    for item in sorted(items, key=lambda i: (i.occurred_at, i.record_id)):
        if groups and item.occurred_at - groups[-1][0].occurred_at < window:
            groups[-1].append(item)
        else:
            groups.append([item])
    return [_burst(group, policy) for group in groups]


def _burst(group: list[Interaction], policy: AdvocatePolicy) -> Burst:
    terms = tuple(dict.fromkeys(term for item in group
                                for term in policy.discount_words.find(item.text,
                                                                       item.language)))
    return Burst(at=max(i.occurred_at for i in group), strength=max(i.strength for i in group),
                 reactions=_most(i.reactions for i in group),
                 shares=_most(i.shares for i in group), discount_terms=terms, size=len(group))


def _decay(now: datetime, half_life_days: float) -> Callable[[datetime], float]:
    def weight(moment: datetime) -> float:
        age_days = max(0.0, (now - moment).total_seconds() / 86400)  # a future time: now
        return float(0.5 ** (age_days / half_life_days))
    return weight


def _reach(followers: int | None, reactions: int | None, shares: int | None,
           policy: AdvocatePolicy) -> float:
    parts = []
    if followers is not None:
        parts.append(_log_share(followers, policy.followers_full))
    if reactions is not None or shares is not None:
        parts.append(_log_share((reactions or 0) + 2 * (shares or 0), policy.engagement_full))
    return max(parts, default=0.0)


def _log_share(count: int, full: int) -> float:
    return min(1.0, math.log10(1 + max(0, count)) / math.log10(1 + full))


def _rounded(value: float) -> float:
    """Components are kept to ``DECIMALS`` places: what is stored is what was computed."""
    return round(value, DECIMALS) + 0.0


def _optional(value: Any) -> int | None:
    return None if value is None else int(value)


def _most(values: Iterable[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return max(known) if known else None


def _total(values: Iterable[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None
