"""Which inbound mentions are kudos: good news about an account or a product.

A mention is kudos when it is

* **inbound talk** (a post, comment, reply or message from a customer, not hidden or
  deleted), and
* **praise**: labelled positive with a sentiment score of at least ``min_score``, or
  using a praise word (``plugin.advocates.words``) while not read as negative or mixed
  (so "thanks for nothing" is no kudos), and
* **about something of ours**: linked to an Account, or naming a product of the
  configured list (whole words, any case; a name in Chinese or Japanese characters is
  found anywhere in the text, as those are written without spaces), and
* **news**: written at most ``max_age_days`` ago, so a backfill of last year's comments
  does not flood the team's feeds.

Who hears of it is the worker's business (``workers.kudos``); this module only decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from connectors.suitecrm import Record
from plugin.advocates.facts import GONE_STATUSES, TALK_KINDS
from plugin.advocates.lexicon import WordList
from plugin.advocates.policy import word_list
from plugin.advocates.words import PRAISE_WORDS

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KEYS = ("min_score", "max_age_days", "products", "product_audience", "praise_words")


@cache
def default_praise_words() -> WordList:
    return WordList(PRAISE_WORDS)


@dataclass(frozen=True, slots=True)
class KudosRules:
    """``min_score``: the sentiment score that is praise on its own; ``max_age_days``:
    older mentions are not news; ``products``: names whose mention makes a mention about
    us; ``product_audience``: SuiteCRM user ids told of kudos about a product (a product
    team), besides the team of a linked Account."""

    min_score: float = 0.5
    max_age_days: int = 7
    products: tuple[str, ...] = ()
    product_audience: tuple[str, ...] = ()
    praise_words: WordList = field(default_factory=default_praise_words,
                                   compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.min_score, bool) or not isinstance(self.min_score, int | float) \
                or not 0 < self.min_score <= 1:
            raise ValueError(f"min_score: expected a number above 0 up to 1, not "
                             f"{self.min_score!r}")
        if isinstance(self.max_age_days, bool) or not isinstance(self.max_age_days, int) \
                or not 1 <= self.max_age_days <= 3650:
            raise ValueError(f"max_age_days: expected a whole number of days from 1 to 3650, "
                             f"not {self.max_age_days!r}")
        object.__setattr__(self, "products", tuple(dict.fromkeys(
            p.strip() for p in self.products if p.strip())))
        object.__setattr__(self, "product_audience", tuple(self.product_audience))

    @classmethod
    def from_dict(cls, section: Mapping[str, Any], *, path: str = "kudos") -> KudosRules:
        """The rules of a ``[kudos]`` table (every key optional, unknown ones refused)."""
        unknown = sorted(set(section) - set(_KEYS))
        if unknown:
            raise ValueError(f"{path}.{unknown[0]}: unknown key (one of {', '.join(_KEYS)})")
        values: dict[str, Any] = dict(section)
        for name in ("products", "product_audience"):
            if name in values:
                values[name] = _strings(values[name], f"{path}.{name}")
        if "praise_words" in values:
            values["praise_words"] = word_list(values["praise_words"], f"{path}.praise_words")
        try:
            return cls(**values)
        except ValueError as exc:
            raise ValueError(f"{path}.{exc}") from None


@dataclass(frozen=True, slots=True)
class Kudos:
    """Why a mention is kudos: the praise seen and what it is about."""

    account_id: str | None
    products: tuple[str, ...]
    praise: tuple[str, ...]  # praise words found ("score" when the score alone decided)


def kudos_in(record: Record, rules: KudosRules, *, now: datetime) -> Kudos | None:
    """The kudos a Social Interaction record holds, or ``None`` when it is none."""
    if str(record.get("direction") or "") != "inbound" \
            or str(record.get("kind") or "") not in TALK_KINDS \
            or str(record.get("status") or "") in GONE_STATUSES:
        return None
    occurred = record.datetime("occurred_at")
    if occurred is not None and now - occurred > timedelta(days=rules.max_age_days):
        return None
    text = str(record.get("body") or "")
    label = str(record.get("sentiment_label") or "")
    praise: tuple[str, ...] = ()
    if label not in ("negative", "mixed"):
        praise = rules.praise_words.find(text, str(record.get("language") or ""))
    score = _score(record.get("sentiment_score"))
    if label == "positive" and score is not None and score >= rules.min_score:
        praise = praise or ("score",)
    if not praise:
        return None
    account = str(record.get("account_id") or "") or None
    products = products_named(text, rules.products)
    if account is None and not products:
        return None
    return Kudos(account, products, praise)


def products_named(text: str, products: Iterable[str]) -> tuple[str, ...]:
    """The products whose names ``text`` holds (see the module docstring)."""
    folded = text.casefold()
    found = []
    for name in products:
        needle = name.casefold()
        if _CJK.search(name):
            if needle in folded:
                found.append(name)
        elif re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", folded):
            found.append(name)
    return tuple(found)


def _score(value: Any) -> float | None:
    try:
        return float(str(value)) if value not in (None, "") else None
    except ValueError:
        return None


def _strings(value: Any, path: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable) \
            or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{path}: expected a list of strings")
    return tuple(value)
