"""The facts the figures are computed from, read off SuiteCRM records.

Three kinds, each a small frozen record so the computations never see SuiteCRM's strings:

* ``Interaction``: one inbound Social Interaction (what a customer wrote);
* ``CaseOpened``: a Case SuiteCRM created in the period that a social interaction is
  linked to (the sync opened it from a complaint or a message);
* ``SocialLead``: a Lead the sync created from a Facebook or LinkedIn lead form. The sync
  marks them in ``lead_source_description``: "Facebook lead form <form>" or "LinkedIn
  lead form <form>", with " (test lead)" at the end for the networks' test submissions,
  which are not prospects and never count (``plugin/sync/leads.py``). A submission from a
  person SuiteCRM already knew creates no Lead (a Note on that person), so it is not a
  new social lead either.

What the definitions mean (docs/reports.md repeats them for managers):

* **Needs an answer**: an inbound comment, reply or message, or any inbound item the sync
  gave an SLA due time (a complaint post); not one that is hidden (the Page hid it: spam,
  abuse) or deleted.
* **Complaint**: an inbound item the sync linked to a Case (a negative score, a complaint
  keyword, or a private message: docs/cases.md) or whose sentiment label is negative.
* **Deleted** items (the customer removed them) count nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from connectors.suitecrm import Record
from plugin.sync.lead_mapping import NETWORK_NAMES

ANSWERED_KINDS = frozenset({"comment", "reply", "message"})
NOT_WAITING = frozenset({"hidden", "deleted"})
LEAD_FORM_MARK = " lead form "
TEST_LEAD_MARK = "(test lead)"
INTERACTION_FIELDS = ("network", "kind", "direction", "status", "occurred_at",
                      "first_response_at", "sla_due_at", "sentiment_score",
                      "sentiment_label", "case_id", "assigned_user_id", "assigned_user_name")
CASE_FIELDS = ("date_entered", "assigned_user_id", "assigned_user_name")
LEAD_FIELDS = ("date_entered", "lead_source_description", "assigned_user_id",
               "assigned_user_name")
_NETWORK_OF_NAME = {name: network for network, name in NETWORK_NAMES.items()}


@dataclass(frozen=True, slots=True)
class Interaction:
    """One inbound social interaction, as far as the figures need it (UTC datetimes)."""

    id: str
    network: str
    kind: str
    status: str
    occurred_at: datetime
    first_response_at: datetime | None = None
    sla_due_at: datetime | None = None
    sentiment_score: float | None = None
    sentiment_label: str = ""
    case_id: str = ""
    assigned_user_id: str = ""
    assigned_user_name: str = ""

    @property
    def counted(self) -> bool:
        return self.status != "deleted"

    @property
    def needs_answer(self) -> bool:
        if self.status in NOT_WAITING:
            return False
        return self.kind in ANSWERED_KINDS or self.sla_due_at is not None

    @property
    def is_complaint(self) -> bool:
        return self.counted and (bool(self.case_id) or self.sentiment_label == "negative")

    @property
    def response_seconds(self) -> float | None:
        """Seconds from the customer's writing to the first answer (never negative: V8
        answers datetimes to the minute, so an answer in the same minute reads as 0)."""
        if self.first_response_at is None:
            return None
        return max(0.0, (self.first_response_at - self.occurred_at).total_seconds())


@dataclass(frozen=True, slots=True)
class CaseOpened:
    id: str
    opened_at: datetime
    assigned_user_id: str = ""
    assigned_user_name: str = ""


@dataclass(frozen=True, slots=True)
class SocialLead:
    id: str
    network: str
    created_at: datetime
    assigned_user_id: str = ""
    assigned_user_name: str = ""


def interaction_from(record: Record) -> Interaction | None:
    """The facts of an interaction record; None when it has no readable ``occurred_at``
    or is not inbound (nothing can be said about when it was written, or it is ours)."""
    occurred = _when(record, "occurred_at")
    if occurred is None or _text(record, "direction") not in ("", "inbound"):
        return None
    return Interaction(
        id=record.id, network=_text(record, "network"), kind=_text(record, "kind"),
        status=_text(record, "status"), occurred_at=occurred,
        first_response_at=_when(record, "first_response_at"),
        sla_due_at=_when(record, "sla_due_at"),
        sentiment_score=_score(record.get("sentiment_score")),
        sentiment_label=_text(record, "sentiment_label"), case_id=_text(record, "case_id"),
        assigned_user_id=_text(record, "assigned_user_id"),
        assigned_user_name=_text(record, "assigned_user_name"))


def case_from(record: Record) -> CaseOpened | None:
    opened = _when(record, "date_entered")
    if opened is None:
        return None
    return CaseOpened(record.id, opened, _text(record, "assigned_user_id"),
                      _text(record, "assigned_user_name"))


def social_lead_from(record: Record) -> SocialLead | None:
    """A Lead the sync made from a lead form; None for any other Lead or a test lead."""
    created = _when(record, "date_entered")
    source = _text(record, "lead_source_description")
    network_name, mark, _ = source.partition(LEAD_FORM_MARK)
    network = _NETWORK_OF_NAME.get(network_name)
    if created is None or not mark or network is None or \
            source.rstrip().endswith(TEST_LEAD_MARK):
        return None
    return SocialLead(record.id, network, created, _text(record, "assigned_user_id"),
                      _text(record, "assigned_user_name"))


def _text(record: Record, name: str) -> str:
    value = record.get(name)
    return "" if value is None else str(value).strip()


def _when(record: Record, name: str) -> datetime | None:
    try:
        return record.datetime(name)
    except ValueError:
        return None  # a value SuiteCRM holds that is no datetime: as if empty


def _score(raw: object) -> float | None:
    """A sentiment score from -1 to 1 (SuiteCRM answers a decimal as a string)."""
    if raw is None or raw == "":
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        return None
    if not value.is_finite() or not -1 <= value <= 1:
        return None
    return float(value)
