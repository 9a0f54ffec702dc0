"""A realistic stream of webhook deliveries with the faults of issue 12, and its truth.

``plan_storm(total, graph, ...)`` returns ``total`` deliveries (HTTP POSTs, in sending
order) and what SuiteCRM must hold once they are processed:

* **originals**: every event of every item once, in event-time order except where the
  faults below move them; about one delivery in ten carries a batch of 2-3 events;
* **out of order**: some comments' first edit delivered before their create, some edits
  delivered after their comment's delete, some deletes before their create;
* **duplicates** (``dup_share``, 10 %): deletes delivered twice, the same bytes sent
  again at once (concurrently, on another thread) or later (after processing), and
  events already sent delivered again inside a different batch (other bytes);
* **forged** (``bad_share``, 5 %): signed with another secret, a cut signature, no
  signature header, or a real event's body changed after signing. Each carries a
  marker (``zzbad<run>n<k>``) that must appear nowhere afterwards, in SuiteCRM or Redis.

Sizes and the seed are parameters (see ``plan_storm``).
"""

from __future__ import annotations

import json
import random
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reliability.webhook_events import (
    FORGERIES,
    Event,
    Forgery,
    Network,
    body_of,
    facebook_comment,
    facebook_lead,
    forged_headers,
    linkedin_comment,
    signed_headers,
)
from reliability.webhook_items import FORM_ID, Expected, ItemMaker, ItemType, expected_of
from sandboxes.facebook.server import FacebookSandbox
from sandboxes.linkedin.seed import ORGANIZATION_URN

MIX: Mapping[ItemType, int] = {"fb_comment": 55, "li_comment": 17, "message": 14,
                               "reaction": 12, "lead": 2}
BATCH_SHARE = 0.1  # share of original deliveries that carry a batch


@dataclass(frozen=True, slots=True)
class Shipment:
    """One POST: the bytes, the headers, and which fault (or none) it stands for."""

    network: Network
    body: bytes
    headers: Mapping[str, str]
    fault: str  # original, resend_now, resend_later, rebatch, delete_again, or a Forgery
    events: int

    @property
    def forged(self) -> bool:
        return self.fault in FORGERIES


@dataclass
class StormPlan:
    shipments: list[Shipment]
    expected: dict[tuple[str, str], Expected]
    leads: dict[str, dict[str, str]]  # leadgen id -> the answers its Lead must hold
    reacted_posts: set[str]  # posts only reactions named: no interaction may exist
    forged_ids: set[tuple[str, str]]  # items only forged deliveries named
    run: str  # in every id, text and name of the run
    faults: Counter[str] = field(default_factory=Counter)

    @property
    def marker(self) -> str:
        """Every forged delivery's marker starts with this."""
        return f"zzbad{self.run}"

    @property
    def lead_prefix(self) -> str:
        """Every Lead of the run has a last name starting with this."""
        return f"Storm{self.run}L"


def plan_storm(total: int, graph: FacebookSandbox, *, fb_secret: str, li_secret: str,
               seed: int = 12, dup_share: float = 0.10, bad_share: float = 0.05) -> StormPlan:
    """``total`` deliveries for ``graph``'s Page (its comments and leads are written on
    it as they are made) and the state SuiteCRM must end in. ``seed`` fixes the shape
    of the stream (mix, lives, faults, order); ids and times are fresh on every call,
    so runs never meet each other's records."""
    rng = random.Random(seed)
    run = uuid.uuid4().hex[:8]
    n_bad, n_dup = round(total * bad_share), round(total * dup_share)
    n_orig = total - n_bad - n_dup
    maker = ItemMaker(graph, run, rng, start=int(time.time()))
    lives: list[list[Event]] = []
    events = 0
    while events < n_orig * (1 + BATCH_SHARE * 1.2) or len(maker.leads) < 2:
        kind = "lead" if len(maker.leads) < 2 and len(lives) % 50 == 7 else \
            rng.choices(list(MIX), weights=list(MIX.values()))[0]
        lives.append(maker.make(kind))
        events += len(lives[-1])
    faults: Counter[str] = Counter()
    ordered = _out_of_order(lives, rng, faults)
    groups = _batches(ordered, n_orig, rng)
    keyed: list[tuple[float, Shipment]] = []
    for index, group in enumerate(groups):
        keyed.append((index, _shipment(group, "original", fb_secret, li_secret)))
    keyed += _duplicates(groups, n_dup, rng, fb_secret, li_secret)
    forged, forged_ids = _forgeries(n_bad, groups, maker, run, fb_secret, li_secret, rng)
    keyed += forged
    keyed.sort(key=lambda pair: pair[0])
    shipments = [shipment for _, shipment in keyed]
    faults.update(shipment.fault for shipment in shipments)
    faults["batches"] = sum(1 for group in groups if len(group) > 1)
    by_item: dict[tuple[str, str], list[Event]] = defaultdict(list)
    for event in ordered:
        if event.kind != "reaction":
            by_item[(event.network, event.external_id)].append(event)
    expected = {key: expected_of(events) for key, events in by_item.items()}
    return StormPlan(shipments, expected, maker.leads, maker.reacted_posts, forged_ids,
                     run, faults)


