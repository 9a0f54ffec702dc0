"""Move a feed kept in the store's first layout into the current one.

The first layout kept, per rep, a sorted set of ids beside a hash of item JSON, a record
index ``recs`` and ``holders``. Every ``socialcrm feed rebuild`` runs this first; with
nothing left in the first layout it only looks (``workers.feed_rebuild``).
"""

from __future__ import annotations

import redis

from workers import feed
from workers import feed_codec as codec
from workers.feed import LIVE

_FIRST_LAYOUT = ("tl:", "items:", "recs:", "log:", "holders", "log-floors")


def upgrade_layout(client: redis.Redis, *, max_items: int = feed.DEFAULT_MAX_ITEMS) -> int:
    """Move a feed kept in the first layout (per rep a sorted set of ids beside a hash of
    item JSON, a record index ``recs``, and ``holders``) into this one, then delete its
    keys; the records moved. Each record goes once to the reps that held it, through the
    live publish script. Its sync tokens are gone (410): apps resync. A rebuild runs it
    first; with nothing left in the first layout it only looks."""
    old = [key for key in client.scan_iter(match=feed.PREFIX + "*", count=500)
           if _text(key).removeprefix(feed.PREFIX).startswith(_FIRST_LAYOUT)]
    moved = 0
    for field_name, entry in client.hgetall(feed.PREFIX + "holders").items():
        users = _text(entry).split(" ")[1:]
        for user in users:
            held = client.hget(f"{feed.PREFIX}recs:{user}", field_name)
            item_id = _text(held).split(" ")[1] if held else ""
            data = client.hget(f"{feed.PREFIX}items:{user}", item_id) if held else None
            if data:
                item = codec.item_from_stored(item_id, data)
                if feed.publish_to(client, LIVE, item, users, max_items=max_items) \
                        == "published":
                    moved += 1
                break
    for start in range(0, len(old), 500):
        client.unlink(*old[start:start + 500])
    return moved


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
