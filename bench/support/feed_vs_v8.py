"""One phone's view: a feed page from the API beside the same 50 items read from V8.

Latency: one client, one kept-alive connection to each server, requests one after the
other (what one phone does). A V8 sample is the five list reads in a row (a phone
needs all five before it can show the page); a feed sample is one ``GET /api/v1/feed``.
The two alternate in rounds, so a drift in the machine's load weighs on both alike.

Bytes: the body of each answer as it crossed the wire, asked without compression
(``Accept-Encoding: identity``) and with ``gzip`` and with ``br`` (what the server then
chose to send: SuiteCRM's Apache may or may not compress its JSON:API answers).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bench.support.get_load import Connection
from bench.support.rep_feed import PAGE_ITEMS, V8_ACCEPT, V8Read

FEED_PAGE = f"/api/v1/feed?limit={PAGE_ITEMS}"
ENCODINGS = ("identity", "gzip", "br")


@dataclass
class Latencies:
    """Seconds per sample: a feed page; the five V8 lists in a row."""

    feed: list[float] = field(default_factory=list)
    v8: list[float] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Sizes:
    """Body bytes on the wire by ``Accept-Encoding`` asked, and the encoding answered."""

    by_request: Mapping[str, tuple[int, str]]

    def bytes(self, asked: str) -> int:
        return self.by_request[asked][0]

    def answered(self, asked: str) -> str:
        return self.by_request[asked][1] or "identity"


def page_ids(body: bytes) -> list[str]:
    """The item ids of a feed page (their records, ``Module:id``), in order."""
    return [str(item["id"]) for item in json.loads(body)["items"]]


def single_client(api: Connection, api_headers: Mapping[str, str], crm: Connection,
                  crm_headers: Mapping[str, str], reads: Sequence[V8Read], *, rounds: int,
                  pages: int, v8_samples: int) -> Latencies:
    """``rounds`` rounds of ``pages`` feed pages and ``v8_samples`` five-list reads; a
    non-200 answer stops the run (a figure of errors is no figure)."""
    measured = Latencies()
    headers = {**crm_headers, **V8_ACCEPT}
    for _ in range(rounds):
        for _ in range(pages):
            answer = api.get(FEED_PAGE, api_headers)
            _require_ok(answer.status, "GET /api/v1/feed")
            measured.feed.append(answer.seconds)
        for _ in range(v8_samples):
            seconds = 0.0
            for read in reads:
                answer = crm.get(read.path, headers)
                _require_ok(answer.status, f"GET V8 {read.module}")
                seconds += answer.seconds
            measured.v8.append(seconds)
    return measured


def feed_sizes(api: Connection, headers: Mapping[str, str]) -> tuple[Sizes, bytes]:
    """The page's bytes per encoding, and the page itself (identity); the gzip answer
    must be the same page."""
    found: dict[str, tuple[int, str]] = {}
    bodies: dict[str, bytes] = {}
    for asked in ENCODINGS:
        answer = api.get(FEED_PAGE, {**headers, "Accept-Encoding": asked})
        _require_ok(answer.status, f"GET /api/v1/feed ({asked})")
        found[asked] = (len(answer.body), answer.encoding)
        bodies[asked] = answer.body
    if found["gzip"][1] == "gzip" and gzip.decompress(bodies["gzip"]) != bodies["identity"]:
        raise RuntimeError("the gzip page is not the same page")
    return Sizes(found), bodies["identity"]


def v8_sizes(crm: Connection, headers: Mapping[str, str], reads: Sequence[V8Read]
             ) -> tuple[Sizes, dict[str, bytes]]:
    """The five answers' bytes summed per encoding (the encoding SuiteCRM answered the
    first with), and each answer's body (identity) by module."""
    totals: dict[str, tuple[int, str]] = {}
    bodies: dict[str, bytes] = {}
    for asked in ENCODINGS:
        size, encodings = 0, []
        for read in reads:
            answer = crm.get(read.path, {**headers, **V8_ACCEPT, "Accept-Encoding": asked})
            _require_ok(answer.status, f"GET V8 {read.module} ({asked})")
            size += len(answer.body)
            encodings.append(answer.encoding)
            if asked == "identity":
                bodies[read.module] = answer.body
        totals[asked] = (size, encodings[0] if len(set(encodings)) == 1 else "mixed")
    return Sizes(totals), bodies


def _require_ok(status: int, what: str) -> None:
    if status != 200:
        raise RuntimeError(f"{what} answered {status or 'nothing'}")
