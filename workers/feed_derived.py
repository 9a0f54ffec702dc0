"""The workers' own feed items, carried through a feed rebuild.

Why: alerts (SLA, complaint waves, close-the-loop drafts, sync stops) and kudos are not
SuiteCRM records, so no read of SuiteCRM brings them back. Before a rebuild swaps its
fresh timelines in, each receives the ones its live timeline holds from the rebuild's
period, through the same publish script (a copy published meanwhile is the same version
and counts once).
"""

from __future__ import annotations

from datetime import datetime

import redis

from workers import feed
from workers import feed_codec as codec
from workers.feed import LIVE, FeedKeys
from workers.feed_items import FeedItem

DERIVED_KINDS = ("alert", "kudos")  # items the workers make: no SuiteCRM record behind them


class CarryClosed(RuntimeError):
    """The rebuild's registration expired while the items were carried over."""


def carry(client: redis.Redis, keys: FeedKeys, since: datetime, user: str | None,
          max_items: int) -> int:
    """Publish into a rebuild's ``keys`` the alerts and kudos the live timelines (or
    ``user``'s) hold from ``since`` on; the items carried, once per rep.

    Each record is published once, to every rep that holds it: a publish names the whole
    audience, and takes the record out of the timelines of holders it does not name."""
    letters = {codec.kind_letter(kind).encode() for kind in DERIVED_KINDS}
    floor = int(since.timestamp())
    users = [user] if user is not None else \
        sorted(_text(u) for u in client.smembers(LIVE.users))
    found: dict[tuple[str, str], tuple[FeedItem, list[str]]] = {}
    for holder in users:
        for element in client.lrange(LIVE.timeline(holder), 0, -1):
            raw = element if isinstance(element, bytes) else element.encode()
            if raw[codec.SORT_KEY_LENGTH:codec.SORT_KEY_LENGTH + 1] not in letters \
                    or int(raw[:10]) < floor:
                continue
            item = codec.item_from_stored(raw[10:codec.SORT_KEY_LENGTH].decode(), raw)
            newest, holders = found.get((item.module, item.record_id), (item, []))
            if item.version > newest.version:
                newest = item
            found[(item.module, item.record_id)] = (newest, [*holders, holder])
    carried = 0
    for item, holders in found.values():
        outcome = feed.publish_to(client, keys, item, holders, max_items=max_items)
        if outcome == "closed":
            raise CarryClosed("the rebuild's registration expired while carrying alerts "
                              "over; the live feed is unchanged")
        carried += len(holders) if outcome == "published" else 0
    return carried


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
