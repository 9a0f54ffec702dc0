"""Tokens at rest: encrypted in a real Redis, refused under a wrong key, rotated, and
refreshed by exactly one of several processes that need it at once."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
import redis

from connectors.linkedin import LinkedInClient, LinkedInConfig
from connectors.linkedin.oauth import LinkedInOAuth
from sandboxes.linkedin import CLIENT_ID, CLIENT_SECRET, ORGANIZATION_URN, LinkedInSandbox
from tests.ops.conftest import ROOT
from tests.ops.linkedin_oauth import OAuthHost
from workers.tokens import (
    LOCK_PREFIX,
    CannotRefresh,
    NetworkToken,
    TokenCipher,
    TokenKeyError,
    TokenStore,
    token_key,
)

KEY = "a-long-passphrase-for-the-tests-0123456789"
OTHER_KEY = "another-long-passphrase-for-tests-9876543210"
ACCESS = "EAAG-page-token-Zf7q2LmN0pXw9vB3"
REFRESH = "LI-REFRESH-kS8d7f6g5h4j3k2l1"


def sample(**changes: object) -> NetworkToken:
    values: dict[str, object] = {
        "network": "linkedin", "account_id": ORGANIZATION_URN, "access_token": ACCESS,
        "refresh_token": REFRESH, "expires_at": datetime(2027, 1, 31, 12, 0, tzinfo=UTC),
        "refresh_expires_at": datetime(2027, 11, 30, 8, 30, tzinfo=UTC),
        "scopes": ("r_organization_social", "rw_organization_admin"),
        "connected_by": "ирина@хост-例え", "connected_at": datetime(2026, 12, 1, tzinfo=UTC)}
    values.update(changes)
    return NetworkToken(**values)  # type: ignore[arg-type]


def raw_bytes(client: redis.Redis) -> bytes:
    """Everything Redis holds, as bytes (keys, fields and values)."""
    found = b""
    for key in client.scan_iter():
        found += key + b"".join(k + v for k, v in client.hgetall(key).items())
    return found


def test_round_trip_is_encrypted_at_rest(redis_client):
    store = TokenStore(redis_client, TokenCipher(KEY))
    store.save(sample())
    stored = raw_bytes(redis_client)
    assert ACCESS.encode() not in stored and REFRESH.encode() not in stored
    assert store.load("linkedin", ORGANIZATION_URN) == sample()


def test_a_wrong_key_is_a_clear_error_never_garbage(redis_client):
    TokenStore(redis_client, TokenCipher(KEY)).save(sample())
    with pytest.raises(TokenKeyError) as refused:
        TokenStore(redis_client, TokenCipher(OTHER_KEY)).load("linkedin", ORGANIZATION_URN)
    message = str(refused.value)
    assert "SOCIALCRM_SECRET_KEY" in message and ORGANIZATION_URN in message
    assert ACCESS not in message


def test_rotation_reseals_every_token_under_the_new_key(redis_client):
    TokenStore(redis_client, TokenCipher(KEY)).save(sample())
    TokenStore(redis_client, TokenCipher(KEY)).save(
        sample(network="facebook", account_id="104200000000001", refresh_token=None,
               refresh_expires_at=None))
    rotating = TokenStore(redis_client, TokenCipher(OTHER_KEY, (KEY,)))
    assert rotating.reseal_all() == 2
    new_only = TokenStore(redis_client, TokenCipher(OTHER_KEY))
    assert new_only.load("linkedin", ORGANIZATION_URN) == sample()
    with pytest.raises(TokenKeyError):
        TokenStore(redis_client, TokenCipher(KEY)).load("facebook", "104200000000001")


def test_a_token_moved_to_another_connection_is_refused(redis_client):
    store = TokenStore(redis_client, TokenCipher(KEY))
    store.save(sample())
    store.save(sample(account_id="urn:li:organization:42"))
    sealed = redis_client.hget(token_key("linkedin", ORGANIZATION_URN), "sealed")
    redis_client.hset(token_key("linkedin", "urn:li:organization:42"), "sealed", sealed)
    with pytest.raises(TokenKeyError, match="another connection"):
        store.load("linkedin", "urn:li:organization:42")


def test_a_stale_token_without_refresh_token_asks_for_a_reconnect(redis_client):
    store = TokenStore(redis_client, TokenCipher(KEY))
    store.save(sample(refresh_token=None, expires_at=datetime.now(UTC) - timedelta(hours=1)))
    with pytest.raises(CannotRefresh, match="socialcrm connect linkedin"):
        store.fresh("linkedin", ORGANIZATION_URN, lambda _: pytest.fail("no refresh"))


def connected(oauth: OAuthHost, store: TokenStore, *, expires_in: timedelta) -> NetworkToken:
    """An organization connected with a sandbox-valid token that expires in ``expires_in``."""
    token = sample(access_token="LI-ACCESS-original-" + "x" * 12,
                   refresh_token=oauth.issue_refresh_token(),
                   expires_at=datetime.now(UTC) + expires_in)
    oauth.register_access_token(token.access_token)
    store.save(token)
    return token


def organization_client(linkedin: LinkedInSandbox, token: str) -> LinkedInClient:
    return LinkedInClient(LinkedInConfig(version="202610", base_url=linkedin.url),
                          access_token=token)


def test_a_token_refused_by_linkedin_is_refreshed_even_before_its_date(
        redis_client, linkedin, oauth):
    store = TokenStore(redis_client, TokenCipher(KEY))
    old = connected(oauth, store, expires_in=timedelta(days=30))
    client = LinkedInOAuth(CLIENT_ID, CLIENT_SECRET, base_url=oauth.url)
    assert store.fresh("linkedin", ORGANIZATION_URN, client.refresh) == old  # not stale
    renewed = store.fresh("linkedin", ORGANIZATION_URN, client.refresh,
                          rejected=old.access_token)
    assert renewed.access_token != old.access_token and oauth.refresh_calls == 1
    assert store.load("linkedin", ORGANIZATION_URN) == renewed
    organization_client(linkedin, renewed.access_token).follower_statistics(ORGANIZATION_URN)


def test_two_processes_needing_a_refresh_at_once_make_one_refresh_call(
        redis_client, redis_url, linkedin, oauth):
    store = TokenStore(redis_client, TokenCipher(KEY))
    old = connected(oauth, store, expires_in=timedelta(minutes=1))  # inside the margin
    # Hold the refresh lock so both processes find the token stale and queue up on it.
    held = redis_client.lock(LOCK_PREFIX + f"linkedin:{ORGANIZATION_URN}", timeout=60)
    assert held.acquire()
    processes = [subprocess.Popen(
        [sys.executable, "-m", "tests.ops.refresh_process", redis_url, oauth.url,
         ORGANIZATION_URN], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        for process in processes:
            assert process.stdin is not None and process.stdout is not None
            process.stdin.write(KEY + "\n")
            process.stdin.close()
            assert process.stdout.readline().strip() == "ready"
        time.sleep(0.5)  # let both reach the lock; correctness does not depend on it
        held.release()
        results = []
        for process in processes:
            assert process.stdout is not None and process.stderr is not None
            out, err = process.stdout.read(), process.stderr.read()
            assert process.wait(timeout=60) == 0, err
            results.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    assert oauth.refresh_calls == 1
    assert sorted(r["refreshed"] for r in results) == [0, 1]
    new_token = results[0]["token"]
    assert new_token == results[1]["token"] != old.access_token
    assert store.load("linkedin", ORGANIZATION_URN).access_token == new_token
    organization_client(linkedin, new_token).follower_statistics(ORGANIZATION_URN)
