"""The frame every poll shares: one account at a time, stream by stream, commit then move.

A poll of an account reads its streams one after the other (``comments``, ``messages``,
``leads``...). For each: load the watermark, read what changed since it (minus the
overlap, or since the date a repair asked for), apply every item through the sync rules,
and only then move the watermark, compare-and-set, to the instant the read began. A stream
that fails leaves its watermark where it was and stops the poll (the job is retried); the
streams before it keep their progress. A stream the token may not read (a scope or role
missing) is logged as an error, reported in the result (``PollResult.unread``) and
skipped, so one missing scope does not stop the others; the poll job then fails with the
reason once the other streams are committed, so the gap is never silent.

One poll per account at a time: a Redis lock named after the account (``PollBusy`` for the
second). The compare-and-set of the watermarks keeps even a poll that outlived its lock
from moving a watermark backwards.

A token the network refuses (expired, revoked, invalid) stops the whole poll with the
watermarks where they were; ``refusals`` tells the admin and the managers, keeps the dead
token from being sent again, and clears all that once a poll reads with a new token.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import redis
from redis.exceptions import LockError

from connectors.errors import AuthenticationError, PermissionDeniedError
from connectors.facebook import FacebookClient
from connectors.linkedin import LinkedInClient
from connectors.suitecrm import SuiteCRMClient
from plugin.sync.items import SocialItem
from plugin.sync.steps import SyncSteps
from workers import watermarks
from workers.polling import refusals
from workers.polling.applying import Applier, Rules
from workers.polling.result import PollBusy, Progress, Tally
from workers.watermarks import DEFAULT_OVERLAP, StreamKey, Watermark

log = logging.getLogger(__name__)

LOCK_PREFIX = "socialcrm:poll:lock:"
MISSING_PERMISSION = "missing_permission"  # AuthenticationError.reason of a lost scope
DEFAULT_LOCK_SECONDS = 3600


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class PollOptions:
    """How a poll reads. ``since``: read from this time whatever the watermarks say (a
    repair or a first backfill); ``streams``: the streams to read (None: all);
    ``rules``: the sync rules beyond the interaction (the runtime's ``sync_steps``);
    ``managers``: who hears of a refused token (see ``refusals``)."""

    since: datetime | None = None
    overlap: timedelta = DEFAULT_OVERLAP
    streams: tuple[str, ...] | None = None
    rules: Rules = ()  # the runtime's ``sync_steps`` option, as ingest applies it
    progress: Progress | None = None
    lock_seconds: int = DEFAULT_LOCK_SECONDS
    clock: Callable[[], datetime] = field(default=utc_now)
    # Who is told when the network refuses the token (None: the rules' [team] managers).
    managers: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.since is not None and self.since.utcoffset() is None:
            raise ValueError("since must be a timezone-aware datetime")
        if self.overlap < timedelta(0):
            raise ValueError("the overlap cannot be negative")


@dataclass(slots=True)
class StreamRead:
    """What one stream's read found, and the memory to store when it is committed."""

    items: list[SocialItem] = field(default_factory=list)
    remember: dict[str, str] = field(default_factory=dict)
    forget: list[str] = field(default_factory=list)
    cursor: dict[str, Any] | None = None  # None: keep the stored cursor


@dataclass(frozen=True, slots=True)
class Window:
    """One stream's read: where it starts, what the watermark said, when it began."""

    mark: Watermark
    start: datetime | None  # None: from the beginning
    observed_at: datetime  # the instant the read began: the next watermark
    overlap: timedelta
    repair: bool  # read from a requested date: the poll's memory is not trusted

    @property
    def next_start(self) -> datetime:
        """Where the next poll's read will start (what "recent" is measured from)."""
        return self.observed_at - self.overlap


Reader = Callable[[Window], StreamRead]


class CallCount:
    """HTTP calls made from now on by the clients of one poll, by service.

    Read from the clients' own counters, so calls made meanwhile by other users of the same
    client (another job in a threaded worker) would be counted too; polls run one per
    process in RQ's default worker. ``facebook_charged`` counts every batch item as Graph
    does for its rate limits. A sync step that calls a network with a client of its own
    (the lead step reading a submission through the runtime) is not counted here.
    """

    def __init__(self, crm: SuiteCRMClient, *, facebook: FacebookClient | None = None,
                 linkedin: LinkedInClient | None = None) -> None:
        self._crm = crm
        self._facebook = facebook
        self._linkedin = linkedin
        self._start = self._now()

    def _now(self) -> dict[str, int]:
        counts = {"suitecrm": self._crm.transport.counter.total()}
        if self._facebook is not None:
            counts["facebook"] = self._facebook.counter.total("facebook")
            counts["facebook_charged"] = self._facebook.charged_calls()
        if self._linkedin is not None:
            counts["linkedin"] = self._linkedin.counter.total("linkedin")
        return counts

    def since_start(self) -> dict[str, int]:
        now = self._now()
        return {service: now[service] - self._start[service] for service in now}


@contextmanager
def account_lock(client: redis.Redis, network: str, account_id: str,
                 seconds: int = DEFAULT_LOCK_SECONDS) -> Iterator[None]:
    """Hold the account's poll lock, or raise ``PollBusy`` at once."""
    lock = client.lock(f"{LOCK_PREFIX}{network}:{account_id}", timeout=seconds,
                       blocking=False)
    if not lock.acquire(blocking=False):
        raise PollBusy(f"{network} {account_id} is being polled by another worker")
    try:
        yield
    finally:
        try:
            lock.release()
        except LockError:  # it expired while we worked: nothing of ours left to release
            log.warning("poll lock of %s %s expired before the poll ended", network,
                        account_id)


class Poll:
    """One account's poll: runs its streams and tallies what they did.

    ``credential`` fingerprints the token the network client holds
    (``refusals.fingerprint``; None when the client cannot tell it): a token the network
    refused before is not sent again, and a refusal is told (see ``refusals``).
    """

    def __init__(self, client: redis.Redis, crm: SuiteCRMClient, network: str,
                 account_id: str, options: PollOptions, *,
                 credential: str | None = None) -> None:
        self.redis = client
        self.network = network
        self.account_id = account_id
        self.options = options
        self.credential = credential
        self.tally = Tally()
        self.applier = Applier(client, crm, self.tally, rules=options.rules,
                               memo_for=3 * max(options.overlap, timedelta(minutes=10)),
                               progress=options.progress)

    def stream(self, name: str) -> StreamKey:
        return StreamKey(self.network, self.account_id, name)

    def run(self, readers: Mapping[str, Reader]) -> None:
        wanted = self.options.streams
        unknown = set(wanted or ()) - set(readers)
        if unknown:
            raise ValueError(f"{self.network} has no stream {', '.join(sorted(unknown))}; "
                             f"streams: {', '.join(readers)}")
        refusals.check(self.redis, self.network, self.account_id, self.credential)
        try:
            for name, read in readers.items():
                if wanted is None or name in wanted:
                    self.run_stream(name, read)
        except AuthenticationError as exc:
            if exc.service == self.network and exc.reason != MISSING_PERMISSION:
                refusals.record(self.redis, self.network, self.account_id, self.credential,
                                exc, self.managers(), utc_now())
            raise
        refusals.clear(self.redis, self.network, self.account_id, self.managers(), utc_now())

    def managers(self) -> tuple[str, ...]:
        """Who is told when the token is refused: the options' managers, else the site's
        ``[team] managers``."""
        if self.options.managers is not None:
            return self.options.managers
        rules = self.options.rules
        return rules.rules.managers if isinstance(rules, SyncSteps) else ()

    def run_stream(self, name: str, read: Reader) -> None:
        stream = self.stream(name)
        mark = watermarks.load(self.redis, stream)
        since = self.options.since
        window = Window(mark=mark, start=since or mark.read_from(self.options.overlap),
                        observed_at=self.options.clock(), overlap=self.options.overlap,
                        repair=since is not None)
        try:
            found = read(window)
        except (AuthenticationError, PermissionDeniedError) as exc:
            if isinstance(exc, AuthenticationError) and exc.reason != MISSING_PERMISSION:
                raise  # an expired or revoked token reads nothing: the whole poll stops
            log.error("%s %s: %s not read: %s", self.network, self.account_id, name, exc)
            self.tally.not_read(name, exc.message)
            return
        self.applier.apply(found.items)  # raises on failure: the watermark stays
        outcome = watermarks.advance(self.redis, mark, window.observed_at,
                                     cursor=found.cursor, remember=found.remember,
                                     forget=found.forget)
        if outcome != "moved":
            log.info("%s %s %s: watermark not moved (%s)", self.network, self.account_id,
                     name, outcome)
        self.tally.moved(name, outcome)

    def memory(self, name: str) -> dict[str, str]:
        return watermarks.memory(self.redis, self.stream(name))
