"""A rep's or a manager's session on the mobile API, over HTTP, as their app holds one.

Why plain HTTP and not the API's Python code: the story shows what a phone does (log in,
post an update with an Idempotency-Key, read the feed, approve), so each step is the very
request an app sends, and the answers are read as the app reads them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

import requests

from socialcrm.demo_story.story import Login, StoryStalled, wait_for

API = "/api/v1"


class MobileSession:
    """One logged-in user of the mobile API (``user`` is the API's ``/auth/me`` answer)."""

    def __init__(self, api_url: str, token: str, user: Mapping[str, Any], *,
                 timeout: float) -> None:
        self.base = api_url + API
        self.user = dict(user)
        self.timeout = timeout
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"

    @classmethod
    def login(cls, api_url: str, login: Login, *, timeout: float = 30.0) -> MobileSession:
        answer = requests.post(f"{api_url}{API}/auth/token", timeout=timeout,
                               json={"username": login.user_name, "password": login.password})
        if answer.status_code != 200:
            raise StoryStalled(f"{login.user_name} could not log in to the API "
                               f"({answer.status_code}: {answer.text[:200]})")
        body = answer.json()
        return cls(api_url, body["access_token"], body["user"], timeout=timeout)

    @property
    def user_id(self) -> str:
        return str(self.user["id"])

    @property
    def full_name(self) -> str:
        return str(self.user.get("full_name") or self.user["user_name"])

    @property
    def first_name(self) -> str:
        return self.full_name.split()[0]

    def get(self, path: str, **params: Any) -> Any:
        return self._answer(self.http.get(self.base + path, params=params,
                                          timeout=self.timeout), "GET", path)

    def post(self, path: str, body: Mapping[str, Any] | None = None, *,
             idempotent: bool = False) -> Any:
        """POST ``body``; ``idempotent``: with a fresh Idempotency-Key, as an app sends
        an update (a retry of the same request would reuse it)."""
        headers = {"Idempotency-Key": f"demo-{uuid.uuid4()}"} if idempotent else {}
        return self._answer(self.http.post(self.base + path, json=body, headers=headers,
                                           timeout=self.timeout), "POST", path)

    def wait_update(self, update_id: str, done: Callable[[dict[str, Any]], bool], *,
                    seconds: float, stalled: str) -> dict[str, Any]:
        """The update ``GET /updates/{id}`` shows once ``done`` says so."""
        def state() -> dict[str, Any] | None:
            update: dict[str, Any] = self.get(f"/updates/{update_id}")
            return update if done(update) else None
        return wait_for(state, seconds=seconds, stalled=stalled)

    def _answer(self, answer: requests.Response, method: str, path: str) -> Any:
        if answer.status_code >= 400:
            raise StoryStalled(f"the API refused {method} {API}{path} for "
                               f"{self.user.get('user_name')}: {answer.status_code} "
                               f"{answer.text[:300]}")
        return answer.json() if answer.content else None
