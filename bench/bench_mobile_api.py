"""Mobile API: the feed page under load and beside V8, its bytes, quick updates, Redis per item

Measured in one run against the real SuiteCRM when ``SUITECRM_URL`` (with the other
``SUITECRM_*`` settings) names one with the SocialCRM package, else against the SuiteCRM
sandbox; every figure that involves SuiteCRM says which. The API runs under gunicorn
with the command line of ``socialcrm run`` (``socialcrm.supervisor``), the workers as
``socialcrm worker`` processes, both on an embedded Redis.

1. **The feed's data.** ``sally`` gets 10 new records of each of Calls, Meetings, Tasks,
   Notes and Social Interactions in SuiteCRM; the five V8 lists a phone would read
   instead of the feed are read as her; their records become her feed's newest 50
   items, and older realistic items fill her timeline to its bound
   (``bench.support.rep_feed``). The page the API serves must hold exactly those items.
2. **Bytes** of that page (raw, gzip, br) beside the five V8 answers' (``feed_vs_v8``).
3. **One phone:** feed pages and five-list V8 reads in alternating rounds (``feed_vs_v8``).
4. **Load:** concurrent clients read the page, beside a bare Flask app serving the same
   bytes from memory under the same gunicorn command (``bare_feed_app``), in alternating
   rounds, without and with compression; the API processes' memory meanwhile.
5. **Quick updates:** 50 phones post at once, workers write as each rep, phones poll
   (``quick_updates``).
6. **Redis bytes per feed item** on a Redis of its own (``feed_memory``).

Records created in a real SuiteCRM are deleted through V8 at the end.
"""

from __future__ import annotations

import itertools
import secrets
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import redis

from bench import Figure
from bench.support.corpus import labelled_comments
from bench.support.feed_corpus import ItemMaker
from bench.support.feed_memory import measure_feed_memory
from bench.support.feed_vs_v8 import (
    FEED_PAGE,
    feed_sizes,
    page_ids,
    single_client,
    v8_sizes,
)
from bench.support.get_load import Connection, get_for
from bench.support.mobile_figures import Measured, figures
from bench.support.mobile_stack import ApiServer, PeakMemory, WorkerPool, stack_settings
from bench.support.mobile_target import MobileTarget, mobile_target
from bench.support.quick_updates import Session, UpdateTiming, log_in, post_all
from bench.support.rep_feed import (
    PAGE_ITEMS,
    V8Read,
    create_activity,
    fill_timeline,
    items_of,
    v8_reads,
)
from bench.support.target import Cleanup, configured_label
from connectors.suitecrm import SuiteCRMClient
from workers.feed_items import FeedItem, reference
from workers.redis_server import EmbeddedRedis, free_port

CLIENTS = 16
ROUND_SECONDS = 4.0
LOAD_ROUNDS = 3  # per endpoint, without compression; one fewer with it
PHONE_ROUNDS, PHONE_PAGES, PHONE_V8_READS = 6, 50, 6
UPDATE_SESSIONS, UPDATE_WAVES, WARM_UP_SESSIONS = 50, 2, 4
REDIS_TEAMS, REDIS_TEAM_SIZE = 2, 5
COMPRESSED = {"Accept-Encoding": "br, gzip"}
IDENTITY = {"Accept-Encoding": "identity"}


def measured_against() -> str:
    """For BENCHMARKS.md's section line (``bench.__main__``)."""
    return (f"{configured_label()}; the API and the workers as `socialcrm run` starts them, "
            "on an embedded Redis")


def run() -> list[Figure]:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-mobile-") as directory, \
            EmbeddedRedis(Path(directory), persistent=False) as store, \
            mobile_target() as target:
        cleanup = Cleanup(target.crm)
        try:
            measured = _measure(target, store.url, Path(directory), cleanup, started)
        finally:
            deleted = cleanup.run()
            if target.crm.live:
                _say(started, f"deleted {deleted} records created in {target.crm.url}")
    _say(started, "Redis bytes per feed item")
    measured.redis = [measure_feed_memory(teams=REDIS_TEAMS, team_size=REDIS_TEAM_SIZE,
                                          extra=100)]
    _say(started, "done")
    return figures(measured)


