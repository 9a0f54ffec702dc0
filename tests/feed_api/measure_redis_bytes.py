"""Redis bytes per feed item, change log included (a measurement, not a test).

    python -m tests.feed_api.measure_redis_bytes [--reps 20] [--items 700] [--compact]

Fills the timelines of ``--reps`` reps with ``--items`` realistic items each (bounded at
500: the oldest are trimmed, as in production), on a private Redis server, and prints
Redis' own memory figure divided by the items the timelines hold, then what the feed's
keys hold (``MEMORY USAGE``) per item, in all and by kind of key. ``--compact`` first
raises the small-encoding thresholds (``hash/zset-max-ziplist-entries 512``,
``hash-max-ziplist-value 1024``): what a deployment would gain by saying so in its
redis.conf (next to nothing since the store keeps each timeline as a list).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import redis

from workers import feed, feed_changes
from workers.feed_items import FeedItem, version_of
from workers.redis_server import EmbeddedRedis

KINDS = (("interaction", "SCRM_SocialInteractions"), ("case", "Cases"), ("call", "Calls"),
         ("note", "Notes"), ("opportunity", "Opportunities"), ("task", "Tasks"))
TITLES = ("Где мой заказ? 😡", "客户投诉：包裹还没到", "Follow-up on the renewal",
          "Great service, thanks! 👍🏽", "Call back about pricing")
SUMMARIES = ("Жду уже неделю, и никто не отвечает на мои сообщения.",
             "The parcel never arrived and nobody answers my messages.",
             "Asked about the Q3 renewal and a discount for 50 seats.", "")


def realistic(rng: random.Random, at: datetime) -> FeedItem:
    kind, module = rng.choice(KINDS)
    social = kind == "interaction"
    related = tuple(f"{m}:{uuid.uuid4()}" for m in rng.sample(("Accounts", "Contacts"),
                                                              rng.choice((1, 1, 2))))
    return FeedItem(kind=kind, module=module, record_id=str(uuid.uuid4()),  # type: ignore[arg-type]
                    version=version_of(at), title=rng.choice(TITLES), occurred_at=at,
                    summary=rng.choice(SUMMARIES), actor="Li Wei",
                    network="facebook" if social else None,
                    sentiment=rng.choice(("negative", "positive")) if social else None,
                    status="new", related=related)


def measure(reps: int, per_rep: int, compact: bool, binary: str | None) -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as data, \
            EmbeddedRedis(Path(data), persistent=False, binary=binary) as server:
        client = redis.Redis.from_url(server.url)
        if compact:
            for name, value in (("hash-max-ziplist-entries", 512),
                                ("hash-max-ziplist-value", 1024),
                                ("zset-max-ziplist-entries", 512)):
                client.config_set(name, value)
        before = int(client.info("memory")["used_memory"])
        start = datetime(2026, 11, 1, tzinfo=UTC)
        users = [f"rep{n}" for n in range(reps)]
        for user in users:
            feed_changes.current_token(client, user)  # as an app that syncs would
            for n in range(per_rep):
                feed.publish(client, realistic(rng, start + timedelta(minutes=n)), [user])
        used = int(client.info("memory")["used_memory"]) - before
        held = sum(int(client.llen(feed.LIVE.timeline(u))) for u in users)
        shares: Counter[str] = Counter()
        for key in client.scan_iter(match=feed.PREFIX + "*"):
            kind = key.decode().removeprefix(feed.PREFIX).split(":")[0]
            shares[kind] += int(client.memory_usage(key, samples=0) or 0)
        version = client.info("server")["redis_version"]
        print(f"redis {version}, compact encodings: {compact}; {reps} reps, {held} items "
              f"held, change logs {sum(client.llen(feed.LIVE.changes(u)) for u in users)} "
              f"entries")
        in_keys = sum(shares.values())
        print(f"used_memory per item: {used / held:.0f} bytes; in the feed's keys: "
              f"{in_keys / held:.0f} (the rest does not grow with the items: compiled "
              f"scripts, Redis 7's latency histogram per command)")
        for kind, size in shares.most_common():
            if size >= held / 2:
                print(f"  {kind:12} {size / held:7.0f} bytes per item")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--items", type=int, default=700)
    parser.add_argument("--compact", action="store_true")
    parser.add_argument("--redis-server", default=None, help="the redis-server binary")
    options = parser.parse_args()
    measure(options.reps, options.items, options.compact, options.redis_server)


if __name__ == "__main__":
    main()
