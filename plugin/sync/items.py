"""One normalised shape for everything the sync turns into a Social Interaction.

Items reach the sync two ways: as webhook events (the small dicts ``workers.jobs.intake``
puts on the streams) and as records a poll read (``SocialPost``, ``SocialComment``,
``SocialMessage``, ``LeadSubmission``). The rules in ``plugin.sync`` should not care which,
so both become a ``SocialItem``: what the item is (network, external id, kind, thread), what
happened to it (``verb``) and when that was known (``event_time``, the clock that orders
edits, hides and deletes of one item).

Why ``event_time`` differs from ``occurred_at``: ``occurred_at`` is when the item was
written (it goes to SuiteCRM); ``event_time`` is when *this version* of it existed: the time
of the edit or delete a webhook announces, or the moment a poll read the item (a poll
reports the state at reading time, so it beats any webhook about an earlier moment and
loses to any about a later one).

An item travels to a worker as plain JSON (``to_json``/``from_json``): jobs take small
dicts, never objects.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, cast

from connectors.facebook.messenger import conversation_key, customer_of
from connectors.social import (
    LeadSubmission,
    Network,
    SocialComment,
    SocialIdentity,
    SocialMessage,
    SocialPost,
)

ItemKind = Literal["post", "comment", "reply", "message", "lead_form"]
Verb = Literal["add", "edit", "remove", "hide", "unhide"]
Direction = Literal["inbound", "outbound"]
KINDS: tuple[ItemKind, ...] = ("post", "comment", "reply", "message", "lead_form")
VERB_NAMES: tuple[Verb, ...] = ("add", "edit", "remove", "hide", "unhide")
SCHEMA = "socialcrm.item/1"

# The networks' words for what happened, in the sync's words. Facebook says "edited" for
# comments and "update" for posts; a Messenger "echo" is the Page's own message.
VERBS: Mapping[str, Verb] = {
    "add": "add", "echo": "add", "edited": "edit", "edit": "edit", "update": "edit",
    "remove": "remove", "delete": "remove", "hide": "hide", "unhide": "unhide",
}
# Webhook event kinds (connectors) that become interactions; the others (reactions, unknown
# payloads) are counted elsewhere or kept raw, never written as an interaction.
EVENT_KINDS: Mapping[str, str] = {
    "comment": "comment", "post": "post", "share": "post", "mention": "post",
    "message": "message", "lead": "lead_form",
}


class NotAnItem(ValueError):
    """The event is real but nothing the sync writes as an interaction (a reaction...)."""


class BadItem(ValueError):
    """The event or record lacks what every item needs: it can never be applied."""


@dataclass(frozen=True, slots=True)
class SocialItem:
    """One version of one network item, as the sync rules apply it."""

    network: Network
    external_id: str
    kind: ItemKind
    verb: Verb
    owner_id: str  # the Facebook Page or LinkedIn organization it belongs to
    occurred_at: datetime  # when the item was written
    event_time: datetime  # when this version was true (orders the versions of one item)
    parent_id: str | None = None  # what it answers: the post, or the comment replied to
    # the post it belongs to (a post is its own thread); a message's conversation key
    thread_id: str | None = None
    author: SocialIdentity | None = None
    body: str | None = None  # None: this version says nothing about the text
    permalink: str | None = None
    direction: Direction = "inbound"
    event_id: str | None = None
    snapshot: bool = False  # a poll's reading of the whole item (not one announced change)
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.external_id or not isinstance(self.external_id, str):
            raise BadItem(f"a {self.network} {self.kind} without an external id")
        if self.kind not in KINDS or self.verb not in VERB_NAMES:
            raise BadItem(f"unknown kind {self.kind!r} or verb {self.verb!r}")
        if self.body is not None and not isinstance(self.body, str):
            raise BadItem(f"the body of {self.external_id} is not text")
        for name in ("occurred_at", "event_time"):
            value = getattr(self, name)
            if not isinstance(value, datetime) or value.utcoffset() is None:
                raise BadItem(f"{name} must be an aware datetime, not {value!r}")

    @property
    def tells_creation_time(self) -> bool:
        """Whether ``occurred_at`` is the item's real creation time: an "add" or a poll says
        so; an edit, hide or delete announced first only stands in for it."""
        return self.verb == "add" or self.snapshot

    def to_json(self) -> dict[str, Any]:
        """Plain JSON for a job argument; ``from_json`` gives an equal item back."""
        author = self.author
        return {
            "schema": SCHEMA, "network": str(self.network), "external_id": self.external_id,
            "kind": self.kind, "verb": self.verb, "owner_id": self.owner_id,
            "occurred_at": self.occurred_at.isoformat(),
            "event_time": self.event_time.isoformat(), "parent_id": self.parent_id,
            "thread_id": self.thread_id, "body": self.body, "permalink": self.permalink,
            "direction": self.direction, "event_id": self.event_id,
            "snapshot": self.snapshot,
            "author": None if author is None else {
                "external_id": author.external_id, "name": author.name,
                "handle": author.handle, "profile_url": author.profile_url,
                "email": author.email},
            "raw": _plain(self.raw),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SocialItem:
        if data.get("schema") != SCHEMA:
            raise BadItem(f"not a serialised item (schema {data.get('schema')!r})")
        network = _network(data.get("network"))
        try:
            return cls(
                network=network, external_id=str(data["external_id"]),
                kind=cast("ItemKind", data["kind"]), verb=cast("Verb", data["verb"]),
                owner_id=str(data.get("owner_id") or ""),
                occurred_at=_time(data["occurred_at"]), event_time=_time(data["event_time"]),
                parent_id=data.get("parent_id"), thread_id=data.get("thread_id"),
                author=_identity(network, data.get("author")), body=data.get("body"),
                permalink=data.get("permalink"),
                direction="outbound" if data.get("direction") == "outbound" else "inbound",
                event_id=data.get("event_id"), snapshot=bool(data.get("snapshot")),
                raw=data.get("raw") or {},
            )
        except KeyError as exc:
            raise BadItem(f"serialised item without {exc.args[0]}") from None


def is_serialised(data: Mapping[str, Any]) -> bool:
    return data.get("schema") == SCHEMA


def from_event(event: Mapping[str, Any]) -> SocialItem:
    """An intake event dict (``workers.jobs.intake``) as an item, either network.

    Raises ``NotAnItem`` for events the sync does not write (reactions, unknown payloads,
    verbs such as Facebook's ``block``) and ``BadItem`` for an event missing its id or time.
    """
    kind = EVENT_KINDS.get(str(event.get("kind")))
    verb = VERBS.get(str(event.get("verb")))
    if kind is None or verb is None:
        raise NotAnItem(f"{event.get('network')} {event.get('kind')}/{event.get('verb')} "
                        "is not written as an interaction")
    network = _network(event.get("network"))
    object_id = str(event.get("object_id") or "")
    owner = str(event.get("owner_id") or "")
    post_id = event.get("post_id") or None
    parent = event.get("parent_id") or None
    thread: str | None = None
    if kind == "comment":
        thread = post_id
        kind, parent = ("reply", parent) if parent else ("comment", post_id)
    elif kind == "post":
        thread = object_id
        parent = post_id if post_id and post_id != object_id else None
    author = _identity(network, event.get("author"))
    when = _time(event.get("occurred_at"))
    echo = event.get("verb") == "echo"
    if kind == "message" and network is Network.FACEBOOK:
        thread = post_id or _inbound_conversation(owner, author, echo=echo)
    return SocialItem(
        network=network, external_id=object_id, kind=cast("ItemKind", kind), verb=verb,
        owner_id=owner, occurred_at=when, event_time=when, parent_id=parent,
        thread_id=thread, author=author, body=event.get("body"),
        direction=_direction(author, owner, outbound=echo),
        event_id=event.get("event_id"), raw=event,
    )


def from_post(post: SocialPost, *, observed_at: datetime) -> SocialItem:
    """A polled post, true as read at ``observed_at`` (hidden posts say so)."""
    return SocialItem(
        network=post.network, external_id=post.external_id, kind="post",
        verb="hide" if post.is_hidden else "add", owner_id=post.owner_id,
        occurred_at=post.created_at, event_time=observed_at, thread_id=post.external_id,
        author=post.author, body=post.body, permalink=post.permalink,
        direction=_direction(post.author, post.owner_id), snapshot=True, raw=post.raw)


def from_comment(comment: SocialComment, *, owner_id: str,
                 observed_at: datetime) -> SocialItem:
    """A polled comment (a reply when it answers another comment), true at ``observed_at``."""
    reply = comment.parent_id is not None and comment.parent_id != comment.post_id
    return SocialItem(
        network=comment.network, external_id=comment.external_id,
        kind="reply" if reply else "comment", verb="hide" if comment.is_hidden else "add",
        owner_id=owner_id, occurred_at=comment.created_at, event_time=observed_at,
        parent_id=comment.parent_id if reply else comment.post_id, thread_id=comment.post_id,
        author=comment.author, body=comment.body, permalink=comment.permalink,
        direction=_direction(comment.author, owner_id), snapshot=True, raw=comment.raw)


def from_message(message: SocialMessage, *, owner_id: str, observed_at: datetime,
                 customer_id: str | None = None) -> SocialItem:
    """A polled Messenger message. Its thread is the conversation's key, the one its
    webhook gives it too (``messenger_thread``); ``customer_id``: the conversation's
    other participant, for a message that names no recipient."""
    return SocialItem(
        network=message.network, external_id=message.external_id, kind="message",
        verb="add", owner_id=owner_id, occurred_at=message.created_at,
        event_time=observed_at,
        thread_id=messenger_thread(message, owner_id, customer_id) or None,
        author=message.sender, body=message.body,
        direction=_direction(message.sender, owner_id, outbound=message.is_echo),
        snapshot=True, raw=message.raw)


def from_lead(lead: LeadSubmission, *, observed_at: datetime) -> SocialItem:
    """A lead form submission; the interaction's body lists the answers by question."""
    lines = [f"{lead.form_name or lead.form_id}"]
    lines += [f"{question}: {answer}" for question, answer in lead.answers.items()]
    return SocialItem(
        network=lead.network, external_id=lead.external_id, kind="lead_form", verb="add",
        owner_id=lead.owner_id, occurred_at=lead.submitted_at, event_time=observed_at,
        author=lead.submitter, body="\n".join(lines), snapshot=True, raw=lead.raw)


def messenger_thread(message: SocialMessage, owner_id: str,
                     customer_id: str | None = None) -> str:
    """The thread of a polled message: the key of the conversation between the Page and
    its customer (``connectors.facebook.messenger``), as webhooks name it. Only when the
    customer is unknown (neither the message nor the caller names one) does Graph's
    conversation id stand in."""
    customer = customer_of(message.sender.external_id, message.recipient_id,
                           is_echo=message.is_echo) or customer_id or ""
    return conversation_key(owner_id, customer) or message.conversation_id


def _inbound_conversation(owner_id: str, author: SocialIdentity | None, *,
                          echo: bool) -> str | None:
    """The thread of a message event queued without one (before webhooks named it): the
    customer is the author of an inbound message; an echo does not name its recipient."""
    if echo or author is None:
        return None
    return conversation_key(owner_id, author.external_id)


def _direction(author: SocialIdentity | None, owner_id: str, *,
               outbound: bool = False) -> Direction:
    """Outbound when the Page or organization itself wrote it (or Messenger echoed it)."""
    if outbound or (author is not None and owner_id and author.external_id == owner_id):
        return "outbound"
    return "inbound"


def _network(value: Any) -> Network:
    try:
        return Network(str(value))
    except ValueError:
        raise BadItem(f"unknown network {value!r}") from None


def _time(value: Any) -> datetime:
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value))
        except ValueError:
            raise BadItem(f"not an ISO 8601 time: {value!r}") from None
    if parsed.utcoffset() is None:
        raise BadItem(f"a time without a zone: {value!r}")
    return parsed.astimezone(UTC)


def _identity(network: Network, data: Any) -> SocialIdentity | None:
    if not isinstance(data, Mapping) or not data.get("external_id"):
        return None
    return SocialIdentity(network=network, external_id=str(data["external_id"]),
                          name=str(data.get("name") or ""), handle=data.get("handle"),
                          profile_url=data.get("profile_url"), email=data.get("email"))


def _plain(raw: Mapping[str, Any]) -> Any:
    """The raw payload as plain JSON values (records from JSON round-trip unchanged)."""
    return json.loads(json.dumps(dict(raw), default=str))
