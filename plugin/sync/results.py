"""What one sync rule did to one SuiteCRM record, in a shape every rule shares.

The interaction and profile upserts return it, and so can the later steps (cases, leads):
the worker reads ``wrote`` to tell the loop guard which records the service itself just
changed (their change notices must not come back as news), and a summary counts outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from connectors.suitecrm import Record

Outcome = Literal["created", "updated", "unchanged", "skipped"]


@dataclass(frozen=True, slots=True)
class Upserted:
    """The outcome for one record.

    ``record`` is SuiteCRM's answer to the last call made for it (the write, or the read that
    showed nothing had to change); ``None`` when no call was needed at all (a profile the
    worker already knew). ``reason`` says why a record was skipped.
    """

    module: str
    record_id: str
    outcome: Outcome
    record: Record | None = None
    reason: str = ""

    @property
    def wrote(self) -> bool:
        return self.outcome in ("created", "updated")

    @property
    def date_modified(self) -> str | None:
        """SuiteCRM's ``date_modified`` of the write (what the loop guard compares)."""
        if self.record is None:
            return None
        value = self.record.get("date_modified")
        return str(value) if value else None

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {"module": self.module, "id": self.record_id,
                               "outcome": self.outcome}
        if self.reason:
            out["reason"] = self.reason
        return out
