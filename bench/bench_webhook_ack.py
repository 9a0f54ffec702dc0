"""Webhook acknowledgement latency under concurrent load, beside a bare Flask endpoint

The real API (``socialcrm.wsgi:create()``) runs under gunicorn with the command line
``socialcrm run`` uses (``socialcrm.supervisor``), on an embedded Redis; 16 clients post
signed Facebook comment deliveries (Meta's bytes and ``X-Hub-Signature-256``, each
delivery new) to ``POST /webhooks/facebook``, which checks the signature, parses, stores
the delivery and queues its intake job before answering. Beside it the same gunicorn
command serves a Flask app that only reads the body and answers 200
(``bench.support.bare_app``): the floor set by the server, Flask and loopback. Rounds
alternate between the two so a drift in the machine's load weighs on both alike.
SuiteCRM plays no part: the acknowledgement never waits for it (no worker runs here).
Clients and servers share the machine's CPUs.
"""

from __future__ import annotations

import itertools
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import redis

from bench import Figure
from bench.support.corpus import PAGE_ID, Run, labelled_comments
from bench.support.gunicorn import GunicornServer
from bench.support.load import Load, Request, post_concurrently
from bench.support.redis_count import server_commands
from sandboxes.facebook.sender import build_event, meta_json, signature_headers
from socialcrm.settings import Settings
from workers.queues import queue
from workers.redis_server import EmbeddedRedis, free_port

CLIENTS = 16
PER_CLIENT = 30  # deliveries per client per round
ROUNDS = 4
APP_SECRET = "bench-app-secret"
BARE_APP = "bench.support.bare_app:create()"
PATH = "/webhooks/facebook"


def measured_against() -> str:
    """For BENCHMARKS.md's section line (``bench.__main__``)."""
    return ("the API and a bare Flask app under gunicorn on loopback (the command line of "
            "`socialcrm run`), with an embedded Redis; no SuiteCRM involved")


def run() -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="bench-ack-") as directory, \
            EmbeddedRedis(Path(directory), persistent=False) as store:
        api = GunicornServer(_settings(store.url))
        bare = GunicornServer(_settings(store.url), app=BARE_APP)
        deliveries = _deliveries()
        measured = {"api": Load(), "bare": Load()}
        with api, bare:
            for server in (api, bare):  # connections, imports and Redis pools warmed up
                post_concurrently(server.url + PATH, _take(deliveries, 2 * CLIENTS), CLIENTS)
            store_client = redis.Redis.from_url(store.url)
            commands = server_commands(store_client)
            for number in range(ROUNDS):
                order = (("api", api), ("bare", bare))
                for name, server in order if number % 2 == 0 else reversed(order):
                    batch = _take(deliveries, CLIENTS * PER_CLIENT)
                    measured[name].add(post_concurrently(server.url + PATH, batch, CLIENTS))
            commands = server_commands(store_client) - commands - 1  # one INFO was ours
            queued = queue(store_client, "webhooks").count
        options = api.server_options
    _check(measured, queued)
    return _figures(measured, options, commands / len(measured["api"].latencies))


def _settings(redis_url: str) -> Settings:
    return Settings(redis_url=redis_url, facebook_app_secret=APP_SECRET,
                    facebook_verify_token="bench-verify-token", api_host="127.0.0.1",
                    api_port=free_port(), log_level="WARNING")


def _deliveries() -> Iterator[Request]:
    """An endless supply of new signed deliveries (each a different comment, so none is
    taken for a redelivery)."""
    ids = Run()
    for number, comment in enumerate(itertools.cycle(labelled_comments())):
        person = ids.person(number % 500)
        body = meta_json(build_event(
            "comment", page_id=PAGE_ID, post_id=f"{PAGE_ID}_{ids.tag}{number % 12:03d}",
            comment_id=f"{ids.tag}{number:07d}", text=comment.text,
            sender_id=person.external_id, sender_name=person.name,
            created_time=int(time.time())))
        yield body, {**signature_headers(body, APP_SECRET), "Content-Type": "application/json"}


def _take(supply: Iterator[Request], count: int) -> list[Request]:
    return list(itertools.islice(supply, count))


def _check(measured: dict[str, Load], queued: int) -> None:
    """Every answer a 200, and every delivery to the API really stored and queued."""
    for name, load in measured.items():
        if set(load.statuses) != {200}:
            raise RuntimeError(f"{name}: answers other than 200: {dict(load.statuses)}")
    accepted = len(measured["api"].latencies) + 2 * CLIENTS  # the warm-up was queued too
    if queued != accepted:
        raise RuntimeError(f"{accepted} deliveries accepted, {queued} intake jobs queued")


def _figures(measured: dict[str, Load], options: str, commands: float) -> list[Figure]:
    api, bare = measured["api"], measured["bare"]
    how = (f"{CLIENTS} concurrent clients, keep-alive, {len(api.latencies)} deliveries per "
           f"endpoint in {ROUNDS} alternating rounds; gunicorn {options} (as `socialcrm run`)")
    return [
        Figure("Webhook acknowledgement, POST /webhooks/facebook (signed, stored, queued)",
               _latency(api), "", f"the API under gunicorn on loopback, embedded Redis; {how}"),
        Figure("Bare Flask endpoint answering 200, same gunicorn settings (the floor)",
               _latency(bare), "", f"the same gunicorn command serving "
                                   f"bench.support.bare_app; {how}"),
        Figure("Receiver's own cost over the floor",
               f"p50 +{_ms(api.percentile(0.5) - bare.percentile(0.5))}, p99 "
               f"+{_ms(api.percentile(0.99) - bare.percentile(0.99))}; {commands:.0f} Redis "
               "commands per delivery", "",
               "signature check, parse, store and enqueue in Redis (difference of the rows "
               "above); commands as Redis counted them (INFO commandstats) over the measured "
               "rounds, the bare endpoint using none"),
    ]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _latency(load: Load) -> str:
    return (f"p50 {_ms(load.percentile(0.5))}, p99 {_ms(load.percentile(0.99))} "
            f"({load.rate:.0f} requests/s)")
