"""Everything the LinkedIn sandbox knows: its data, its tokens, its modes, its request log.

One ``SandboxState`` per sandbox, guarded by one lock: handlers run on the threads of
werkzeug's threaded server, and the tests change modes (throttling, paging, deletions)
while a client is reading. Comments are also indexed by URN, because replies are
looked up by their parent's URN on every thread read and a scan of every thread per
request made large sandboxes slow.
"""

from __future__ import annotations

import calendar
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
    """Answer the next ``calls`` API requests (after ``after`` pass) with ``status``.

    ``applied``: the request is carried out first and only its answer is lost, as when
    LinkedIn fails after writing: a comment created this way exists although the client
    saw a 5xx.
    """

    calls: int = 0
    after: int = 0
    status: int = 503
    applied: bool = False


# How a created comment is answered: ``full`` (201 with the comment, its id also in
# ``x-restli-id``), or an empty 201 naming it only in ``x-restli-id``: ``id`` (the bare
# comment id), ``urn`` (the full comment URN) or ``encoded-urn`` (the URN percent-encoded).
COMMENT_ANSWERS = frozenset({"full", "id", "urn", "encoded-urn"})


def months_before(moment: datetime, months: int) -> datetime:
    """The same wall time ``months`` calendar months earlier, the day clamped to the
    month's end (the sandbox's own arithmetic, not the client's)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return moment.replace(year=year, month=month + 1, day=min(moment.day, last_day))


def version_floor(now: datetime, months: int = 12) -> str:
    """``YYYYMM`` of the month ``months`` before ``now``: LinkedIn serves a monthly
    version for about a year, so older ones are refused as retired."""
    return f"{months_before(now, months):%Y%m}"


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
    min_version: str | None = None  # None: 12 months before the clock
    max_version: str | None = None  # None: the clock's month
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
    comment_answer: str = "full"
    next_id: int = 9_000_000
    lock: threading.RLock = field(default_factory=threading.RLock)
    _comments_by_urn: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.tokens.setdefault(SANDBOX_TOKEN, Token())
        self.tokens.setdefault(EXPIRED_TOKEN, Token(state="expired"))
        self.tokens.setdefault(REVOKED_TOKEN, Token(state="revoked"))
        self.tokens.setdefault(NO_LEADS_TOKEN, Token(scopes=ALL_SCOPES - {READ_LEADS}))

    def versions(self) -> tuple[str, str]:
        """(oldest, newest) ``YYYYMM`` served now."""
        now = self.clock()
        return self.min_version or version_floor(now), self.max_version or f"{now:%Y%m}"

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

    def add_comment(self, thread_key: str, comment: dict[str, Any]) -> None:
        """Append ``comment`` to the thread of a post or of a parent comment."""
        with self.lock:
            self.comments.setdefault(thread_key, []).append(comment)
            self._comments_by_urn[comment["commentUrn"]] = comment

    def comment(self, urn: str) -> dict[str, Any] | None:
        found = self._comments_by_urn.get(urn)
        return None if found is None or urn in self.deleted else found

    def visible(self, items: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
        return [item for item in items if item.get(key) not in self.deleted]
