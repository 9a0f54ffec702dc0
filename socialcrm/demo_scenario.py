"""The story ``socialcrm run`` plays on embedded defaults, so a newcomer sees it work.

Customers comment on the sandbox Page in English, Russian and Chinese, one of them
complains and one fills in a lead form (``demo_story.first_contact``). With the sandbox
SuiteCRM, whose seeded rep and manager the story can log in as, three more acts follow:
a complaint wave and the manager's alert (``wave``), a reply held for approval and
approved (``approval``), the complaint's Case closed and the loop closed in public
(``closed_loop``). Each act goes through the real system (signed webhooks, queues,
workers, sync rules, the mobile API over HTTP, SuiteCRM) and prints what came of it as
``demo:`` lines. With a connected SuiteCRM only the first act plays: the story knows
none of its users.

This module is the one part of the story that knows the Page is the Facebook sandbox
(``SandboxPage``): a comment must exist on the Page too (a worker may read it back,
polling must find the same one, a reply is posted under it), exactly as on Facebook.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TypeVar

import requests
from redis.exceptions import RedisError

from connectors.errors import ConnectorError
from connectors.social import SocialComment
from sandboxes.facebook import FacebookSandbox
from sandboxes.facebook.sender import send_facebook_webhook
from sandboxes.suitecrm.seed import DEMO_REPS
from socialcrm import clients
from socialcrm.demo import DemoServices
from socialcrm.demo_story import approval, closed_loop, first_contact, wave
from socialcrm.demo_story.story import Login, Person, Story, StoryStalled
from socialcrm.settings import Settings

DEMO_REP, DEMO_MANAGER = "sally", "sarah"  # the manager is the demo rules file's
T = TypeVar("T")


class SandboxPage:
    """The sandbox Page: what a customer does on it, then the webhook Meta would send.

    Ids are this telling's own (a run tag in every new post's and comment's number): the
    sandbox starts afresh each time while Redis, kept in the data directory, remembers
    which interactions it has counted."""

    def __init__(self, graph: FacebookSandbox, settings: Settings) -> None:
        self.graph = graph
        self.settings = settings
        self.hook = f"http://{settings.api_host}:{settings.api_port}/webhooks/facebook"
        self.run_tag = str(int(time.time()))
        self._numbers = itertools.count(1)

    @property
    def page_id(self) -> str:
        return self.graph.page_id

    def publish(self, message: str, *, at: datetime) -> str:
        node = self.graph.store.add_post(self._number(), message, int(at.timestamp()))
        return str(node["id"])

    def comment(self, post_id: str, person: Person, text: str, *,
                at: datetime | None = None) -> str:
        store = self.graph.store
        with store.lock:
            if person.id not in store.nodes:
                store.add_user(person.id, person.name)
            # Now, and after everything on the Page: Graph lists comments in time order.
            ts = int(at.timestamp()) if at is not None else max(
                int(time.time()), max(n["__ts"] for n in store.nodes.values()) + 1)
            node = store.add_comment(post_id, text, ts, person.id, number=self._number())
        answer = send_facebook_webhook(
            self.hook, self.settings.facebook_app_secret or "", "comment",
            page_id=self.page_id, post_id=post_id, comment_id=node["id"], text=text,
            sender_id=person.id, sender_name=person.name, created_time=ts)
        self._delivered(answer.status_code, answer.text)
        return str(node["id"])

    def lead(self, form_id: str, answers: Mapping[str, str]) -> str:
        node = self.graph.add_lead(form_id, dict(answers), consents={"marketing": True})
        answer = send_facebook_webhook(self.hook, self.settings.facebook_app_secret or "",
                                       "leadgen", page_id=self.page_id,
                                       leadgen_id=node["id"], form_id=form_id)
        self._delivered(answer.status_code, answer.text)
        return str(node["id"])

    def replies(self, comment_id: str, post_id: str) -> list[SocialComment]:
        """Read back over Graph, with the Page's token, as the workers read."""
        page = clients.facebook(self.settings, access_token=self.graph.page_token,
                                base_url=self.graph.url)
        return list(page.iter_replies(comment_id, post_id))

    def _number(self) -> str:
        return f"{self.run_tag}{next(self._numbers):03d}"

    def _delivered(self, status: int, text: str) -> None:
        if status != 200:
            raise StoryStalled(f"the API refused the webhook ({status}: {text[:200]})")


def play(services: DemoServices, settings: Settings, say: Callable[[str], None]) -> None:
    """Play the story to the running API, then report what SuiteCRM holds (the sandbox's,
    or the real one when ``SUITECRM_URL`` names it)."""
    if services.facebook is None:
        return  # Facebook is the real one: no story is played on a real Page
    story = Story(SandboxPage(services.facebook, settings), settings, say)
    if services.suitecrm_url is not None:  # the sandbox SuiteCRM: its seeded users
        story.rep, story.manager = _login(DEMO_REP), _login(DEMO_MANAGER)
    _tell(story)
    say(f"demo: look in SuiteCRM at {settings.suitecrm_base_url} (Social Interactions, "
        "Cases, Leads), or `socialcrm jobs list` for the queues")


def _tell(story: Story) -> None:
    """The acts in order; an act that stalls is reported and skips those needing it.
    The wave's history goes first: the detector drops complaints dated long before the
    latest it has counted."""
    recall_post = _act(story, lambda: wave.prepare(story)) if story.full else None
    complaint = _act(story, lambda: first_contact.play(story))
    if not story.full:
        story.say("demo: the wave, approval and closed-loop acts need the sandbox "
                  "SuiteCRM's demo users: not played on a connected SuiteCRM")
        return
    if recall_post is not None:
        _act(story, lambda: wave.burst(story, recall_post))
    if complaint is None:
        story.say("demo: the complaint has no Case in SuiteCRM yet: no approval, no "
                  "closed loop")
        return
    _act(story, lambda: approval.play(story, complaint))
    _act(story, lambda: closed_loop.play(story, complaint))


def _act(story: Story, act: Callable[[], T]) -> T | None:
    """Run one act; a stall or an outside service failing is a line, never the end of
    ``socialcrm run`` (the system keeps running for the newcomer to look at)."""
    try:
        return act()
    except StoryStalled as exc:
        story.say(f"demo: {exc}")
    except (ConnectorError, RedisError, requests.RequestException) as exc:
        story.say(f"demo: the story stopped on {type(exc).__name__}: {exc}")
    return None


def _login(user_name: str) -> Login:
    (password,) = [password for name, password, _ in DEMO_REPS if name == user_name]
    return Login(user_name, password)


__all__ = ["SandboxPage", "play"]
