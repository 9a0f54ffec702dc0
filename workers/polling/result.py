"""What one poll did, and how a caller watches it happen.

``PollResult`` is what ``socialcrm sync`` prints and what the poll job returns (as small
JSON): items fetched from the network, what applying them did in SuiteCRM (created,
updated, skipped: unchanged, already applied, or refused by the rules), the HTTP calls
made to each service, and what became of each stream's watermark.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from workers.watermarks import Move

NOT_READ = "not read: "


class Progress(Protocol):
    """Told as items are found and applied (the command's progress bar)."""

    def found(self, count: int) -> None: ...

    def applied(self, count: int) -> None: ...


class NoProgress:
    def found(self, count: int) -> None:
        return None

    def applied(self, count: int) -> None:
        return None


class PollBusy(RuntimeError):
    """Another poll of the same account holds its lock: this one did nothing."""


@dataclass(frozen=True, slots=True)
class PollResult:
    """The totals of one poll of one account (every stream read)."""

    network: str
    account_id: str
    fetched: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    calls: Mapping[str, int] = field(default_factory=dict)  # service -> HTTP requests
    streams: Mapping[str, str] = field(default_factory=dict)  # stream -> watermark outcome

    @property
    def unread(self) -> dict[str, str]:
        """Streams the token was not allowed to read, with the network's reason."""
        return {name: outcome.removeprefix(NOT_READ) for name, outcome in self.streams.items()
                if outcome.startswith(NOT_READ)}

    def summary(self) -> dict[str, Any]:
        """Small JSON (a job's return value)."""
        return {"network": self.network, "account_id": self.account_id,
                "fetched": self.fetched, "created": self.created, "updated": self.updated,
                "skipped": self.skipped, "calls": dict(self.calls),
                "streams": dict(self.streams)}


@dataclass(slots=True)
class Tally:
    """Counts gathered while a poll runs, turned into a ``PollResult`` at the end."""

    fetched: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    streams: dict[str, str] = field(default_factory=dict)

    def moved(self, stream: str, outcome: Move) -> None:
        self.streams[stream] = outcome

    def not_read(self, stream: str, reason: str) -> None:
        self.streams[stream] = f"{NOT_READ}{reason}"

    def result(self, network: str, account_id: str, calls: Mapping[str, int]) -> PollResult:
        return PollResult(network=network, account_id=account_id, fetched=self.fetched,
                          created=self.created, updated=self.updated, skipped=self.skipped,
                          calls=dict(calls), streams=dict(self.streams))
