"""Redis memory per feed item, with every timeline at its bound and records shared.

Why a Redis of its own: ``INFO memory``'s ``used_memory`` before and after is the whole
cost of the feed (keys, their encodings, Redis' own bookkeeping per key), which only a
server holding nothing else shows. The timelines are filled through the store's API
(``workers.feed.publish``, the Lua scripts production runs), as production fills them:
reps work in teams, and a record (a Case, a call, a comment on the team's Page) reaches
the timelines of one to three reps of its team; every rep's app has taken a sync token
(``workers.feed_changes.current_token``), so every timeline keeps its change log. More
items than the bound arrive, so the oldest are trimmed, as in production.

Reported: ``used_memory`` growth divided by the items the timelines hold, and Redis' own
``MEMORY USAGE`` of every feed key summed by kind of key (item hash, timeline, record
index, change log) over the same items. Redis runs with its default settings, as the
embedded Redis of ``socialcrm run`` does (``workers.redis_server``).
"""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import redis

from bench.support.feed_corpus import ItemMaker
from workers import feed, feed_changes
from workers.redis_server import EmbeddedRedis


@dataclass(frozen=True, slots=True)
class FeedMemory:
    """Bytes per item held, overall and by kind of key."""

    redis_version: str
    reps: int
    team_size: int
    items_held: int
    published: int
    used_memory: int
    by_key: dict[str, int]

    @property
    def per_item(self) -> float:
        return self.used_memory / self.items_held

    def key_share(self, kind: str) -> float:
        return self.by_key.get(kind, 0) / self.items_held


def held_items(client: redis.Redis, user_id: str) -> int:
    """The items ``user_id``'s timeline holds, whichever Redis type the store keeps it in
    (a sorted set, or a list in a later layout)."""
    key = feed.LIVE.timeline(user_id)
    kind = client.type(key)
    kind = kind.decode() if isinstance(kind, bytes) else str(kind)
    if kind == "none":
        return 0
    length = {"zset": client.zcard, "list": client.llen, "hash": client.hlen}[kind]
    return int(length(key))


def measure_feed_memory(*, teams: int, team_size: int, extra: int,
                        seed: int = 5) -> FeedMemory:
    """Fill ``teams * team_size`` timelines until each got ``extra`` items past the bound."""
    maker = ItemMaker(seed=seed)
    with tempfile.TemporaryDirectory(prefix="bench-feed-memory-") as directory, \
            EmbeddedRedis(Path(directory), persistent=False) as server:
        client = redis.Redis.from_url(server.url)
        before = int(client.info("memory")["used_memory"])
        users = [[f"team{t}-rep{r}" for r in range(team_size)] for t in range(teams)]
        everyone = [user for team in users for user in team]
        for user in everyone:
            feed_changes.current_token(client, user)
        received: Counter[str] = Counter()
        wanted = feed.DEFAULT_MAX_ITEMS + extra
        at = datetime(2026, 11, 1, tzinfo=UTC)
        published = 0
        while min(received[user] for user in everyone) < wanted:
            team = users[published % teams]
            audience = maker.rng.sample(team, maker.rng.choice((1, 1, 2, 2, 3)))
            at += timedelta(seconds=maker.rng.randrange(20, 400))
            feed.publish(client, maker.item(at), audience)
            received.update(audience)
            published += 1
        used = int(client.info("memory")["used_memory"]) - before
        held = sum(held_items(client, user) for user in everyone)
        by_key: Counter[str] = Counter()
        for key in client.scan_iter(match=feed.PREFIX + "*", count=1000):
            kind = key.decode().removeprefix(feed.PREFIX).split(":")[0]
            by_key[kind] += int(client.memory_usage(key, samples=0) or 0)
        version = str(client.info("server")["redis_version"])
        client.close()
    return FeedMemory(redis_version=version, reps=len(everyone), team_size=team_size,
                      items_held=held,
                      published=published, used_memory=used, by_key=dict(by_key))
