"""What ``suitecrm_restart`` measured, and what PASS means."""

from __future__ import annotations

from dataclasses import dataclass, field

from reliability.checks import Tally

LABEL = "suitecrm_restart"


@dataclass
class WebhookTally:
    sent: int
    accepted: int
    stored: int
    lost: int
    duplicated: int
    mangled: int
    stored_but_never_accepted: int

    @property
    def exactly_once(self) -> bool:
        return (self.lost, self.duplicated, self.mangled, self.stored_but_never_accepted) \
            == (0, 0, 0, 0) and self.stored == self.accepted


@dataclass
class RestartResult:
    injected: str
    updates: Tally
    webhooks: WebhookTally
    creators_not_reps: int
    outages: dict[str, float]  # service -> seconds from its stop until SuiteCRM answered
    held_back: dict[str, int]  # service -> accepted updates still queued when it came back
    p95_202: float
    drain_seconds: float
    answers: dict[str, int]
    webhook_answers: dict[str, int]
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return (self.updates.exactly_once and self.updates.unaccepted_but_written == 0
                and self.updates.statuses == {"applied": self.updates.accepted}
                and self.webhooks.exactly_once and self.creators_not_reps == 0
                and self.answers.get("500", 0) == 0 and self.webhook_answers.get("500", 0) == 0)
