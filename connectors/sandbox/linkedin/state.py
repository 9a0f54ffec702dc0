"""Everything the LinkedIn sandbox knows: its data, its tokens, its modes, its request log.

One ``SandboxState`` per sandbox, guarded by one lock: handlers run on the threads of
werkzeug's threaded server, and the tests change modes (throttling, paging, deletions)
while a client is reading.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

READ_SOCIAL = "r_organization_social"
WRITE_SOCIAL = "w_organization_social"
READ_LEADS = "r_marketing_leadgen_automation"
READ_ADMIN = "rw_organization_admin"
ALL_SCOPES = frozenset({READ_SOCIAL, WRITE_SOCIAL, READ_LEADS, READ_ADMIN})

SANDBOX_TOKEN = "sandbox-linkedin-token"
EXPIRED_TOKEN = "sandbox-linkedin-expired-token"
REVOKED_TOKEN = "sandbox-linkedin-revoked-token"
NO_LEADS_TOKEN = "sandbox-linkedin-token-without-lead-scope"
CLIENT_ID = "sandbox-linkedin-client"
CLIENT_SECRET = "sandbox-linkedin-client-secret"

THROTTLE_MESSAGE = "Resource level throttle limit for calls to this resource is reached."
DAILY_THROTTLE_MESSAGE = (
    "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.")


@dataclass
class Token:
    state: str = "valid"  # valid | expired | revoked
    scopes: frozenset[str] = ALL_SCOPES
    organizations: frozenset[str] | None = None  # None: admin of every seeded organization


@dataclass
class Throttle:
    """Answer the next ``calls`` API requests (after letting ``after`` pass) with 429."""

    calls: int = 0
    after: int = 0
    message: str = THROTTLE_MESSAGE
    retry_after: str | None = None  # LinkedIn usually sends none
    path_prefix: str = "/rest/"


@dataclass
class Outage:
    """Answer the next ``calls`` API requests (after ``after`` pass) with ``status``."""

    calls: int = 0
    after: int = 0
    status: int = 503


@dataclass
class Paging:
    """How collections are served.

    ``irregular``: windows contain slots LinkedIn filters out (hidden items), so pages
    come back short or empty while a ``next`` link is still sent. ``total``: ``exact``,
    ``omit``, ``low`` (half the truth), ``high`` (double plus ten) or ``random``.
    ``page_cap`` silently serves at most that many per page (echoed in ``paging.count``);
    ``max_count`` answers 400 to a larger ``count``.
    """

    irregular: bool = False
    total: str = "exact"
    page_cap: int | None = None
    max_count: int | None = None
    hidden_ratio: float = 0.35


@dataclass
class SandboxState:
    organization: str
    organization_name: str
    client_secret: str
    min_version: str
    max_version: str
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    rng_seed: int = 0
    posts: list[dict[str, Any]] = field(default_factory=list)
    comments: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    reactions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    lead_forms: list[dict[str, Any]] = field(default_factory=list)
    lead_responses: list[dict[str, Any]] = field(default_factory=list)
    follower_lifetime: dict[str, Any] = field(default_factory=dict)
    follower_daily: list[dict[str, Any]] = field(default_factory=list)
    notifications: list[dict[str, Any]] = field(default_factory=list)
    deleted: set[str] = field(default_factory=set)
    tokens: dict[str, Token] = field(default_factory=dict)
    throttle: Throttle = field(default_factory=Throttle)
    outage: Outage = field(default_factory=Outage)
    paging: Paging = field(default_factory=Paging)
    requests: list[dict[str, Any]] = field(default_factory=list)
    inbox: list[dict[str, Any]] = field(default_factory=list)
    next_id: int = 9_000_000
    lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self) -> None:
        self.tokens.setdefault(SANDBOX_TOKEN, Token())
        self.tokens.setdefault(EXPIRED_TOKEN, Token(state="expired"))
        self.tokens.setdefault(REVOKED_TOKEN, Token(state="revoked"))
        self.tokens.setdefault(NO_LEADS_TOKEN, Token(scopes=ALL_SCOPES - {READ_LEADS}))

    def now_ms(self) -> int:
        return int(self.clock().timestamp() * 1000)

    def new_id(self) -> int:
        with self.lock:
            self.next_id += 1
            return self.next_id

    def post(self, urn: str) -> dict[str, Any] | None:
        """The post behind a share, ugcPost or activity URN (``None`` if unknown/deleted)."""
        number = urn.rsplit(":", 1)[-1]
        for post in self.posts:
            if post["id"] == urn or post["id"].rsplit(":", 1)[-1] == number:
                return None if post["id"] in self.deleted else post
        return None

    def comment(self, urn: str) -> dict[str, Any] | None:
        for thread in self.comments.values():
            for comment in thread:
                if comment["commentUrn"] == urn:
                    return None if urn in self.deleted else comment
        return None

    def visible(self, items: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
        return [item for item in items if item.get(key) not in self.deleted]
