"""Single webhook events shaped as Facebook and LinkedIn deliver them, and the signed
bodies that carry one or a batch of them.

Why build the payloads here rather than with ``build_event``: a storm needs control the
demo sender does not give (a comment's edit and delete under the same id at chosen
times, a delete without text, Messenger ids of our own, several events in one body),
while the bytes and signatures must stay exactly the networks': Meta's escaped JSON and
``X-Hub-Signature-256`` come from ``sandboxes.facebook.sender``, LinkedIn's UTF-8 body and
``X-LI-Signature`` from the LinkedIn sandbox's own signer, never from the receiver's code.

Forged signatures come in the four ways a delivery goes wrong in the wild: signed with
another secret, a header cut short, no header at all, and a body changed after signing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sandboxes.facebook.sender import meta_json, signature_headers
from sandboxes.linkedin.signing import SIGNATURE_HEADER as LI_SIGNATURE_HEADER
from sandboxes.linkedin.signing import sign as linkedin_sign
from sandboxes.linkedin.webhook_sender import SOCIAL_ACTION_TYPE, encode_body

Network = Literal["facebook", "linkedin"]
Kind = Literal["comment", "reply", "message", "lead_form", "reaction"]
Verb = Literal["add", "edit", "remove"]
Forgery = Literal["wrong_secret", "truncated", "no_header", "tampered"]
FORGERIES: tuple[Forgery, ...] = ("wrong_secret", "truncated", "no_header", "tampered")
RANK: Mapping[Verb, int] = {"add": 0, "edit": 1, "remove": 2}  # same time: create first
FB_SIGNATURE_HEADERS = ("X-Hub-Signature-256", "X-Hub-Signature")
PATHS: Mapping[Network, str] = {"facebook": "/webhooks/facebook",
                                "linkedin": "/webhooks/linkedin"}


@dataclass(frozen=True, slots=True)
class Event:
    """One event of one item: what the network announces, and when it happened.

    ``part`` is the event's own piece of a body (a Facebook ``entry``, a LinkedIn
    ``notification``); a body is a list of parts, so the same event can travel in
    different batches. ``at`` orders the versions of one item (seconds)."""

    network: Network
    external_id: str
    kind: Kind
    verb: Verb
    at: float
    text: str | None
    part: Mapping[str, Any] = field(compare=False)

    @property
    def order(self) -> tuple[float, int]:
        return (self.at, RANK[self.verb])


def facebook_comment(page_id: str, *, post_id: str, comment_id: str, parent_id: str | None,
                     author: tuple[str, str], verb: Verb, at: int,
                     text: str | None) -> dict[str, Any]:
    """A feed change for a comment (a reply when ``parent_id`` is a comment)."""
    meta_verb = {"add": "add", "edit": "edited", "remove": "remove"}[verb]
    value: dict[str, Any] = {
        "from": {"id": author[0], "name": author[1]},
        "post": {"id": post_id, "status_type": "added_photos", "is_published": True},
        "post_id": post_id, "comment_id": comment_id, "parent_id": parent_id or post_id,
        "created_time": at, "item": "comment", "verb": meta_verb}
    if text is not None:  # Meta sends no message with a remove
        value["message"] = text
    return _feed_entry(page_id, at, value)


def facebook_reaction(page_id: str, *, post_id: str, comment_id: str | None,
                      author: tuple[str, str], reaction: str, at: int) -> dict[str, Any]:
    value: dict[str, Any] = {
        "from": {"id": author[0], "name": author[1]}, "parent_id": post_id,
        "post_id": post_id, "reaction_type": reaction, "created_time": at,
        "item": "reaction", "verb": "add"}
    if comment_id:
        value["comment_id"] = comment_id
    return _feed_entry(page_id, at, value)


def facebook_lead(page_id: str, *, leadgen_id: str, form_id: str, at: int) -> dict[str, Any]:
    return {"id": page_id, "time": at, "changes": [{"field": "leadgen", "value": {
        "ad_id": "120210000000001", "form_id": form_id, "leadgen_id": leadgen_id,
        "created_time": at, "page_id": page_id, "adgroup_id": "120210000000001"}}]}


def facebook_message(page_id: str, *, mid: str, sender_id: str, text: str,
                     at_ms: int) -> dict[str, Any]:
    return {"id": page_id, "time": at_ms, "messaging": [{
        "sender": {"id": sender_id}, "recipient": {"id": page_id}, "timestamp": at_ms,
        "message": {"mid": mid, "text": text}}]}


def _feed_entry(page_id: str, at: int, value: dict[str, Any]) -> dict[str, Any]:
    return {"id": page_id, "time": at, "changes": [{"field": "feed", "value": value}]}


def linkedin_comment(organization: str, *, notification_id: int, post: str, comment: str,
                     actor: str, verb: Verb, at_ms: int, text: str | None) -> dict[str, Any]:
    """An organization social-action notification about one comment."""
    action = {"add": "COMMENT", "edit": "COMMENT_EDIT", "remove": "COMMENT_DELETE"}[verb]
    decorated: dict[str, Any] = {"entity": comment, "owner": actor}
    if text is not None:
        decorated["text"] = text
    return {"notificationId": notification_id, "organizationalEntity": organization,
            "action": action, "sourcePost": post, "lastModifiedAt": at_ms,
            "generatedActivity": comment, "decoratedGeneratedActivity": {"comment": decorated}}


def linkedin_like(organization: str, *, notification_id: int, post: str, actor: str,
                  at_ms: int) -> dict[str, Any]:
    activity = f"urn:li:activity:{post.rsplit(':', 1)[-1]}"
    return {"notificationId": notification_id, "organizationalEntity": organization,
            "action": "LIKE", "sourcePost": post, "lastModifiedAt": at_ms,
            "generatedActivity": f"urn:li:reaction:({actor},{activity})"}


def body_of(network: Network, parts: Sequence[Mapping[str, Any]]) -> bytes:
    """The bytes the network sends for ``parts`` (one event or a batch)."""
    if network == "facebook":
        return meta_json({"object": "page", "entry": [dict(part) for part in parts]})
    return encode_body({"type": SOCIAL_ACTION_TYPE,
                        "notifications": [dict(part) for part in parts]})


def signed_headers(network: Network, body: bytes, secret: str) -> dict[str, str]:
    """The headers the network sends with ``body``."""
    if network == "facebook":
        return {"Content-Type": "application/json", "User-Agent": "facebookexternalua",
                **signature_headers(body, secret)}
    return {"Content-Type": "application/json; charset=utf-8",
            LI_SIGNATURE_HEADER: linkedin_sign(body, secret)}


def forged_headers(network: Network, body: bytes, secret: str, how: Forgery, *,
                   signed_body: bytes | None = None) -> dict[str, str]:
    """Headers that must not pass: ``tampered`` signs ``signed_body`` (what was sent
    before someone changed it), the others sign ``body`` wrongly or not at all."""
    if how == "wrong_secret":
        return signed_headers(network, body, secret + "-not-ours")
    if how == "tampered":
        return signed_headers(network, signed_body or b"", secret)
    headers = signed_headers(network, body, secret)
    names = FB_SIGNATURE_HEADERS if network == "facebook" else (LI_SIGNATURE_HEADER,)
    for name in names:
        if how == "no_header":
            del headers[name]
        else:  # truncated: the first half of the value, as a proxy cutting a header does
            headers[name] = headers[name][: len(headers[name]) // 2]
    return headers
