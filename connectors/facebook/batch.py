"""Graph batch requests: up to 50 reads in one HTTP call.

Reading many objects one request each is what makes Page connectors slow and quota
hungry. ``run_batch`` sends ``POST /`` with ``batch=[...]`` in chunks of 50, decodes each
item's own ``{code, headers, body}``, maps each item's error with the same rules as a
whole response and feeds each item's usage headers to the governor. Each item ends as a
``BatchResult``: its decoded body, or the typed ``ConnectorError`` it ended with.

Retrying is the transport's (``Transport.send_parts``), under the one retry policy every
call has: items that came back ``null`` (Graph did not run them), failed transiently, or
were throttled with a wait the client's one waiting limit accepts are re-sent, reads
only, until the policy's attempts run out. A batch holding writes is never re-sent
(bar an item refused with HTTP 429, which was not carried out): a failed envelope is an
``OutcomeUnknownError`` (from the transport) and so is each write item that came back
``null`` or failed on Graph's side, for the caller to check before trying again.

``follow_all`` builds on it: given the ``next`` links of many listings (the remaining
comment pages of many posts, say), it reads them all, one batch per round, until no
listing has a ``next`` left.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from connectors.errors import (
    BadResponseError,
    ConnectorError,
    ObjectDeletedError,
    TooMuchDataError,
    UnavailableError,
)
from connectors.facebook.errors import SERVICE, graph_error
from connectors.facebook.fields import Query
from connectors.facebook.pagination import CursorGuard, EndGuard, Page, parse_page

if TYPE_CHECKING:
    from connectors.facebook.graph import GraphApi

MAX_BATCH = 50
BATCH_ENDPOINT = "POST /batch"


@dataclass(frozen=True, slots=True)
class BatchRequest:
    method: str
    relative_url: str
    body: str | None = None  # url-encoded form body for POST items

    def as_json(self) -> dict[str, str]:
        item = {"method": self.method, "relative_url": self.relative_url}
        if self.body is not None:
            item["body"] = self.body
        return item


@dataclass(frozen=True, slots=True)
class BatchResult:
    """How one batch item ended: ``body`` when it succeeded, else ``error``."""

    body: Any = None
    error: ConnectorError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def value(self) -> Any:
        """The body; the item's error raised when it failed."""
        if self.error is not None:
            raise self.error
        return self.body


def _chunks(items: Sequence[int], size: int) -> list[Sequence[int]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _decode_item(item: Mapping[str, Any], label: str) -> tuple[int, dict[str, str], Any]:
    try:
        status = int(item["code"])
        headers = {str(h["name"]): str(h["value"]) for h in item.get("headers") or []}
        body = json.loads(item["body"]) if item.get("body") else None
    except (KeyError, TypeError, ValueError):
        raise BadResponseError(f"{label}: malformed batch item", service=SERVICE) from None
    return status, headers, body


def _item_result(graph: GraphApi, item: Any, label: str) -> BatchResult:
    """One answered item (usage headers observed); ``null`` is a transient failure."""
    if item is None:
        return BatchResult(error=UnavailableError(
            f"{label}: Graph answered null for this batch item (not run, or its answer "
            "lost)", service=SERVICE))
    if not isinstance(item, Mapping):
        raise BadResponseError(f"{label}: malformed batch item", service=SERVICE)
    status, headers, body = _decode_item(item, label)
    observe = getattr(graph.governor, "observe", None)
    if observe is not None:
        observe(headers, merge=True)
    error = graph_error(status, body, headers, endpoint=label,
                        throttle_wait=graph.throttle_wait)
    return BatchResult(error=error) if error is not None else BatchResult(body=body)


def run_batch(graph: GraphApi, requests: Sequence[BatchRequest], *,
              label: str = "batch item") -> list[BatchResult]:
    """Each request's outcome, in order (see the module docstring for retries)."""
    bodies: dict[int, Any] = {}
    idempotent = all(r.method == "GET" for r in requests)

    def send(pending: Sequence[int]) -> dict[int, ConnectorError]:
        failed: dict[int, ConnectorError] = {}
        for chunk in _chunks(pending, MAX_BATCH):
            payload = json.dumps([requests[i].as_json() for i in chunk])
            answer = graph.post("", {"batch": payload, "include_headers": "true"},
                                endpoint=BATCH_ENDPOINT, idempotent=idempotent)
            if not isinstance(answer, list) or len(answer) != len(chunk):
                raise BadResponseError("batch answer does not match the request",
                                       service=SERVICE)
            graph.record_batch(sum(item is not None for item in answer))
            for index, item in zip(chunk, answer, strict=True):
                result = _item_result(graph, item, label)
                if result.error is None:
                    bodies[index] = result.body
                else:
                    failed[index] = result.error
        return failed

    errors = graph.transport.send_parts(range(len(requests)), send, endpoint=label,
                                        idempotent=idempotent)
    return [BatchResult(error=errors[i]) if i in errors else BatchResult(body=bodies.get(i))
            for i in range(len(requests))]


def follow_all(
    graph: GraphApi,
    starts: Mapping[str, tuple[str, Mapping[str, str]]],
    query: Query,
    on_page: Callable[[str, Page], None],
    *,
    label: str,
) -> set[str]:
    """Read every page of many listings; return the keys whose object was deleted.

    ``starts`` maps a key (a post id, say) to the (path, params) of its next page.
    Each round sends one batch item per listing still open. An item that answers
    "reduce the amount of data" is asked again smaller; a deleted object (100/33) ends
    its listing and is reported (callers confirm Page access before recording it); a
    listing that only goes on with empty pages is ended by its ``EndGuard``; any other
    error is raised.
    """
    open_: dict[str, tuple[str, dict[str, str]]] = {
        key: (path, {**params, **query.params()}) for key, (path, params) in starts.items()
    }
    queries = dict.fromkeys(open_, query)
    guards = {key: CursorGuard(f"{label} {key}") for key in open_}
    ends = {key: EndGuard(f"{label} {key}", params.get("since"))
            for key, (_, params) in open_.items()}
    for key, (_, params) in open_.items():
        guards[key].check(params)
    deleted: set[str] = set()
    while open_:
        keys = list(open_)
        items = [BatchRequest("GET", graph.relative(*open_[key])) for key in keys]
        results = run_batch(graph, items, label=label)
        for key, result in zip(keys, results, strict=True):
            path, params = open_.pop(key)
            if isinstance(result.error, ObjectDeletedError):
                deleted.add(key)
                continue
            if isinstance(result.error, TooMuchDataError):
                smaller = queries[key].smaller()
                if smaller is None:
                    raise result.error
                queries[key] = smaller
                open_[key] = (path, {**params, **smaller.params()})
                continue
            page = parse_page(result.value(), label)
            on_page(key, page)
            if page.next:
                next_path, next_params = graph.split_next(page.next)
                next_params.update(queries[key].params())
                if ends[key].finished(page, next_params):
                    continue
                guards[key].check(next_params)
                open_[key] = (next_path, next_params)
    return deleted
