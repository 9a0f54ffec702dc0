"""The rules that build on a stored interaction: sentiment, identity, leads, cases.

``SyncSteps`` binds a site's ``SyncRules`` to what the rules need at run time (the
sentiment scorer, the round-robin rotation, where lead answers come from) and hands the
pipeline two things:

* ``annotate(item)``: the sentiment fields, computed before the interaction is written so
  they travel in the same create or edit call (no extra SuiteCRM call per comment);
* ``steps``: identity matching for a person seen for the first time, the lead form's
  Lead, the Case a complaint or a message opens or joins, in that order (the Case
  wants the person's Contact, which identity matching may just have found), and, for an
  answer from the Page or organization, the first response it gives
  (``plugin.sync.responses``).

Every step is safe to run twice for one item (the pipeline reruns them on a retry): the
identity step only runs for a profile this event created, leads and cases derive their
ids, and each looks before it writes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from connectors.errors import NotFoundError
from connectors.social import LeadSubmission
from connectors.suitecrm import Record, SuiteCRMClient
from plugin.sentiment import Scorer, Sentiment
from plugin.sync.answers import answer_due, needs_answer
from plugin.sync.cases import CaseFacts, open_or_join_case
from plugin.sync.complaints import case_trigger
from plugin.sync.identity import IdentityFacts, apply_match, match_identity
from plugin.sync.ids import PROFILES
from plugin.sync.items import SocialItem, from_lead
from plugin.sync.leads import lead_from_submission
from plugin.sync.pipeline import Applied, Step
from plugin.sync.responses import answered_by
from plugin.sync.results import Upserted
from plugin.sync.routing import Rotation
from plugin.sync.rules import SyncRules

LeadSource = Callable[[SocialItem], LeadSubmission | None]


class _LastReading:
    """The last text scored and its sentiment, per thread (polling may use threads)."""

    def __init__(self) -> None:
        self._local = threading.local()

    def get(self, text: str, score: Callable[[str], Sentiment]) -> Sentiment:
        last: tuple[str, Sentiment] | None = getattr(self._local, "last", None)
        if last is not None and last[0] == text:
            return last[1]
        reading = score(text)
        self._local.last = (text, reading)
        return reading
PROFILE_LINK_FIELDS = ("contact_id", "lead_id", "account_id")


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SyncSteps:
    """A site's rules, ready to run (see the module docstring)."""

    rules: SyncRules
    scorer: Scorer
    rotation: Rotation
    lead_source: LeadSource | None = None
    clock: Callable[[], datetime] = field(default=_now)
    _last: _LastReading = field(default_factory=lambda: _LastReading(), init=False,
                                repr=False, compare=False)

    def reading(self, text: str) -> Sentiment:
        """The text's sentiment, scored once per item: ``annotate`` and the Case step
        both need it, one after the other, in the same worker thread."""
        return self._last.get(text, self.scorer.score)

    def annotate(self, item: SocialItem) -> dict[str, Any]:
        """Sentiment, language and label of an inbound text, and its SLA due time when it
        waits for an answer (``plugin.sync.answers``); nothing for the rest."""
        if not item.body or item.direction != "inbound" or item.kind == "lead_form":
            return {}
        reading = self.reading(item.body)
        out: dict[str, Any] = {"language": reading.language}
        if reading.supported and reading.score is not None:
            out.update(sentiment_score=reading.score, sentiment_label=reading.label)
        if needs_answer(item, reading, self.rules.cases):
            out["sla_due_at"] = answer_due(item, self.rules.cases)
        return out

    def prepare(self, item: SocialItem) -> SocialItem:
        """A lead webhook names only the submission: read it, so the interaction holds
        the answers (a polled submission already does)."""
        if item.kind != "lead_form" or item.snapshot or self.lead_source is None:
            return item
        submission = self.lead_source(item)
        if submission is None:
            return item
        return from_lead(submission, observed_at=item.event_time)

    @property
    def steps(self) -> tuple[Step, ...]:
        return (self.identity, self.lead, self.case, self.response)

    def identity(self, crm: SuiteCRMClient, applied: Applied) -> Iterable[Upserted]:
        """Match a person seen for the first time to a Contact or Lead, with evidence."""
        author = applied.item.author
        if applied.profile.outcome != "created" or author is None:
            return ()
        policy = self.rules.identity
        profile = applied.profile.record
        match = match_identity(crm, IdentityFacts.of(author), policy, profile=profile)
        result = apply_match(crm, applied.profile.record_id, match, policy, profile=profile,
                             now=self.clock())
        if result.action in ("unchanged", "kept_existing"):
            return ()
        link = result.link
        attributes = {"contact_id": link.contact_id, "lead_id": link.lead_id}
        return (Upserted(PROFILES, result.profile_id, "updated",
                         Record(PROFILES, "SCRM_SocialProfile", result.profile_id,
                                attributes)),)

    def lead(self, crm: SuiteCRMClient, applied: Applied) -> Iterable[Upserted]:
        """A lead form submission becomes a Lead, or a Note on the person it matches."""
        if applied.item.kind != "lead_form" or self.lead_source is None:
            return ()
        submission = self.lead_source(applied.item)
        if submission is None:
            return ()
        outcome = lead_from_submission(crm, submission, self.rules.leads, self.rules.identity)
        wrote = outcome.action in ("created", "attached", "created_possible_duplicate")
        return (Upserted(outcome.module, outcome.record_id,
                         "created" if wrote else "unchanged"),)

    def case(self, crm: SuiteCRMClient, applied: Applied) -> Iterable[Upserted]:
        """A complaint or a message opens, or joins, a Case."""
        item = applied.item
        policy = self.rules.cases
        if not item.body:
            return ()
        sentiment = self.reading(item.body)
        if case_trigger(item.body, item.kind, sentiment, policy.complaints,
                        direction=item.direction) is None:
            return ()
        link = _profile_link(crm, applied)
        facts = CaseFacts(
            interaction_id=applied.interaction.record_id, network=str(item.network),
            kind=item.kind, body=item.body, occurred_at=item.occurred_at,
            thread_external_id=item.thread_id,
            profile_id=applied.profile.record_id or None,
            contact_id=link.get("contact_id") or None, lead_id=link.get("lead_id") or None,
            account_id=link.get("account_id") or None, sentiment=sentiment,
            page_owner_id=item.owner_id or None, direction=item.direction,
            current=_written_case_link(applied))
        outcome = open_or_join_case(crm, facts, policy, self.rotation, self.clock())
        return tuple(Upserted(record.module, record.id, "updated", record)
                     for record in outcome.written)


    def response(self, crm: SuiteCRMClient, applied: Applied) -> Iterable[Upserted]:
        """An answer from the Page or organization: the customers it answered stop
        waiting (``first_response_at``, status ``responded``)."""
        if applied.item.direction != "outbound" or applied.item.verb != "add":
            return ()
        return tuple(Upserted(record.module, record.id, "updated", record)
                     for record in answered_by(crm, applied.item))


def _written_case_link(applied: Applied) -> dict[str, Any] | None:
    """The interaction's case_id and status from SuiteCRM's answer to this item's own
    write (None when nothing was written: the Case step reads them)."""
    record = applied.interaction.record
    if record is None or not {"case_id", "status"} <= set(record.attributes):
        return None
    return {"case_id": record.attributes["case_id"], "status": record.attributes["status"]}


def _profile_link(crm: SuiteCRMClient, applied: Applied) -> dict[str, Any]:
    """The person's Contact/Lead/Account as the profile holds them: from what this item
    already wrote or read, else one read (only for a Case, so rarely)."""
    for result in (*reversed(applied.extra), applied.profile):
        if result.module == PROFILES and result.record is not None:
            attributes = result.record.attributes
            if any(name in attributes for name in PROFILE_LINK_FIELDS):
                return {name: attributes.get(name) for name in PROFILE_LINK_FIELDS}
    if not applied.profile.record_id or applied.profile.outcome == "skipped":
        return {}
    try:
        record = crm.get(PROFILES, applied.profile.record_id, fields=PROFILE_LINK_FIELDS)
    except NotFoundError:
        return {}
    return {name: record.attributes.get(name) for name in PROFILE_LINK_FIELDS}
