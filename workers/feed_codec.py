"""How a feed item is kept in Redis, and how the mobile API serves it without re-encoding.

Why a stored form apart from ``FeedItem.to_json``: every byte is kept once per rep per
item, so what can be derived is left out: the item ``id`` (it is the field name in the
rep's item hash, and derived from module, record and version) and the SuiteCRM ``ref``
(derived from module and record). Everything else keeps the names and order of
``FeedItem.to_dict``, which is also the item the API answers: the API puts the id back in
front of the stored bytes (:func:`api_item`) and sends them as they are, so a page of the
feed is served without decoding or encoding one item.

Items written before this form (with ``id`` and ``ref`` inside) still decode and serve.
"""

from __future__ import annotations

import json
from typing import Any

from workers.feed_items import FeedItem

DERIVED = ("id", "ref")


def stored_json(item: FeedItem) -> str:
    """The compact UTF-8 JSON kept in the rep's item hash (see the module docstring)."""
    data = {name: value for name, value in item.to_dict().items() if name not in DERIVED}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def item_from_stored(item_id: str, data: bytes | str) -> FeedItem:
    """The item stored under ``item_id``; ``ValueError`` when the two do not agree."""
    parsed: Any = json.loads(data)
    if not isinstance(parsed, dict):
        raise ValueError("a stored feed item is a JSON object")
    return FeedItem.from_json(json.dumps({**parsed, "id": item_id}))


def api_item(item_id: bytes, data: bytes) -> bytes:
    """The item as the API answers it: the stored JSON with its ``id`` in front."""
    if data.startswith(b'{"id":'):  # written before the compact form: already complete
        return data
    return b'{"id":"' + item_id + b'",' + data[1:]
