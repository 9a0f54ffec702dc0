"""The sandbox's knobs: behaviour settings, access tokens, injected faults, call stats.

Everything a test or a demo wants to provoke is here and reachable both from Python
(``FacebookSandbox.state``) and over HTTP (``/__sandbox__/...``): irregular pages,
usage percentages, throttling, transient failures, "reduce the amount of data",
repeated cursors, ``null`` batch items, answers lost after a write landed, objects deleted
while a read is under way, expired or revoked tokens, removed permissions, a Page token
that lost access to its Page, retired versions.

Calls are counted two ways, as Graph counts them for rate limits: ``http_calls`` (what
went over the wire) and ``charged_calls`` (every batch item counts as one call, the batch
envelope itself does not). Usage headers climb with charged calls.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from typing import Any

FAULT_KINDS = frozenset({"throttle", "transient", "reduce_data", "repeat_cursor",
                         "batch_null", "server_error", "lost_answer", "delete_after"})
PAGE_SCOPES = frozenset({
    "pages_show_list", "pages_read_engagement", "pages_read_user_content",
    "pages_manage_engagement", "pages_manage_metadata", "pages_messaging",
    "leads_retrieval", "pages_manage_ads",
})


@dataclass
class SandboxConfig:
    """Behaviour switches; every field can be changed at run time."""

    latest_version: str = "v25.0"
    # Older versions answer error 2635. Meta ships about three versions a year and keeps
    # each for about two years, so the oldest live one is about four behind the latest:
    # v21.0 next to v25.0. Raise both together when moving ``latest_version``.
    min_version: str = "v21.0"
    irregular_pages: bool = False  # short and empty pages that still have ``next``
    # Feed-like edges page by ``until`` (as Graph's own feed links do) and, past the
    # oldest post, keep answering empty pages with an ever older ``until``: never ending.
    time_paged_feed: bool = False
    default_limit: int = 25
    max_limit: int = 100
    nested_message_limit: int = 20  # Meta details only a conversation's 20 newest messages
    app_usage: float = 2.0  # percent reported in X-App-Usage
    page_usage: float = 2.0  # percent reported in X-Business-Use-Case-Usage
    usage_step: float = 0.0  # added to both per charged call (a climbing quota)
    regain_minutes: int = 0
    # "Please reduce the amount of data": Meta publishes no threshold, so the default is
    # deliberately strict. A request costs its page size times its field cost, where a
    # nested connection costs its own limit times its fields (see ``render.field_cost``).
    # 20,000 refuses 100 posts x 100 comments (91,100) and 50 x 50 (23,050) with the
    # connector's fields, and serves 25 x 25 (5,900). Raise it to model a lenient Graph.
    reduce_data_threshold: int = 20_000
    require_proof: bool = False  # the app's "Require App Secret" switch
    batch_max: int = 50

    def update(self, values: dict[str, Any]) -> None:
        known = {f.name for f in fields(self)}
        for name, value in values.items():
            if name not in known:
                raise ValueError(f"unknown sandbox setting {name!r}")
            current = getattr(self, name)
            if isinstance(current, bool):
                value = value if isinstance(value, bool) else str(value).lower() == "true"
            setattr(self, name, type(current)(value))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Fault:
    """One injected failure, matched on the request path (substring) and method."""

    kind: str
    path: str = ""
    method: str = ""
    times: int = 1
    code: int | None = None
    regain_minutes: int = 1
    object_id: str = ""  # delete_after: the object deleted once the request is served

    def __post_init__(self) -> None:
        if self.times < 1:
            raise ValueError("a fault must apply at least once (times >= 1)")
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; one of {sorted(FAULT_KINDS)}")
        if self.kind == "delete_after" and not self.object_id:
            raise ValueError("a delete_after fault needs the object_id to delete")

    def matches(self, method: str, path: str) -> bool:
        return (not self.method or self.method.upper() == method) and self.path in path


@dataclass
class TokenRecord:
    token: str
    kind: str  # page, user or app
    subject_id: str
    scopes: set[str] = field(default_factory=set)
    status: str = "valid"  # valid, expired, revoked
    expires_at: int = 0  # epoch seconds; 0 = never
    # False: the token still authenticates but may see nothing of the Page any more (an
    # admin lost the role): Graph then answers every object as 100/33, like a deletion.
    page_access: bool = True


class SandboxState:
    """Thread-safe holder of config, tokens, faults and counters."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.config = SandboxConfig()
        self.tokens: dict[str, TokenRecord] = {}
        self.faults: list[Fault] = []
        self.http_calls: Counter[str] = Counter()
        self.batch_requests = 0  # batch envelopes whose items ran
        self.batch_items = 0  # batch items run (each one charged by Graph)
        self.charged_calls = 0  # what Graph counts against the rate limits
        self.token_in_query = 0  # calls with a credential in the URL (clients should not)

    def add_token(self, record: TokenRecord) -> TokenRecord:
        with self.lock:
            self.tokens[record.token] = record
        return record

    def set_token_status(self, token: str, status: str) -> None:
        if status not in {"valid", "expired", "revoked"}:
            raise ValueError("status must be valid, expired or revoked")
        with self.lock:
            self._token(token).status = status

    def remove_scopes(self, token: str, scopes: list[str]) -> None:
        with self.lock:
            self._token(token).scopes.difference_update(scopes)

    def grant_scopes(self, token: str, scopes: list[str]) -> None:
        with self.lock:
            self._token(token).scopes.update(scopes)

    def set_page_access(self, token: str, allowed: bool) -> None:
        with self.lock:
            self._token(token).page_access = allowed

    def _token(self, token: str) -> TokenRecord:
        try:
            return self.tokens[token]
        except KeyError:
            raise KeyError("no such sandbox token") from None

    def add_fault(self, **spec: Any) -> Fault:
        fault = Fault(**spec)
        with self.lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def take_fault(self, kinds: set[str], method: str, path: str) -> Fault | None:
        """The first matching fault of one of ``kinds``, consumed once."""
        with self.lock:
            for fault in self.faults:
                if fault.kind in kinds and fault.matches(method, path):
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def count_call(self, label: str, *, token_in_query: bool = False,
                   batch_envelope: bool = False) -> None:
        """One HTTP request served; a batch envelope whose items ran is not charged."""
        with self.lock:
            self.http_calls[label] += 1
            self.token_in_query += int(token_in_query)
            if batch_envelope:
                self.batch_requests += 1
            else:
                self.charged_calls += 1

    def count_batch_item(self) -> None:
        """One batch item run: charged like a request of its own, usage climbs now."""
        with self.lock:
            self.batch_items += 1
            self.charged_calls += 1

    def usage(self) -> tuple[float, float]:
        with self.lock:
            step = self.config.usage_step * self.charged_calls
            return (min(100.0, self.config.app_usage + step),
                    min(100.0, self.config.page_usage + step))

    def stats(self) -> dict[str, Any]:
        with self.lock:
            return {"http_calls": sum(self.http_calls.values()),
                    "by_endpoint": dict(self.http_calls),
                    "batch_requests": self.batch_requests, "batch_items": self.batch_items,
                    "charged_calls": self.charged_calls, "token_in_query": self.token_in_query}

    def reset_stats(self) -> None:
        with self.lock:
            self.http_calls.clear()
            self.batch_requests = 0
            self.batch_items = 0
            self.charged_calls = 0
            self.token_in_query = 0
