"""Social-to-Case: a complaint or a private message opens a Case, or joins the open one.

``open_or_join_case`` looks for the Case to join in this order:

1. **the thread's**: an open Case that an interaction of the same thread (same network and
   ``thread_external_id``) is linked to;
2. **the person's** (``join_by_person``): an open Case that an interaction of the same
   Social Profile, Contact or Lead is linked to;
3. else it **opens** one, routed by ``routing`` (only a new Case is routed).

Then it links the interaction (``case_id``), sets its status ``assigned`` (when still
``new``), its assignee (the Case's) and its ``sla_due_at`` (``sla``), links the Contact to
the Case, and raises the Case's priority when the new interaction is more urgent.

**Why the new Case's id comes from the thread.** Workers run in parallel, and a burst in
one thread is the usual case (three Messenger messages in five seconds, a dozen angry
comments under one post). If the id came from the interaction, two complaints in one
thread processed at once would both find no Case and open two. Instead every worker
derives the same id from (network, thread, generation): SuiteCRM refuses the second create
("already exist"), and the loser joins the winner's Case. No lock spans the hosts, and a
retried job finds its own Case the same way. Generation 0 is the thread's first Case;
when it is closed (or deleted), the next complaint walks on to generation 1, and so on:
two workers walking at once agree on the generation, because both see the same closed
Cases. An item without a thread keys the chain by its own interaction id instead. The
price: one person complaining in two different threads in the same second gets two Cases,
one per thread, each a correct Case of its own thread; the next complaint joins one.

A re-run for an interaction already linked to a Case changes nothing (``already_linked``),
and every write is one that is harmless to repeat, so the step is safe to run twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from itertools import count
from typing import Any, Literal

import regex

from connectors.errors import ConflictError, NotFoundError
from connectors.suitecrm import Filter, Record, SuiteCRMClient
from plugin.sync.case_policy import CasePolicy
from plugin.sync.complaints import CaseTrigger, SentimentReading, case_trigger
from plugin.sync.routing import Rotation, Route, route_case
from plugin.sync.sla import sla_due_at

CASES = "Cases"
INTERACTIONS = "SCRM_SocialInteractions"
# Fixed for ever: changing it would give every thread a new Case id.
CASE_NAMESPACE = uuid.UUID("48793c8b-8b91-46bf-bcf2-867c09d7c03d")
CASE_FIELDS = ("name", "state", "status", "priority", "assigned_user_id", "account_id")
CANDIDATE_INTERACTIONS = 20  # most recent linked interactions looked at per search
NAME_LIMIT = 255  # the Case name column, in stored characters
NETWORK_NAMES = {"facebook": "Facebook", "linkedin": "LinkedIn"}

Action = Literal["opened", "joined", "already_linked", "no_case"]
JoinedBy = Literal["thread", "person", "item"]  # item: a second run of the same item


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What the rules need to know of one interaction (already stored in SuiteCRM)."""

    interaction_id: str
    network: str
    kind: str
    body: str
    occurred_at: datetime
    thread_external_id: str | None = None
    profile_id: str | None = None
    contact_id: str | None = None
    lead_id: str | None = None
    account_id: str | None = None
    sentiment: SentimentReading | None = None
    page_owner_id: str | None = None  # the Facebook Page / LinkedIn organization id
    direction: str = "inbound"
    # The interaction's case_id and status as the caller just wrote or read them (None:
    # read them first). The sync passes SuiteCRM's answer to its own write: one call less.
    current: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class CaseOutcome:
    """What happened and why: the trigger, how the Case was found or routed, the SLA."""

    action: Action
    case_id: str | None = None
    trigger: CaseTrigger | None = None
    joined_by: JoinedBy | None = None
    route: Route | None = None
    priority: str | None = None
    sla_due_at: datetime | None = None
    assigned_user_id: str | None = None
    written: tuple[Record, ...] = ()  # SuiteCRM's answers to this call's writes

    def summary(self) -> dict[str, Any]:
        """Small JSON for a job's result and the logs."""
        out: dict[str, Any] = {"action": self.action, "case_id": self.case_id}
        if self.trigger:
            out["trigger"] = {"rule": self.trigger.rule, "detail": self.trigger.detail}
        if self.joined_by:
            out["joined_by"] = self.joined_by
        if self.route:
            out["routed_by"] = self.route.rule
        if self.sla_due_at:
            out["sla_due_at"] = self.sla_due_at.isoformat()
        return out


