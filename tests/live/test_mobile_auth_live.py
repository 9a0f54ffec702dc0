"""The mobile API's login against the real SuiteCRM 7.14: a rep logs in with SuiteCRM
credentials through the API, reads as themselves, and SuiteCRM's refresh rotation holds
when two processes renew the rep's token at once."""

from __future__ import annotations

import json
import threading

import pytest
import redis
import requests

from tests.live.host import LiveSettings
from tests.live.mobile_server import MOBILE_SECRET_KEY
from workers import rep_sessions
from workers.rep_sessions import SessionStore
from workers.tokens import TokenCipher

SECRET_KEY = MOBILE_SECRET_KEY
REP = ("sally", "sally")  # SuiteCRM's demo rep and the password the test instance gives her


@pytest.fixture()
def api(mobile_api: str) -> str:
    return mobile_api


def test_a_rep_logs_in_through_the_api_and_is_herself(api: str) -> None:
    answer = requests.post(f"{api}/auth/token", timeout=30,
                           json={"username": REP[0], "password": REP[1]})
    assert answer.status_code == 200, answer.text
    user = answer.json()["user"]
    assert user["user_name"] == "sally" and user["is_admin"] is False
    wrong = requests.post(f"{api}/auth/token", timeout=30,
                          json={"username": REP[0], "password": "not-her-password"})
    assert wrong.status_code == 401 and "not-her-password" not in wrong.text
    me = requests.get(f"{api}/auth/me", timeout=30,
                      headers={"Authorization": f"Bearer {answer.json()['access_token']}"})
    assert me.json()["id"] == user["id"]


def test_two_processes_renewing_her_token_at_once_both_keep_working(
        api: str, live: LiveSettings, redis_url: str, redis_client: redis.Redis) -> None:
    """SuiteCRM 7.14 revokes the access token a refresh token came with when that refresh
    token is used; renewals from two processes must end on one live pair."""
    answer = requests.post(f"{api}/auth/token", timeout=30,
                           json={"username": REP[0], "password": REP[1]})
    assert answer.status_code == 200, answer.text
    cipher = TokenCipher(SECRET_KEY)
    (key,) = list(redis_client.scan_iter(rep_sessions.SESSION + "*"))
    sealed = json.loads(cipher.open(redis_client.hget(key, "crm"), "test"))
    sealed["expires_at"] = 0  # due for renewal in every process
    redis_client.hset(key, "crm", cipher.seal(json.dumps(sealed).encode()))
    session_id = key.decode().removeprefix(rep_sessions.SESSION)
    client = rep_sessions.PasswordClient(live.password_client_id, live.password_client_secret)
    crms = [SessionStore(redis.Redis.from_url(redis_url), cipher, suitecrm_url=live.url,
                         password_client=client).crm_for_session(session_id)
            for _ in range(2)]
    results: list[object] = []
    start = threading.Barrier(2)

    def use(index: int) -> None:
        start.wait()
        try:
            results.append(crms[index].current_user().user_name)
        except Exception as exc:  # the assertion below names it
            results.append(exc)

    threads = [threading.Thread(target=use, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == ["sally", "sally"]
    assert len({c.token.access_token for c in crms if c.token}) == 1
    for crm in crms:
        assert crm.current_user().user_name == "sally"