def _say(started: float, what: str) -> None:
    print(f"  {time.monotonic() - started:5.0f} s  {what}", file=sys.stderr)


@dataclass(frozen=True, slots=True)
class RepView:
    """The feed rep's SuiteCRM session for the V8 reads, and the page's items."""

    crm: Connection
    headers: dict[str, str]
    reads: tuple[V8Read, ...]
    items: tuple[FeedItem, ...]
    client: SuiteCRMClient


def _feed_data(target: MobileTarget, redis_url: str, cleanup: Cleanup,
               measured: Measured, tag: str) -> RepView:
    """The rep's new activity in SuiteCRM, read back through V8 as the rep, in the
    rep's full timeline (see the module docstring)."""
    rep = target.feed_rep
    create_activity(target.crm.client(), rep.user_id, itertools.cycle(labelled_comments()),
                    cleanup, tag)
    client = SuiteCRMClient.login(target.crm.url, *target.crm.password_client,
                                  rep.user_name, rep.password, timeout=30.0)
    if client.token is None:
        raise RuntimeError(f"{rep.user_name} has no SuiteCRM token after logging in")
    crm, headers = Connection(target.crm.url), {
        "Authorization": f"Bearer {client.token.access_token}"}
    reads = v8_reads(rep.user_id)
    measured.v8_sizes, bodies = v8_sizes(crm, headers, reads)
    items = [item for read in reads for item in items_of(read, bodies[read.module])]
    if len(items) != PAGE_ITEMS:
        raise RuntimeError(f"the five V8 lists hold {len(items)} records, not {PAGE_ITEMS}")
    view = RepView(crm, headers, reads, tuple(items), client)
    store = redis.Redis.from_url(redis_url)
    try:
        measured.timeline_items = fill_timeline(store, rep.user_id, view.items, ItemMaker())
    finally:
        store.close()
    return view


def _measure(target: MobileTarget, redis_url: str, directory: Path, cleanup: Cleanup,
             started: float) -> Measured:
    settings = stack_settings(target.crm, redis_url)
    tag = secrets.token_hex(4)
    measured = Measured(against=target.crm.label, reps_label=target.reps_label,
                        clients=CLIENTS, round_seconds=ROUND_SECONDS)
    _say(started, f"{target.feed_rep.user_name}'s activity in SuiteCRM and in the feed")
    view = _feed_data(target, redis_url, cleanup, measured, tag)
    api = ApiServer(settings)
    with api:
        measured.server_options = api.server_options
        (session,) = log_in(api.url, [target.feed_rep], 1)
        connection = Connection(api.url)
        measured.feed_sizes, page = feed_sizes(connection, session.headers)
        _check_page(page, {reference(item.module, item.record_id) for item in view.items})
        bare = ApiServer(replace(settings, api_port=free_port()), app=_bare_app(
            directory, connection, session.headers, page))
        with bare:
            _say(started, "one phone: feed pages beside the five V8 lists")
            measured.latencies = single_client(
                connection, {**session.headers, **IDENTITY}, view.crm, view.headers,
                view.reads, rounds=PHONE_ROUNDS, pages=PHONE_PAGES, v8_samples=PHONE_V8_READS)
            _say(started, "the feed page under load beside the bare endpoint")
            _load(measured, api, bare.url, session.headers, len(page))
        connection.close()
        view.crm.close()
        view.client.logout()
        _say(started, f"quick updates from {UPDATE_SESSIONS} phones")
        with WorkerPool(settings) as workers:
            _updates(measured, target, api.url, cleanup, tag, workers)
    return measured


