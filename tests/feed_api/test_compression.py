"""Compressed answers: a client that accepts gzip or brotli gets the same JSON, smaller,
with the same ETag; a small answer is sent as it is."""

from __future__ import annotations

import gzip
from datetime import timedelta

import brotli  # type: ignore[import-untyped]

from mobile_api.feed.compression import MIN_SIZE
from tests.feed_api.conftest import NOON, SALLY, item, publish


def test_a_page_comes_gzipped_or_brotli_and_decodes_to_the_same_json(compressed_api, login):
    api = compressed_api
    for n in range(30):
        publish(api.redis, item("interaction", at=NOON + timedelta(minutes=n),
                                title=f"Где мой заказ? 😡 #{n}", summary="包裹还没到 " * 8,
                                network="facebook"), SALLY)
    headers = login("sally")
    plain = api("GET", "/feed", headers={**headers, "Accept-Encoding": "identity"},
                params={"limit": 30})
    assert "Content-Encoding" not in plain.headers and len(plain.content) > MIN_SIZE
    for encoding in ("gzip", "br"):
        answer = api("GET", "/feed", headers={**headers, "Accept-Encoding": encoding},
                     params={"limit": 30}, stream=True)
        wire = answer.raw.read(decode_content=False)
        assert answer.headers["Content-Encoding"] == encoding
        assert "Accept-Encoding" in answer.headers["Vary"]
        assert len(wire) * 3 < len(plain.content)
        assert answer.headers["ETag"] == plain.headers["ETag"]
        decoded = api("GET", "/feed", headers={**headers, "Accept-Encoding": encoding},
                      params={"limit": 30})  # decoded by the client library
        assert decoded.headers["Content-Encoding"] == encoding
        assert decoded.content == plain.content
        if encoding == "gzip":
            assert gzip.decompress(wire) == plain.content
        unchanged = api("GET", "/feed", params={"limit": 30}, headers={
            **headers, "Accept-Encoding": encoding, "If-None-Match": plain.headers["ETag"]})
        assert unchanged.status_code == 304 and unchanged.content == b""
    both = api("GET", "/feed", headers={**headers, "Accept-Encoding": "gzip, br"},
               params={"limit": 30})
    assert both.headers["Content-Encoding"] == "br" and both.json() == plain.json()


def test_an_answer_under_the_minimum_size_is_not_compressed(compressed_api, login):
    publish(compressed_api.redis, item(), SALLY)
    answer = compressed_api("GET", "/feed", headers={**login("sally"),
                                                     "Accept-Encoding": "gzip"})
    assert answer.status_code == 200 and len(answer.content) < MIN_SIZE
    assert "Content-Encoding" not in answer.headers


def test_a_page_from_memory_is_sent_compressed_as_the_client_asks(compressed_api, login):
    """Pages kept in memory keep their compressed forms too (``mobile_api.feed.pages``):
    the same bytes each time, decoding to the page, in the encoding the client prefers."""
    api = compressed_api
    for n in range(30):
        publish(api.redis, item("call", at=NOON + timedelta(minutes=n), title=f"Звонок {n}",
                                summary="客户投诉：包裹还没到 😡 " * 4), SALLY)
    headers = login("sally")
    plain = api("GET", "/feed", headers={**headers, "Accept-Encoding": "identity"},
                params={"limit": 30}).content

    def wire(accepted: str) -> tuple[str, bytes]:
        answer = api("GET", "/feed", headers={**headers, "Accept-Encoding": accepted},
                     params={"limit": 30}, stream=True)
        return answer.headers.get("Content-Encoding", ""), answer.raw.read(decode_content=False)

    first, again = wire("br, gzip"), wire("br, gzip")
    assert first == again and first[0] == "br"
    assert brotli.decompress(first[1]) == plain
    encoding, body = wire("br;q=0, gzip")
    assert encoding == "gzip" and gzip.decompress(body) == plain
    assert wire("gzip;q=0.5, br;q=0.4")[0] == "gzip"
    assert wire("identity") == ("", plain)
