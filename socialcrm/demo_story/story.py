"""What every act of the demo story shares: the Page, SuiteCRM, the API, Redis, waiting.

Why a ``Page`` protocol: the acts say what customers do on a Page ("comment on this
post") and only ``socialcrm.demo_scenario`` knows that the Page is the Facebook sandbox
and how a comment reaches the API (the signed webhook Meta would send). The acts stay
free of the sandboxes, as the layering rules want of everything but demo start-up.

Why ``StoryStalled``: the story runs against real processes; a step that does not happen
in time (a worker busy, a job failed) must leave a clear line for the newcomer, not a
traceback, and the acts that need its result are skipped.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

import redis

from connectors.errors import NotFoundError
from connectors.social import SocialComment
from connectors.suitecrm import SuiteCRMClient
from socialcrm.settings import Settings

T = TypeVar("T")
POLL_SECONDS = 0.3


class StoryStalled(RuntimeError):
    """A step did not happen in time, or the system refused it; the message says which,
    in the newcomer's words."""


@dataclass(frozen=True, slots=True)
class Person:
    """Someone who writes on the Page: their network id and name."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Login:
    """A SuiteCRM user's credentials, as a person types them into the app."""

    user_name: str
    password: str


class Page(Protocol):
    """The company's Page, as the story's customers use it."""

    @property
    def page_id(self) -> str: ...

    def publish(self, message: str, *, at: datetime) -> str:
        """The Page posts ``message`` (dated ``at``); the post's id."""
        ...

    def comment(self, post_id: str, person: Person, text: str, *,
                at: datetime | None = None) -> str:
        """``person`` comments (dated ``at``, else now) and the network tells the API;
        the comment's id."""
        ...

    def lead(self, form_id: str, answers: Mapping[str, str]) -> str:
        """Someone fills in a lead form and the network tells the API; the lead's id."""
        ...

    def replies(self, comment_id: str, post_id: str) -> list[SocialComment]:
        """The replies under a comment, read back from the network."""
        ...


@dataclass
class Story:
    """One telling of the story: where the system runs and who plays the company.

    ``rep`` and ``manager`` are the sandbox SuiteCRM's seeded users; None when SuiteCRM is
    a connected one, whose users the story does not know (then only the first act plays).
    """

    page: Page
    settings: Settings
    say: Callable[[str], None]
    rep: Login | None = None
    manager: Login | None = None

    @property
    def api_url(self) -> str:
        return f"http://{self.settings.api_host}:{self.settings.api_port}"

    @property
    def full(self) -> bool:
        """Whether the acts beyond the first can play (the sandbox SuiteCRM's users)."""
        return self.rep is not None and self.manager is not None

    def crm(self) -> SuiteCRMClient:
        """SuiteCRM as the sync's service account sees it."""
        settings = self.settings
        return SuiteCRMClient.service_account(
            settings.suitecrm_base_url, settings.suitecrm_client_id or "",
            settings.suitecrm_client_secret or "", timeout=settings.http_timeout)

    def crm_as(self, login: Login) -> SuiteCRMClient:
        """SuiteCRM as ``login`` sees it (their own session: their ACL, their audit)."""
        settings = self.settings
        return SuiteCRMClient.login(
            settings.suitecrm_base_url, settings.suitecrm_password_client_id or "",
            settings.suitecrm_password_client_secret or "", login.user_name, login.password,
            timeout=settings.http_timeout)

    def redis(self) -> redis.Redis:
        return redis.Redis.from_url(self.settings.redis_url or "", socket_timeout=10)


def wait_for(check: Callable[[], T | None], *, seconds: float, stalled: str) -> T:
    """``check()``'s first answer that is not None, asked every ``POLL_SECONDS``;
    ``StoryStalled(stalled)`` when ``seconds`` pass without one."""
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found is not None:
            return found
        if time.monotonic() >= deadline:
            raise StoryStalled(stalled)
        time.sleep(POLL_SECONDS)


def read(crm: SuiteCRMClient, module: str, record_id: str) -> dict[str, Any] | None:
    """A record's attributes, or None while it does not exist."""
    try:
        return dict(crm.get(module, record_id).attributes)
    except NotFoundError:
        return None