def _check_page(page: bytes, expected: set[str]) -> None:
    """The page holds exactly the items made from the V8 answers."""
    shown = page_ids(page)
    if set(shown) != expected or len(shown) != len(expected):
        raise RuntimeError(f"the feed page shows {len(set(shown) & expected)} of the "
                           f"{len(expected)} items read from V8 (of {len(shown)})")


def _bare_app(directory: Path, api: Connection, headers: dict[str, str],
              page: bytes) -> str:
    """The bare app's gunicorn spec, serving the page and its compressed forms as the
    API sent them."""
    path = directory / "page.json"
    path.write_bytes(page)
    for encoding, suffix in (("br", ".br"), ("gzip", ".gz")):
        answer = api.get(FEED_PAGE, {**headers, "Accept-Encoding": encoding})
        if answer.status == 200 and answer.encoding == encoding:
            path.with_suffix(suffix).write_bytes(answer.body)
    return f"bench.support.bare_feed_app:create({str(path)!r})"


def _load(measured: Measured, api: ApiServer, bare_url: str, headers: dict[str, str],
          size: int) -> None:
    """Alternating time-boxed rounds; every answer a 200 of the page's size."""
    variants = [("api", "bare", IDENTITY, LOAD_ROUNDS),
                ("api-br", "bare-br", COMPRESSED, LOAD_ROUNDS - 1)]
    for url in (api.url, bare_url):  # connections, imports and pools warmed up
        get_for(url, FEED_PAGE, {**headers, **IDENTITY}, clients=CLIENTS, seconds=1.0)
    with PeakMemory(api) as peak:
        for api_name, bare_name, encoding, rounds in variants:
            for number in range(rounds):
                order = [(api_name, api.url), (bare_name, bare_url)]
                for name, url in order if number % 2 == 0 else reversed(order):
                    load, sizes = get_for(url, FEED_PAGE, {**headers, **encoding},
                                          clients=CLIENTS, seconds=ROUND_SECONDS)
                    if set(load.statuses) != {200}:
                        raise RuntimeError(f"{name}: answers other than 200: "
                                           f"{dict(load.statuses)}")
                    if encoding == IDENTITY and sizes != {size}:
                        raise RuntimeError(f"{name}: bodies of {sorted(sizes)} bytes, "
                                           f"not the page's {size}")
                    measured.rounds.setdefault(name, []).append(load)
    measured.memory_total, measured.memory_processes = peak.total, peak.processes
    measured.memory_largest = peak.largest


def _updates(measured: Measured, target: MobileTarget, api_url: str, cleanup: Cleanup,
             tag: str, workers: WorkerPool) -> None:
    """A warm-up wave, then ``UPDATE_WAVES`` waves of every session posting at once;
    every update must end applied (its record is deleted at the end on a real SuiteCRM)."""
    accounts = {}
    service = target.crm.client()
    for rep in target.reps:
        account = service.create("Accounts", {"name": f"Bench updates {tag} {rep.user_name}",
                                              "assigned_user_id": rep.user_id})
        cleanup.add("Accounts", account.id)
        accounts[rep.user_id] = account.id
    sessions = log_in(api_url, target.reps, UPDATE_SESSIONS, accounts)
    texts = itertools.cycle(labelled_comments(seed=13))
    waves = itertools.count()

    def wave(group: list[Session]) -> list[UpdateTiming]:
        number = next(waves)
        done = post_all(api_url, group, texts, lambda index: f"bench-{tag}-{number}-{index}",
                        workers.check_alive)
        for update in done:
            if update.status != "applied":
                raise RuntimeError(f"an update ended {update.status}: {update.reason}")
            cleanup.add(update.module, update.record_id)
        return done

    wave(sessions[:WARM_UP_SESSIONS])  # every worker's imports, clients and metadata
    for _ in range(UPDATE_WAVES):
        measured.updates += wave(sessions)
    measured.update_sessions, measured.workers = len(sessions), workers.count