def open_or_join_case(crm: SuiteCRMClient, facts: CaseFacts, policy: CasePolicy,
                      rotation: Rotation, now: datetime) -> CaseOutcome:
    """Open or join the Case of one interaction when the rules say so (module docs)."""
    if now.tzinfo is None or facts.occurred_at.tzinfo is None:
        raise ValueError("now and occurred_at must be timezone-aware")
    trigger = case_trigger(facts.body, facts.kind, facts.sentiment, policy.complaints,
                           direction=facts.direction)
    if trigger is None:
        return CaseOutcome("no_case")
    current = facts.current if facts.current is not None else crm.get(
        INTERACTIONS, facts.interaction_id, fields=["case_id", "status"]).attributes
    if current.get("case_id"):
        return CaseOutcome("already_linked", str(current["case_id"]), trigger)
    wanted = _priority(trigger, facts, policy)
    case, joined_by, route = _find_or_open(crm, facts, policy, rotation, wanted, trigger)
    written: list[Record] = [] if joined_by else [case]
    priority = policy.more_urgent(wanted, str(case.get("priority") or wanted))
    if joined_by and policy.escalate_on_join and priority != case.get("priority"):
        written.append(crm.update(CASES, case.id, {"priority": priority}))
    _link_contact(crm, case.id, facts.contact_id, policy, known_new=joined_by is None)
    due = sla_due_at(min(facts.occurred_at, now), priority=priority, kind=facts.kind,
                     policy=policy.sla)
    assignee = str(case.get("assigned_user_id") or "") or None
    changes: dict[str, Any] = {"case_id": case.id, "sla_due_at": due}
    if current.get("status") in ("new", "", None):
        changes["status"] = "assigned"
    if assignee:
        changes["assigned_user_id"] = assignee
    written.append(crm.update(INTERACTIONS, facts.interaction_id, changes))
    return CaseOutcome("joined" if joined_by else "opened", case.id, trigger, joined_by, route,
                       priority, due, assignee, tuple(written))


def _find_or_open(crm: SuiteCRMClient, facts: CaseFacts, policy: CasePolicy,
                  rotation: Rotation, priority: str, trigger: CaseTrigger
                  ) -> tuple[Record, JoinedBy | None, Route | None]:
    """The Case to join and how it was found, or the new Case and its route."""
    case = _open_case_of_thread(crm, facts)
    if case is not None:
        return case, "thread", None
    if policy.join_by_person:
        case = _open_case_of_person(crm, facts)
        if case is not None:
            return case, "person", None
    case, route = _open_case(crm, facts, policy, rotation, priority, trigger)
    if route is None:  # another worker opened it a moment ago: join theirs
        return case, "thread" if facts.thread_external_id else "item", None
    return case, None, route


def _priority(trigger: CaseTrigger, facts: CaseFacts, policy: CasePolicy) -> str:
    priority = policy.priority_by_rule[trigger.rule]
    sentiment = facts.sentiment
    score = sentiment.score if sentiment is not None and sentiment.supported else None
    urgent = policy.urgent_score_below
    if score is not None and urgent is not None and score < urgent:
        return policy.priorities[0]
    return priority


def is_open(case: Record) -> bool:
    """SuiteCRM's ``state`` says; without one, a status not starting ``Closed``."""
    state = str(case.get("state") or "")
    return state == "Open" if state else not str(case.get("status") or "").startswith("Closed")


def _open_case_of_thread(crm: SuiteCRMClient, facts: CaseFacts) -> Record | None:
    if not facts.thread_external_id:
        return None
    return _open_case_among(crm, Filter.where(network=facts.network, case_id__neq="",
                                              thread_external_id=facts.thread_external_id))


def _open_case_of_person(crm: SuiteCRMClient, facts: CaseFacts) -> Record | None:
    for field, value in (("profile_id", facts.profile_id), ("contact_id", facts.contact_id),
                         ("lead_id", facts.lead_id)):
        if value:
            case = _open_case_among(crm, Filter.where(**{field: value, "case_id__neq": ""}))
            if case is not None:
                return case
    return None


