"""Logging in, refreshing and logging out over HTTP against the SuiteCRM sandbox; tokens
that are forged, expired or revoked are refused; nothing secret lies in Redis in clear."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

import pytest
import redis

from tests.mobile.conftest import SECRET_KEY, Api
from workers import rep_sessions
from workers.rep_sessions import SessionStore
from workers.tokens import TokenCipher

SALLY = {"username": "sally", "password": "sally-Passw0rd"}


def log_in(api: Api, body: dict[str, str] = SALLY) -> dict[str, object]:
    answer = api("POST", "/auth/token", json=body)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def bearer(token: object) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_rep_logs_in_with_suitecrm_credentials_and_is_known(api: Api) -> None:
    tokens = log_in(api)
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 3600
    assert tokens["user"] == {"id": "seed_sally_id", "user_name": "sally",
                              "full_name": "Sally Bronsen", "is_admin": False}
    me = api("GET", "/auth/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 200 and me.json()["id"] == "seed_sally_id"


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(api: Api) -> None:
    wrong = api("POST", "/auth/token", json={"username": "sally", "password": "nope"})
    unknown = api("POST", "/auth/token", json={"username": "nobody", "password": "nope"})
    for answer in (wrong, unknown):
        assert answer.status_code == 401
        assert answer.json()["message"] == "wrong user name or password"
        assert "nope" not in answer.text


def test_failed_logins_are_throttled_per_user_without_asking_suitecrm(api: Api) -> None:
    for _ in range(5):
        assert api("POST", "/auth/token",
                   json={"username": "Will", "password": "guess"}).status_code == 401
    refused = api("POST", "/auth/token", json={"username": "will",
                                               "password": "will-Passw0rd"})
    assert refused.status_code == 429, "the right password too: a guesser learns nothing"
    assert 0 < int(refused.headers["Retry-After"]) <= 900
    assert log_in(api)["user"]["id"] == "seed_sally_id", "other users are not slowed"


def test_every_api_route_needs_a_token_and_says_how_to_get_one(api: Api) -> None:
    for headers in ({}, {"Authorization": "Basic c2FsbHk6eA=="}, bearer("forged-token"),
                    bearer("x" * 500)):
        answer = api("GET", "/auth/me", headers=headers)
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
        assert set(answer.json()) >= {"code", "status", "message"}


def test_refresh_rotates_both_tokens(api: Api) -> None:
    first = log_in(api)
    second = api("POST", "/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    renewed = second.json()
    assert renewed["access_token"] != first["access_token"]
    assert api("GET", "/auth/me", headers=bearer(renewed["access_token"])).status_code == 200
    assert api("GET", "/auth/me", headers=bearer(first["access_token"])).status_code == 401
    again = api("POST", "/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert again.status_code == 401, "a refresh token works once"


def test_logout_revokes_the_session_everywhere(api: Api) -> None:
    tokens = log_in(api)
    assert api("DELETE", "/auth/token",
               headers=bearer(tokens["access_token"])).status_code == 204
    assert api("GET", "/auth/me", headers=bearer(tokens["access_token"])).status_code == 401
    assert api("POST", "/auth/refresh",
               json={"refresh_token": tokens["refresh_token"]}).status_code == 401
    store = SessionStore(api.redis, TokenCipher(SECRET_KEY), suitecrm_url=api.suitecrm_url,
                         password_client=rep_sessions.PasswordClient("x", "y"))
    with pytest.raises(rep_sessions.RepSignedOut):
        store.crm_for_user("seed_sally_id")


def test_an_expired_access_token_is_refused(api: Api) -> None:
    tokens = log_in(api)
    for key in api.redis.scan_iter(rep_sessions.ACCESS + "*"):
        api.redis.delete(key)  # what its time to live does after an hour
    assert api("GET", "/auth/me", headers=bearer(tokens["access_token"])).status_code == 401


def test_bad_bodies_get_field_errors(api: Api) -> None:
    answer = api("POST", "/auth/token", json={"username": ""})
    assert answer.status_code == 422
    body = answer.json()
    assert set(body["errors"]["json"]) == {"username", "password"} and body["message"]
    assert api("POST", "/auth/token", data="not json",
               headers={"Content-Type": "application/json"}).status_code in (400, 422)


def test_redis_holds_no_token_in_clear(api: Api) -> None:
    tokens = log_in(api)
    cipher = TokenCipher(SECRET_KEY)
    session_id = next(iter(api.redis.scan_iter(rep_sessions.SESSION + "*"))).decode()
    crm = json.loads(cipher.open(api.redis.hget(session_id, "crm"), "test"))
    secrets = [str(tokens["access_token"]), str(tokens["refresh_token"]), crm["access"],
               crm["refresh"]]
    dump = b"".join(_everything(api.redis))
    for secret in secrets:
        assert secret.encode() not in dump


def _everything(client: redis.Redis) -> list[bytes]:
    out: list[bytes] = []
    for key in client.scan_iter():
        out.append(key)
        kind = client.type(key)
        if kind == b"string":
            out.append(client.get(key) or b"")
        elif kind == b"hash":
            out.extend(v for pair in client.hgetall(key).items() for v in pair)
        elif kind == b"zset":
            out.extend(member for member, _ in client.zrange(key, 0, -1, withscores=True))
    return out


def test_two_processes_renewing_one_rep_s_suitecrm_token_both_keep_working(
        api: Api, redis_url: str) -> None:
    """SuiteCRM cancels the access token a refresh token came with when that refresh
    token is used: two processes renewing at once must end on one live pair."""
    log_in(api)
    first = SessionStore(redis.Redis.from_url(redis_url), TokenCipher(SECRET_KEY),
                         suitecrm_url=api.suitecrm_url, password_client=_mobile())
    (raw,) = list(api.redis.scan_iter(rep_sessions.SESSION + "*"))
    session_id = raw.decode().removeprefix(rep_sessions.SESSION)
    sealed = json.loads(TokenCipher(SECRET_KEY).open(api.redis.hget(raw, "crm"), "test"))
    sealed["expires_at"] = 0  # due for renewal in every process
    api.redis.hset(raw, "crm", TokenCipher(SECRET_KEY).seal(json.dumps(sealed).encode()))
    clients = [first.crm_for_session(session_id),
               SessionStore(redis.Redis.from_url(redis_url), TokenCipher(SECRET_KEY),
                            suitecrm_url=api.suitecrm_url,
                            password_client=_mobile()).crm_for_session(session_id)]
    results: list[object] = []
    start = threading.Barrier(len(clients))

    def use(client: Callable[[], object]) -> None:
        start.wait()
        try:
            results.append(client())
        except Exception as exc:  # the assertion below names it
            results.append(exc)

    threads = [threading.Thread(target=use, args=(c.current_user,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [getattr(r, "user_name", r) for r in results] == ["sally", "sally"]
    tokens = {c.token.access_token for c in clients if c.token}
    assert len(tokens) == 1, "both processes hold the one live token"
    for client in clients:  # and it still works after both renewals
        assert client.current_user().id == "seed_sally_id"


def _mobile() -> rep_sessions.PasswordClient:
    from sandboxes.suitecrm import DEMO_MOBILE_CLIENT
    return rep_sessions.PasswordClient(*DEMO_MOBILE_CLIENT)


def test_clients_made_per_request_share_field_metadata(api: Api, redis_url: str) -> None:
    """A client is made for each request of a rep: the fields of a module are asked once
    per process, not once per request."""
    from connectors.suitecrm import Filter
    from connectors.transport import CallCounter

    log_in(api)
    counter = CallCounter()
    store = SessionStore(redis.Redis.from_url(redis_url), TokenCipher(SECRET_KEY),
                         suitecrm_url=api.suitecrm_url, password_client=_mobile(),
                         client_options={"counter": counter})
    (raw,) = list(api.redis.scan_iter(rep_sessions.SESSION + "*"))
    session_id = raw.decode().removeprefix(rep_sessions.SESSION)
    for _ in range(3):
        store.crm_for_session(session_id).list(
            "Contacts", filter=Filter.where(last_name="Nobody"), page_size=1)
    asked = {endpoint: n for (_, endpoint), n in counter.snapshot().items()
             if "meta" in endpoint}
    assert list(asked.values()) == [1], asked
