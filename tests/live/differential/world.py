"""Both SuiteCRMs side by side, with the same tagged records on each.

Records are created with ids the test chooses, the same on both sides, so answers that
name them compare as they are. Every name carries the run's tag, so lists filtered by
the tag hold exactly these records on both sides whatever else the databases hold.
The live records (and the email address rows and Activity Stream entries SuiteCRM made
for them) are deleted at the end.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.live.differential.compare import Difference, Normaliser, compare, report
from tests.live.differential.sides import Answer, Request, Side


@dataclass
class World:
    sandbox: Side
    live: Side
    tag: str = field(default_factory=lambda: f"Scrmdf{datetime.now(UTC):%m%d%H%M}"
                                             f"{secrets.token_hex(2)}")
    names: dict[str, str] = field(default_factory=dict)
    created: list[tuple[str, str]] = field(default_factory=list)
    setup_reports: list[str] = field(default_factory=list)
    text_reports: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.names["tag"] = self.tag

    def new_id(self, name: str) -> str:
        """A record id chosen by the test, known as ``${name}`` in requests."""
        self.names[name] = str(uuid.uuid4())
        return self.names[name]

    def reserve(self, name: str, module: str) -> str:
        """An id for a record a request will create (deleted at the end like the rest)."""
        self.created.append((module, self.new_id(name)))
        return self.names[name]

    def normaliser(self) -> Normaliser:
        return Normaliser(self.names.values())

    def both(self, request: Request) -> tuple[Answer, Answer]:
        """Send to both sides, each with its own credentials and per-side names."""
        return tuple(  # type: ignore[return-value]
            side.send(request.fill({**self.names, **side.credentials(), **extra}))
            for side, extra in zip((self.sandbox, self.live), request.per_side, strict=True))

    def create(self, name: str, module: str, attributes: dict[str, Any],
               values: tuple[str, ...] | None = ()) -> list[str]:
        """Create one record on both sides (it must succeed on both); the report of
        the differences between the two answers, if any."""
        record_id = self.new_id(name)
        request = Request(f"create {name}", "POST", "Api/V8/module", body={
            "data": {"type": module, "id": record_id, "attributes": attributes}},
            values=values)
        self.created.append((module, record_id))
        sandbox, live = self.both(request)
        for side, answer in (("sandbox", sandbox), ("live", live)):
            assert answer.status == 201, f"{side}: create {name}: {answer.body}"
        found = compare(sandbox, live, self.normaliser(), values)
        return [report(request.label, found)] if found else []

    def diff(self, request: Request) -> list[Difference]:
        sandbox, live = self.both(request)
        return compare(sandbox, live, self.normaliser(), request.values)

    def check(self, requests: list[Request]) -> list[str]:
        """Send each request to both sides; a report for every one that differs."""
        reports = []
        for request in requests:
            found = self.diff(request)
            if found:
                reports.append(report(request.label, found))
        return reports

    def cleanup(self) -> list[str]:
        """Delete on the live side what the test made; what could not be deleted."""
        left: list[str] = []
        for module, record_id in reversed(self.created):
            answer = self.live.send(Request("cleanup", "DELETE",
                                            f"Api/V8/module/{module}/{record_id}"))
            if answer.status not in (200, 400):
                left.append(f"{module} {record_id}: HTTP {answer.status}")
        for module, column in (("EmailAddresses", "email_address"), ("SugarFeed", "name")):
            listing = self.live.send(Request("cleanup", "GET", f"Api/V8/module/{module}", (
                (f"filter[{column}][like]", f"%{self.tag}%"), (f"fields[{module}]", column),
                ("page[size]", "200"), ("page[number]", "1"))))
            for row in listing.body.get("data", []) if isinstance(listing.body, dict) else []:
                answer = self.live.send(Request("cleanup", "DELETE",
                                                f"Api/V8/module/{module}/{row['id']}"))
                if answer.status != 200:
                    left.append(f"{module} {row['id']}: HTTP {answer.status}")
        return left
