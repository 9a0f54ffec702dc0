"""What the policy says about one reply: a decision, the reasons, and where in the text.

The verdict is recorded on the outbound interaction in SuiteCRM and shown to reps and
managers, so it never quotes personal data: a reason names the policy term or the kind
of data ("email"), and points at the text by offsets only (``Span``), which index the
caller's own string (Python ``str`` positions, code points).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Decision(StrEnum):
    """What happens to the reply. Block wins over needs_approval, which wins over allow."""

    ALLOW = "allow"
    NEEDS_APPROVAL = "needs_approval"
    BLOCK = "block"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


_SEVERITY = {Decision.ALLOW: 0, Decision.NEEDS_APPROVAL: 1, Decision.BLOCK: 2}


class ReasonCode(StrEnum):
    """Machine codes an app can translate; the reason's message is the English text."""

    EMPTY = "empty"
    BANNED_TERM = "banned_term"
    COMMITMENT = "commitment"
    PERSONAL_DATA = "personal_data"
    TOO_LONG = "too_long"
    MISSING_SIGNATURE = "missing_signature"


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Where a finding is in the reply: ``text[start:end]`` of the caller's own string."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Reason:
    """One finding: what rule, what it asks for, and every place in the text it applies.

    ``subject`` is the policy term ("refund"), the kind of personal data ("email",
    "phone", "card"), or empty for rules about the whole reply.
    """

    code: ReasonCode
    message: str
    decision: Decision
    subject: str = ""
    spans: tuple[Span, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code.value, "message": self.message,
                "decision": self.decision.value, "subject": self.subject,
                "spans": [[span.start, span.end] for span in self.spans]}


@dataclass(frozen=True, slots=True)
class Verdict:
    """The policy's answer for one reply.

    ``language`` is the language the reply was read as (the caller's, or the policy
    language of its main script); ``languages`` every rule set that was applied ("*"
    first), since a reply mixing scripts is checked in each of them.
    """

    decision: Decision
    reasons: tuple[Reason, ...]
    language: str
    languages: tuple[str, ...]

    @property
    def blocked(self) -> bool:
        return self.decision is Decision.BLOCK

    @property
    def needs_approval(self) -> bool:
        return self.decision is Decision.NEEDS_APPROVAL

    @property
    def allowed(self) -> bool:
        return self.decision is Decision.ALLOW

    @property
    def codes(self) -> tuple[ReasonCode, ...]:
        return tuple(reason.code for reason in self.reasons)

    @property
    def spans(self) -> tuple[Span, ...]:
        """Every place any reason points at, in text order, each once."""
        return tuple(sorted({span for reason in self.reasons for span in reason.spans}))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data, for an API response, a job argument or a CRM field."""
        return {"decision": self.decision.value, "language": self.language,
                "languages": list(self.languages),
                "reasons": [reason.to_dict() for reason in self.reasons]}


def strictest(reasons: tuple[Reason, ...]) -> Decision:
    """The decision the reasons add up to: the most severe one, allow when there are none."""
    return max((reason.decision for reason in reasons), key=lambda d: d.severity,
               default=Decision.ALLOW)
