"""The items a storm is made of: each a short life of events, with what SuiteCRM must hold.

A Facebook comment is written on the sandbox Page first (``add_visitor_comment``: a worker
or a later poll reading the Page must find it, as on Facebook), then announced; its edits
change the Page's text, its delete removes it. A lead is filled in on the Page's form
before its ``leadgen`` event is sent (the worker reads the answers back from Graph).
LinkedIn comments, Messenger messages and reactions are announced only (nothing reads
them back).

What SuiteCRM must hold is worked out here, from the events alone and never from the
product's code: an item's text is that of its newest version that carries text, it is
deleted when a delete was announced (deletes are an item's last event), and a reaction
is no interaction at all.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

from reliability.webhook_events import (
    Event,
    Kind,
    Network,
    Verb,
    facebook_comment,
    facebook_lead,
    facebook_message,
    facebook_reaction,
    linkedin_comment,
    linkedin_like,
)
from sandboxes.facebook.server import FacebookSandbox
from sandboxes.linkedin.seed import ORGANIZATION_URN, POST_BASE

ItemType = Literal["fb_comment", "li_comment", "message", "reaction", "lead"]
PHRASES = (
    "Love the new tent 😍 «O'Brien» said \"perfect\"",
    "Отличная палатка, спасибо! Очень довольна 👍",
    "质量很好，物流也快，非常满意！👍",
    "Ça marche très bien & vite ✨ — merci",
    "My tent arrived broken and nobody answers. I want a refund! 😡",
    "👨‍👩‍👧 family trip 🇳🇴 next week, any tips?",
    "Two lines:\nfirst ☕ then second 🏕️",
)
NAMES = ("Emily Carter", "Ольга Смирнова", "王芳", "Mark Jensen", "Zoë O'Neil",
         "Иван Петров", "李雷", "Ana Lúcia")
FORM_ID = "7001"  # the sandbox Page's lead form


@dataclass(frozen=True, slots=True)
class Expected:
    """What SuiteCRM must hold for one item: one interaction of ``kind``, its body
    ``text`` byte for byte (None: not compared, a lead's body is the product's summary
    of the answers), marked deleted or not."""

    network: Network
    external_id: str
    kind: Kind
    text: str | None
    deleted: bool


def expected_of(events: list[Event]) -> Expected:
    """The final state of one item from all its events, whatever order they came in."""
    first = events[0]
    with_text = [event for event in events if event.text is not None]
    newest = max(with_text, key=lambda event: event.order) if with_text else None
    return Expected(first.network, first.external_id, first.kind,
                    None if first.kind == "lead_form" or newest is None else newest.text,
                    any(event.verb == "remove" for event in events))


class ItemMaker:
    """Makes items one after another on a clock of one second per item."""

    def __init__(self, graph: FacebookSandbox, run: str, rng: random.Random,
                 start: int) -> None:
        self.graph = graph
        self.run = run
        self.rng = rng
        self.clock = start
        self.count = 0
        self.page_id = graph.page_id
        posts = sorted(n["id"] for n in graph.store.nodes.values() if n["__type"] == "post")
        self.posts = posts[:6]
        self.li_post = f"urn:li:share:{POST_BASE + 1}"
        self.notification = rng.randrange(10**12, 2 * 10**12)
        self.fb_comments: list[tuple[str, str]] = []  # (comment id, post id), top level
        self.leads: dict[str, dict[str, str]] = {}  # leadgen id -> the answers
        self.reacted_posts: set[str] = set()

    def make(self, kind: ItemType) -> list[Event]:
        self.count += 1
        self.clock += 1
        return {"fb_comment": self._fb_comment, "li_comment": self._li_comment,
                "message": self._message, "reaction": self._reaction,
                "lead": self._lead}[kind]()

    def _text(self, version: int) -> str:
        return f"{self.rng.choice(PHRASES)} #{self.run}.{self.count}.{version}"

    def _person(self) -> tuple[str, str]:
        number = self.rng.randrange(60)
        return (f"1009{int(self.run[:6], 16) % 10**6:06d}{number:03d}",
                f"{NAMES[number % len(NAMES)]} {number}")

    def _life(self) -> list[Verb]:
        """add, then 0-2 edits, then sometimes a delete."""
        edits = self.rng.choices((0, 1, 2), weights=(60, 28, 12))[0]
        verbs: list[Verb] = ["add"]
        verbs += ["edit"] * edits
        if self.rng.random() < 0.14:
            verbs.append("remove")
        return verbs

    def _fb_comment(self) -> list[Event]:
        author = self._person()
        reply_to = (self.rng.choice(self.fb_comments)
                    if self.fb_comments and self.rng.random() < 0.2 else None)
        post = reply_to[1] if reply_to else self.rng.choice(self.posts)
        text = self._text(0)
        node = self.graph.add_visitor_comment(post, text, author_id=author[0],
                                              author_name=author[1],
                                              parent_id=reply_to[0] if reply_to else None)
        comment_id, at = str(node["id"]), int(node["__ts"])
        kind: Kind = "reply" if reply_to else "comment"
        events = []
        for step, verb in enumerate(self._life()):
            text_now = None if verb == "remove" else (text if step == 0 else self._text(step))
            when = at + 3 * step
            events.append(Event("facebook", comment_id, kind, verb, when, text_now,
                                facebook_comment(self.page_id, post_id=post,
                                                 comment_id=comment_id,
                                                 parent_id=reply_to[0] if reply_to else None,
                                                 author=author, verb=verb, at=when,
                                                 text=text_now)))
        self._mirror_on_page(comment_id, events)
        if reply_to is None and events[-1].verb != "remove":  # one can answer it later
            self.fb_comments.append((comment_id, post))
        return events

    def _mirror_on_page(self, comment_id: str, events: list[Event]) -> None:
        """The Page shows what the last event says: the last text, or nothing."""
        if events[-1].verb == "remove":
            self.graph.store.delete(comment_id)
            return
        with self.graph.store.lock:
            node = self.graph.store.get(comment_id)
            if node is not None and events[-1].text is not None:
                node["message"] = events[-1].text

    def _li_comment(self) -> list[Event]:
        actor = f"urn:li:person:storm{self.run}{self.rng.randrange(40)}"
        activity = f"urn:li:activity:{self.li_post.rsplit(':', 1)[-1]}"
        comment = f"urn:li:comment:({activity},{self.run}{self.count})"
        base_ms = self.clock * 1000 + self.rng.randrange(1000)
        events = []
        for step, verb in enumerate(self._life()):
            text = None if verb == "remove" else self._text(step)
            self.notification += 1
            at_ms = base_ms + 3000 * step
            events.append(Event("linkedin", comment, "comment", verb, at_ms / 1000, text,
                                linkedin_comment(ORGANIZATION_URN,
                                                 notification_id=self.notification,
                                                 post=self.li_post, comment=comment,
                                                 actor=actor, verb=verb, at_ms=at_ms,
                                                 text=text)))
        return events

    def _message(self) -> list[Event]:
        author = self._person()
        mid = f"m_storm{self.run}{self.count}"
        text = self._text(0)
        at_ms = self.clock * 1000 + self.rng.randrange(1000)
        return [Event("facebook", mid, "message", "add", at_ms / 1000, text,
                      facebook_message(self.page_id, mid=mid, sender_id=author[0],
                                       text=text, at_ms=at_ms))]

    def _reaction(self) -> list[Event]:
        author = self._person()
        if self.rng.random() < 0.2:
            self.notification += 1
            part = linkedin_like(ORGANIZATION_URN, notification_id=self.notification,
                                 post=self.li_post, actor=f"urn:li:person:storm{self.run}",
                                 at_ms=self.clock * 1000)
            return [Event("linkedin", str(part["generatedActivity"]), "reaction", "add",
                          self.clock, None, part)]
        target = self.rng.choice(self.fb_comments) if self.fb_comments \
            and self.rng.random() < 0.5 else None
        post = target[1] if target else self.rng.choice(self.posts)
        if target is None:
            self.reacted_posts.add(post)
        part = facebook_reaction(self.page_id, post_id=post,
                                 comment_id=target[0] if target else None, author=author,
                                 reaction=self.rng.choice(("like", "love", "wow")),
                                 at=self.clock)
        return [Event("facebook", target[0] if target else post, "reaction", "add",
                      self.clock, None, part)]

    def _lead(self) -> list[Event]:
        last_name = f"Storm{self.run}L{self.count}"
        answers = {"first_name": self.rng.choice(("Лена", "Zoë", "明")),
                   "last_name": last_name, "email": f"{last_name.lower()}@example.org",
                   "city": "Berlin"}
        node = self.graph.add_lead(FORM_ID, answers, consents={"marketing": True},
                                   ts=self.clock)
        leadgen_id = str(node["id"])
        self.leads[leadgen_id] = answers
        return [Event("facebook", leadgen_id, "lead_form", "add", self.clock, None,
                      facebook_lead(self.page_id, leadgen_id=leadgen_id, form_id=FORM_ID,
                                    at=self.clock))]