def _open_case_among(crm: SuiteCRMClient, linked: Filter) -> Record | None:
    """The open Case of the most recent interactions matching ``linked``, if any."""
    page = crm.list(INTERACTIONS, filter=linked, fields=["case_id"], sort="-date_entered",
                    page_size=CANDIDATE_INTERACTIONS)
    for case_id in dict.fromkeys(str(r.get("case_id")) for r in page if r.get("case_id")):
        case = _get_case(crm, case_id)
        if case is not None and is_open(case):
            return case
    return None


def _get_case(crm: SuiteCRMClient, case_id: str) -> Record | None:
    try:
        return crm.get(CASES, case_id, fields=CASE_FIELDS)
    except NotFoundError:  # deleted: SuiteCRM still refuses its id for a new Case
        return None


def case_ids(facts: CaseFacts) -> Iterator[str]:
    """The ids a new Case of this interaction may take, generation by generation."""
    if facts.thread_external_id:
        key = f"thread\x1f{facts.network}\x1f{facts.thread_external_id}"
    else:
        key = f"interaction\x1f{facts.interaction_id}"
    for generation in count():
        yield str(uuid.uuid5(CASE_NAMESPACE, f"{key}\x1f{generation}"))


def _open_case(crm: SuiteCRMClient, facts: CaseFacts, policy: CasePolicy, rotation: Rotation,
               priority: str, trigger: CaseTrigger) -> tuple[Record, Route | None]:
    """Create at the first free id of the chain; an open Case there is joined instead
    (route None). Routing runs once, just before the first create."""
    route: Route | None = None
    for candidate in case_ids(facts):
        existing = _get_case(crm, candidate)
        if existing is not None:
            if is_open(existing):
                return existing, None
            continue
        if route is None:
            route = route_case(crm, account_id=facts.account_id,
                               page_owner_id=facts.page_owner_id, policy=policy.routing,
                               rotation=rotation)
        try:
            created = crm.create(CASES, _new_case(facts, policy, priority, trigger, route),
                                 record_id=candidate)
        except ConflictError:  # another worker took this id a moment ago
            existing = _get_case(crm, candidate)
            if existing is not None and is_open(existing):
                return existing, None
            continue
        return created, route
    raise AssertionError("unreachable")  # pragma: no cover - count() never ends


def _new_case(facts: CaseFacts, policy: CasePolicy, priority: str, trigger: CaseTrigger,
              route: Route) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "name": case_name(facts.body, policy.name_max_length,
                          empty=f"{NETWORK_NAMES.get(facts.network, facts.network)} "
                                f"{facts.kind}"),
        "description": facts.body, "priority": priority, "type": policy.case_type,
        "state": "Open", "status": "Open_Assigned" if route.user_id else "Open_New",
        "work_log": f"Opened by SocialCRM: {trigger.detail}; routed by {route.rule}.",
    }
    if route.user_id:
        attributes["assigned_user_id"] = route.user_id
    if facts.account_id:
        attributes["account_id"] = facts.account_id
    return attributes


def _link_contact(crm: SuiteCRMClient, case_id: str, contact_id: str | None,
                  policy: CasePolicy, *, known_new: bool) -> None:
    """Relate the Contact once: SuiteCRM (AOP) emails a Contact each time one is related."""
    if not contact_id or not policy.link_contact:
        return
    if not known_new and any(c.id == contact_id
                             for c in crm.iterate_related(CASES, case_id, "contacts")):
        return
    crm.link(CASES, case_id, "Contacts", contact_id, link="contacts")


def case_name(body: str, max_length: int, *, empty: str = "Social message") -> str:
    """The body on one line, cut to ``max_length`` stored characters between user-perceived
    characters (never inside an emoji sequence, a flag or an accented letter), with "…"
    when cut. A 4-byte character counts as the ``\\u{HEX}`` escape the SocialCRM package
    stores it as, so the name fits SuiteCRM's 255-character column whatever it holds."""
    text = " ".join(body.split())
    if not text:
        return empty
    limit = min(max_length, NAME_LIMIT)
    if stored_length(text) <= limit:
        return text
    kept: list[str] = []
    used = 0
    for cluster in regex.findall(r"\X", text):
        size = stored_length(cluster)
        if used + size > limit - 1:  # room for the ellipsis
            break
        kept.append(cluster)
        used += size
    return "".join(kept).rstrip() + "…"


def stored_length(text: str) -> int:
    """Characters SuiteCRM's 3-byte column holds for ``text`` with the package's guard."""
    return sum(len(f"\\u{{{ord(c):X}}}") if ord(c) > 0xFFFF else 1 for c in text)