def _out_of_order(lives: list[list[Event]], rng: random.Random,
                  faults: Counter[str]) -> list[Event]:
    """All events by event time, then some items' events swapped in place."""
    ordered = sorted((event for life in lives for event in life), key=lambda e: e.order)
    where: dict[tuple[str, str, str, float], int] = {
        (e.network, e.external_id, e.verb, e.at): i for i, e in enumerate(ordered)}
    for life in lives:
        verbs = [event.verb for event in life]
        swap: tuple[Event, Event] | None = None
        name = ""
        if "edit" in verbs and "remove" in verbs and rng.random() < 0.5:
            swap, name = (life[verbs.index("remove")], life[-2]), "edit_after_delete"
        elif "edit" in verbs and rng.random() < 0.3:
            swap, name = (life[0], life[1]), "edit_before_create"
        elif "remove" in verbs and rng.random() < 0.3:
            swap, name = (life[0], life[-1]), "delete_before_create"
        if swap is None:
            continue
        first, second = (where[(e.network, e.external_id, e.verb, e.at)] for e in swap)
        ordered[first], ordered[second] = ordered[second], ordered[first]
        faults[name] += 1
    return ordered


def _batches(ordered: list[Event], count: int, rng: random.Random) -> list[list[Event]]:
    """``count`` groups of consecutive events, a few of them batches (same network)."""
    joinable = [i for i in range(1, len(ordered))
                if ordered[i].network == ordered[i - 1].network]
    joins = set(rng.sample(joinable, min(len(joinable), len(ordered) - count)))
    groups: list[list[Event]] = []
    for index, event in enumerate(ordered):
        if index in joins and groups:
            groups[-1].append(event)
        else:
            groups.append([event])
    return groups


def _shipment(events: list[Event], fault: str, fb_secret: str, li_secret: str) -> Shipment:
    network = events[0].network
    body = body_of(network, [event.part for event in events])
    secret = fb_secret if network == "facebook" else li_secret
    return Shipment(network, body, signed_headers(network, body, secret), fault, len(events))


def _duplicates(groups: list[list[Event]], count: int, rng: random.Random,
                fb_secret: str, li_secret: str) -> list[tuple[float, Shipment]]:
    """Deletes twice, same bytes at once or later, and events again in other batches."""
    last = len(groups)
    out: list[tuple[float, Shipment]] = []
    deletes = [i for i, group in enumerate(groups) if any(e.verb == "remove" for e in group)]
    for index in rng.sample(deletes, min(len(deletes), count // 4)):
        out.append((rng.uniform(index + 0.5, last), _shipment(groups[index], "delete_again",
                                                              fb_secret, li_secret)))
    sent = {body_of(g[0].network, [e.part for e in g]) for g in groups}
    while len(out) < count:
        index = rng.randrange(last)
        roll = rng.random()
        if roll < 0.35:
            out.append((index + 0.5, _shipment(groups[index], "resend_now", fb_secret,
                                               li_secret)))
        elif roll < 0.7:
            out.append((rng.uniform(index + 1, last), _shipment(
                groups[index], "resend_later", fb_secret, li_secret)))
        else:
            other = rng.randrange(last)
            pair = [groups[index][0], groups[other][-1]]
            if pair[0].network != pair[1].network or pair[0] is pair[1]:
                continue
            shipment = _shipment(pair, "rebatch", fb_secret, li_secret)
            if shipment.body in sent:
                continue
            sent.add(shipment.body)
            out.append((rng.uniform(max(index, other) + 1, last + 1), shipment))
    return out


def _forgeries(count: int, groups: list[list[Event]], maker: ItemMaker, run: str,
               fb_secret: str, li_secret: str, rng: random.Random
               ) -> tuple[list[tuple[float, Shipment]], set[tuple[str, str]]]:
    """``count`` deliveries that must be refused, each carrying its own marker."""
    out: list[tuple[float, Shipment]] = []
    ids: set[tuple[str, str]] = set()
    texts = [e for group in groups for e in group if e.text and e.kind != "message"]
    for number in range(count):
        how: Forgery = FORGERIES[number % len(FORGERIES)]
        marker = f"zzbad{run}n{number}"
        network: Network = "linkedin" if number % 5 == 4 else "facebook"
        signed_body: bytes | None = None
        if how == "tampered":
            real = rng.choice(texts)
            signed_body = body_of(real.network, [real.part])
            network, part = real.network, _retexted(real, f"{marker} {real.text}")
        elif network == "linkedin":
            comment = f"urn:li:comment:(urn:li:activity:1,{run}9{number})"
            part = linkedin_comment(ORGANIZATION_URN, notification_id=9 * 10**12 + number,
                                    post=maker.li_post, comment=comment,
                                    actor=f"urn:li:person:{marker}", verb="add",
                                    at_ms=maker.clock * 1000, text=f"{marker} Привет 👋")
            ids.add(("linkedin", comment))
        elif number % 8 == 1:
            node = maker.graph.add_lead(FORM_ID, {"first_name": marker, "last_name": marker,
                                                  "email": f"{marker}@example.org"})
            part = facebook_lead(maker.page_id, leadgen_id=str(node["id"]), form_id=FORM_ID,
                                 at=maker.clock)
            ids.add(("facebook", str(node["id"])))
        else:
            comment_id = f"{maker.posts[0].split('_')[-1]}_{run}{number}"
            part = facebook_comment(maker.page_id, post_id=maker.posts[0],
                                    comment_id=comment_id, parent_id=None,
                                    author=(f"1998{number:08d}", f"Forger {marker}"),
                                    verb="add", at=maker.clock, text=f"{marker} 你好 😈")
            ids.add(("facebook", comment_id))
        body = body_of(network, [part])
        secret = fb_secret if network == "facebook" else li_secret
        headers = forged_headers(network, body, secret, how, signed_body=signed_body)
        out.append((rng.uniform(0, len(groups)), Shipment(network, body, headers, how, 1)))
    return out, ids


def _retexted(event: Event, text: str) -> dict[str, Any]:
    """The event's part with its text replaced (what a tampering proxy would send)."""
    part: dict[str, Any] = json.loads(json.dumps(event.part))
    if event.network == "linkedin":
        part["decoratedGeneratedActivity"]["comment"]["text"] = text
    else:
        part["changes"][0]["value"]["message"] = text
    return part
