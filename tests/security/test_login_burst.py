"""Login throttling holds under a burst (issue 12, Security): 50 wrong passwords at the
same moment, for one user or from one address, and SuiteCRM is asked no more often than
the limit allows; the right password is refused too while the throttle holds, and
accepted once its window has passed.

``tests/mobile/test_auth.py`` checks the throttle one login after another; a burst is
where a check-then-count throttle lets every concurrent attempt through.
"""

from __future__ import annotations

import threading
from collections import Counter

import requests

from sandboxes.suitecrm import SuiteCRMSandbox
from tests.mobile.conftest import PREFIX, Api
from workers.login_throttle import PREFIX as THROTTLE
from workers.login_throttle import LoginThrottle

BURST = 50
LIMITS = LoginThrottle(client=None)  # type: ignore[arg-type]  # only its limits are read


def burst(api: Api, bodies: list[dict[str, str]]) -> Counter[int]:
    """Every body posted to the login at the same moment, each on its own connection."""
    start = threading.Barrier(len(bodies))
    answers: Counter[int] = Counter()
    lock = threading.Lock()

    def attempt(body: dict[str, str]) -> None:
        with requests.Session() as http:
            start.wait()
            status = http.post(f"{api.url}{PREFIX}/auth/token", json=body,
                               timeout=60).status_code
        with lock:
            answers[status] += 1

    threads = [threading.Thread(target=attempt, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def token_requests(suitecrm: SuiteCRMSandbox) -> int:
    return sum(1 for entry in suitecrm.request_log.entries()
               if entry["method"] == "POST" and entry["path"].endswith("/access_token"))


def window_passes(api: Api) -> None:
    """What the throttle's time to live does after ``window_seconds``: its counts expire
    (cut to a millisecond here instead of waiting 15 minutes)."""
    for key in api.redis.scan_iter(THROTTLE + "*"):
        api.redis.pexpire(key, 1)
    while any(True for _ in api.redis.scan_iter(THROTTLE + "*")):
        pass


def login_status(api: Api, user: str, password: str) -> int:
    return api("POST", "/auth/token", json={"username": user, "password": password}
               ).status_code


def test_a_burst_of_wrong_passwords_for_one_user_reaches_suitecrm_at_most_the_limit(
        api: Api, suitecrm: SuiteCRMSandbox) -> None:
    before = token_requests(suitecrm)
    answers = burst(api, [{"username": "will", "password": f"guess-{n}"}
                          for n in range(BURST)])
    asked = token_requests(suitecrm) - before
    assert set(answers) <= {401, 429} and sum(answers.values()) == BURST, answers
    assert answers[401] <= LIMITS.per_user, f"{answers[401]} guesses were checked: {answers}"
    assert asked <= LIMITS.per_user, f"SuiteCRM was asked {asked} times"
    assert login_status(api, "will", "will-Passw0rd") == 429, "the right one too, for now"
    assert login_status(api, "sally", "sally-Passw0rd") == 200, "other users go on"
    window_passes(api)
    assert login_status(api, "will", "will-Passw0rd") == 200


def test_a_burst_from_one_address_over_many_names_reaches_suitecrm_at_most_the_limit(
        api: Api, suitecrm: SuiteCRMSandbox) -> None:
    before = token_requests(suitecrm)
    answers = burst(api, [{"username": f"guessed-name-{n}", "password": "guess"}
                          for n in range(BURST)])
    asked = token_requests(suitecrm) - before
    assert set(answers) <= {401, 429} and sum(answers.values()) == BURST, answers
    assert answers[401] <= LIMITS.per_address, answers
    assert asked <= LIMITS.per_address, f"SuiteCRM was asked {asked} times"
    assert login_status(api, "sally", "sally-Passw0rd") == 429, "the address is held"
    window_passes(api)
    assert login_status(api, "sally", "sally-Passw0rd") == 200
