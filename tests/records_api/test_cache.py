"""The per-rep cache: a rep never gets another rep's cached answer, answers stay fresh for
a short while, the rep's own writes invalidate them, and values are stored compactly."""

from __future__ import annotations

import json
import zlib
from typing import Any, cast

import pytest
import redis

from connectors.suitecrm import SuiteCRMClient
from tests.mobile.conftest import Api
from tests.records_api.helpers import MAX, SALLY, WILL, ids, named, ok, person, search_all
from workers import record_cache
from workers.record_cache import RecordCache, Tag, invalidate


def cached_entries(client: redis.Redis, user_id: str) -> dict[str, bytes]:
    pattern = f"{record_cache.PREFIX}{user_id}:*"
    return {key.decode(): cast("bytes", client.get(key) or b"")
            for key in client.scan_iter(pattern)}


def test_an_answer_cached_for_one_rep_is_never_given_to_another(
        api: Api, crm: SuiteCRMClient, sally_headers: dict[str, str],
        max_headers: dict[str, str], tag: str) -> None:
    contact = person(crm, "Contacts", SALLY, tag)
    assert ok(api("GET", f"/records/contacts/{contact}", headers=sally_headers))["id"] == contact
    assert ids(search_all(api, "contacts", sally_headers, q=tag)) == [contact]
    assert cached_entries(api.redis, SALLY), "sally's answers are cached"
    # the same requests by max: SuiteCRM is asked with his token, and hides the record
    assert api("GET", f"/records/contacts/{contact}", headers=max_headers).status_code == 404
    assert search_all(api, "contacts", max_headers, q=tag) == []
    assert api("GET", f"/cards/contacts/{contact}", headers=max_headers).status_code == 404
    sallys_keys = set(cached_entries(api.redis, SALLY))
    assert not sallys_keys & set(cached_entries(api.redis, MAX))


def test_answers_are_cached_briefly_and_the_reps_own_write_invalidates_them(
        api: Api, crm: SuiteCRMClient, sally_headers: dict[str, str],
        will_headers: dict[str, str], tag: str) -> None:
    account = named(crm, "Accounts", SALLY, f"{tag} Outdoor", industry="Retail")
    path = f"/records/accounts/{account}"
    assert ok(api("GET", path, headers=sally_headers))["industry"] == "Retail"
    assert ok(api("GET", path, headers=will_headers))["industry"] == "Retail"
    crm.update("Accounts", account, {"industry": "Energy"})  # someone else, elsewhere
    assert ok(api("GET", path, headers=sally_headers))["industry"] == "Retail", "cached"
    for key in cached_entries(api.redis, SALLY):
        assert 0 < api.redis.ttl(key) <= record_cache.DEFAULT_TTL_SECONDS
    invalidate(api.redis, SALLY, "Accounts", account)  # sally's own update landed
    assert ok(api("GET", path, headers=sally_headers))["industry"] == "Energy"
    assert ok(api("GET", path, headers=will_headers))["industry"] == "Retail", \
        "will's cache is his: sally's write does not touch it"


def test_a_write_drops_the_reps_cached_searches_of_that_module(
        api: Api, crm: SuiteCRMClient, sally_headers: dict[str, str], tag: str) -> None:
    first = person(crm, "Contacts", SALLY, tag)
    deal = named(crm, "Opportunities", SALLY, f"{tag} deal", sales_stage="Prospecting")
    assert ids(search_all(api, "contacts", sally_headers, q=tag)) == [first]
    assert ids(search_all(api, "opportunities", sally_headers, q=tag)) == [deal]
    second = person(crm, "Contacts", SALLY, tag + "b")
    crm.update("Opportunities", deal, {"sales_stage": "Closed Won"})
    assert ids(search_all(api, "contacts", sally_headers, q=tag)) == [first], "cached"
    invalidate(api.redis, SALLY, "Contacts", second)  # e.g. she created it from the app
    assert set(ids(search_all(api, "contacts", sally_headers, q=tag))) == {first, second}
    stage = search_all(api, "opportunities", sally_headers, q=tag)[0]["sales_stage"]
    assert stage == "Prospecting", "another module's lists stay cached"


def test_values_are_stored_compactly(api: Api, crm: SuiteCRMClient,
                                     sally_headers: dict[str, str], tag: str) -> None:
    for n in range(20):
        person(crm, "Contacts", SALLY, f"{tag}{n:02d}", description="x" * 50)
    answer = api("GET", "/records/contacts", params={"q": tag, "limit": 20},
                 headers=sally_headers)
    (stored,) = cached_entries(api.redis, SALLY).values()
    assert stored[:1] == b"z" and len(stored) < len(answer.content) / 2
    entry = json.loads(zlib.decompress(stored[1:]))
    assert entry["d"] == answer.json()


class Counter:
    def __init__(self, value: Any) -> None:
        self.calls = 0
        self.value = value

    def __call__(self) -> Any:
        self.calls += 1
        return self.value


def test_an_entry_read_while_the_rep_writes_is_stored_out_of_date(
        redis_client: redis.Redis) -> None:
    """The write lands between the cache's look-up and its store: the next answer must
    read SuiteCRM again, not serve what was read before the write."""
    cache = RecordCache(redis_client, SALLY)
    tags = [Tag("Contacts", "c1")]

    def read_while_written() -> dict[str, str]:
        invalidate(redis_client, SALLY, "Contacts", "c1")
        return {"name": "before the write"}

    assert cache.answer(("detail", "c1"), tags, read_while_written) == {
        "name": "before the write"}
    fresh = Counter({"name": "after the write"})
    assert cache.answer(("detail", "c1"), tags, fresh) == {"name": "after the write"}
    assert cache.answer(("detail", "c1"), tags, fresh) == {"name": "after the write"}
    assert fresh.calls == 1, "then it is cached again"


def test_tags_name_what_an_answer_shows(redis_client: redis.Redis) -> None:
    cache = RecordCache(redis_client, SALLY)
    record_tags = [Tag("Contacts", "c1"), Tag("Accounts")]
    detail = Counter({"id": "c1"})
    for _ in range(2):
        cache.answer(("detail", "c1"), record_tags, detail)
    invalidate(redis_client, SALLY, "Contacts", "c2")  # another contact: not this one
    cache.answer(("detail", "c1"), record_tags, detail)
    assert detail.calls == 1
    invalidate(redis_client, SALLY, "Accounts", "a9")  # any account: its name is shown
    cache.answer(("detail", "c1"), record_tags, detail)
    invalidate(redis_client, WILL, "Contacts", "c1")  # another rep's write
    cache.answer(("detail", "c1"), record_tags, detail)
    assert detail.calls == 2


def test_a_failed_read_is_not_cached_and_garbage_is_read_again(
        redis_client: redis.Redis) -> None:
    cache = RecordCache(redis_client, SALLY)

    def failing() -> Any:
        raise LookupError("SuiteCRM said no")

    with pytest.raises(LookupError):
        cache.answer(("x",), [], failing)
    assert not cached_entries(redis_client, SALLY)
    redis_client.set(cache.key(("x",)), b"z-not-zlib")
    assert cache.answer(("x",), [], Counter([1, "é"])) == [1, "é"]
    with pytest.raises(ValueError, match="user_id"):
        RecordCache(redis_client, "")
