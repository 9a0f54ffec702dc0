"""The feed's JSON answers, assembled from the stored items, and their ETags.

Why not dump them through the schemas: a page is what a rep's phone asks for most. The
store keeps items in a compact positional form (``workers.feed_codec``), which
``api_item`` turns into the API's JSON item by item; a marshmallow dump of fifty items on
top would cost more than the rest of the request. The schemas in
``mobile_api.feed.schemas`` describe these bytes for the OpenAPI document; the tests check
the answers against it.

Why a cache of served items: an element is immutable (a new version of a record is a new
element), and the API's item is a pure function of it, so each process keeps the items it
served last (:data:`ITEM_CACHE` of them, about 1 KB each with the key: a few MB). Phones
read the same newest items again and again (pull to refresh, a teammate's shared items),
and a hit costs a dictionary lookup instead of a decode and an encode (about 40 µs each,
2 ms a page).

Why weak ETags: a page's ETag is a hash of its body (its items and next cursor), so the
same page compressed by gzip or brotli is the same representation; a weak tag stays valid
across encodings (a compressor would suffix a strong one per encoding).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable

from flask import Response, request

from workers.feed import StoredPage
from workers.feed_changes import Delta
from workers.feed_codec import api_item
from workers.feed_items import reference

JSON = "application/json"
ITEM_CACHE = 4096  # items per process


def page_body(page: StoredPage) -> bytes:
    return (b'{"items":[' + _items(page.entries) + b'],"next_cursor":'
            + json.dumps(page.next_cursor).encode() + b"}")


def changes_body(delta: Delta) -> bytes:
    tombstones = [{"id": reference(t.module, t.record_id), "reason": t.reason}
                  for t in delta.tombstones]
    return (b'{"items":[' + _items(delta.items) + b'],"tombstones":'
            + json.dumps(tombstones, ensure_ascii=False, separators=(",", ":")).encode()
            + b',"next_token":' + json.dumps(delta.next_token).encode()
            + b',"more":' + (b"true" if delta.more else b"false") + b"}")


def etag(body: bytes) -> str:
    """The tag of an answer's body."""
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def conditional(body: bytes, tag: str | None = None, *, encoding: str | None = None,
                encoded: Callable[[str], bytes] | None = None) -> Response:
    """200 with the body and its ETag (``tag``: the body's :func:`etag`, known already),
    or 304 without a body when the request's ``If-None-Match`` names that ETag already
    (weak comparison, as RFC 9110 asks). ``encoding``: send the body compressed so, its
    bytes from ``encoded(encoding)``, asked only for a 200 (the same weak tag names
    them)."""
    tag = tag or etag(body)
    if request.if_none_match.contains_weak(tag):
        answer = Response(status=304)
    elif encoding is not None and encoded is not None:
        answer = Response(encoded(encoding), status=200, mimetype=JSON)
        answer.headers["Content-Encoding"] = encoding
        answer.vary.add("Accept-Encoding")
    else:
        answer = Response(body, status=200, mimetype=JSON)
    answer.set_etag(tag, weak=True)
    answer.headers["Cache-Control"] = "private, no-cache"  # per rep; revalidate each time
    return answer


def uncached(body: bytes) -> Response:
    answer = Response(body, status=200, mimetype=JSON)
    answer.headers["Cache-Control"] = "no-store"
    return answer


def _items(entries: Iterable[tuple[bytes, bytes]]) -> bytes:
    return b",".join(_served(data) for _item_id, data in entries)


@functools.lru_cache(maxsize=ITEM_CACHE)
def _served(data: bytes) -> bytes:
    return api_item(data)
