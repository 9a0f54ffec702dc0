"""A social item becomes exactly one Social Interaction, whatever the order of its events.

``upsert_interaction`` costs one SuiteCRM call in the common case: it *creates* the record
under the item's derived id (``ids``) without looking first. Only when SuiteCRM answers
that the id exists (another event of the item came first, or another worker won a race)
does it read the record and write what this event changes, if anything: three calls at
most. Reading first would cost two calls for every new item, which is most of them.

What an event may change (``plan``), with the versions kept by ``versions``:

* the text (body, subject, author's name, link) only when the event is a newer version of
  it; an older edit, or a create that arrives after an edit, leaves the text alone;
* the status only for visibility: a hide sets ``hidden``, a delete ``deleted``, each newer
  than the visibility the record holds; unhide (or a later add or edit of a deleted item)
  restores the status the record had before, unless a person changed it meanwhile;
  workflow statuses (assigned, responded, closed) are the people's and never touched;
* fields the record lacks (thread, parent, author id, link, profile) are filled in from any
  event, old or new, since they never change for an item;
* ``occurred_at``: taken from the first event, replaced once by the real creation time
  when an add or a poll brings it (a delete announced first only stands in for it).

Only changed fields are sent, so a person's work on the record (status, assignment, case,
sentiment written by later steps) is never overwritten by a redelivery.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import regex

from connectors.errors import NotFoundError
from connectors.suitecrm import SuiteCRMClient
from plugin.sync.ids import INTERACTIONS, create_once, interaction_id
from plugin.sync.items import SocialItem
from plugin.sync.results import Upserted
from plugin.sync.sent_replies import sent_from_crm
from plugin.sync.versions import CLAIMS, Stamp, SyncState, decode_payload, encode_payload

MODULE = INTERACTIONS
HIDDEN_STATUSES = ("hidden", "deleted")
DEFAULT_STATUS = "new"
# What the merge needs to read back (a full record carries every field; this is less).
READ_FIELDS = (
    "name", "network", "external_id", "kind", "direction", "parent_external_id",
    "thread_external_id", "author_name", "author_handle", "author_profile_url",
    "author_external_id", "body", "permalink", "occurred_at", "status", "raw_payload",
    "profile_id", "date_modified", "sla_due_at",
)
SUBJECT_TEXT = 80  # stored characters of the body in the subject (the field holds 255)
SUBJECT_AUTHOR = 60
NETWORK_NAMES = {"facebook": "Facebook", "linkedin": "LinkedIn"}
KIND_NAMES = {"post": "post", "comment": "comment", "reply": "reply", "message": "message",
              "lead_form": "lead form"}


@dataclass(frozen=True, slots=True)
class Plan:
    """The fields one event writes to a record, and the version state they leave."""

    changes: dict[str, Any]
    state: SyncState


# Annotations written only into an empty field: a due time set once (by the sync, or
# earlier by a Case with a higher priority) is not moved by a later edit of the text.
SET_ONCE = frozenset({"sla_due_at"})


def upsert_interaction(crm: SuiteCRMClient, item: SocialItem, *,
                       profile_id: str | None = None,
                       annotations: Mapping[str, Any] | None = None) -> Upserted:
    """Create or update the item's interaction; see the module docstring for the rules.

    ``annotations`` (sentiment, language) are fields derived from the text: written with
    the text, in the same call, whenever this event writes the text."""
    record_id = sent_from_crm(crm, item) or interaction_id(item.network, item.external_id)
    fresh = plan(item, None, profile_id=profile_id, annotations=annotations)
    record = create_once(crm, MODULE, fresh.changes, record_id)
    current: Mapping[str, Any] | None = None
    if record is not None:
        # After a lost answer the client returns the stored record: ours, or a racer's.
        if record.get("raw_payload") == fresh.changes["raw_payload"]:
            return Upserted(MODULE, record_id, "created", record)
        current = record.attributes
    try:
        if current is None:
            current = crm.get(MODULE, record_id, fields=READ_FIELDS).attributes
        merge = plan(item, current, profile_id=profile_id, annotations=annotations)
        if not merge.changes:
            return Upserted(MODULE, record_id, "unchanged")
        return Upserted(MODULE, record_id, "updated",
                        crm.update(MODULE, record_id, merge.changes))
    except NotFoundError:
        return Upserted(MODULE, record_id, "skipped",
                        reason="the interaction was deleted in SuiteCRM; not recreated")


def plan(item: SocialItem, current: Mapping[str, Any] | None, *,
         profile_id: str | None = None, annotations: Mapping[str, Any] | None = None) -> Plan:
    """What ``item`` writes over ``current`` (SuiteCRM's attributes; None: no record yet)."""
    fields: Mapping[str, Any] = current or {}
    state, _ = decode_payload(fields.get("raw_payload"))
    target: dict[str, Any] = {}
    stamp = Stamp.of(item)
    new_state = state

    author = item.author
    for name, value in (
            ("network", str(item.network)), ("external_id", item.external_id),
            ("kind", item.kind), ("direction", item.direction),
            ("parent_external_id", item.parent_id), ("thread_external_id", item.thread_id),
            ("author_external_id", author.external_id if author else None),
            ("permalink", item.permalink), ("profile_id", profile_id)):
        if value and _empty(fields.get(name)):
            target[name] = value
    if item.kind == "reply" and fields.get("kind") == "comment":  # a reply announced bare
        target.update(kind="reply", parent_external_id=item.parent_id)

    if item.body is not None and stamp.beats(state.content):
        target.update(body=item.body, name=subject(item, fields.get("author_name")))
        target.update({name: value for name, value in (annotations or {}).items()
                       if name not in SET_ONCE or _empty(fields.get(name))})
        if author is not None:
            target.update(author_name=author.name or None, author_handle=author.handle,
                          author_profile_url=author.profile_url)
        if item.permalink:
            target["permalink"] = item.permalink
        new_state = new_state.with_content(stamp)
    if current is None or (item.tells_creation_time and not state.knows_creation):
        target["occurred_at"] = item.occurred_at
        new_state = replace(new_state, knows_creation=item.tells_creation_time)

    visibility_write, new_state, status = _visibility(item, stamp, new_state,
                                                      fields.get("status") or None)
    if status is not None:
        target["status"] = status
    if _empty(fields.get("name")) and "name" not in target:
        target["name"] = subject(item, fields.get("author_name"))

    changes = {name: value for name, value in target.items()
               if value is not None and (current is None
                                         or not _same(name, fields.get(name), value))}
    if current is None or changes or visibility_write:
        changes["raw_payload"] = encode_payload(new_state, item.raw)
    return Plan(changes, new_state)


def _visibility(item: SocialItem, stamp: Stamp, state: SyncState, status: str | None
                ) -> tuple[bool, SyncState, str | None]:
    """(whether the visibility's version moved, the new state, the status to write)."""
    claim = CLAIMS[item.verb]
    if claim is None and state.visibility == "deleted":
        claim = "visible"  # a deleted item edited later exists again
    if claim is None or not stamp.beats(state.seen):
        return False, state, None if status else DEFAULT_STATUS
    new_status: str | None = None
    status_before = state.status_before
    if claim != state.visibility or status is None:
        current = status or DEFAULT_STATUS
        if claim in HIDDEN_STATUSES:
            if current not in HIDDEN_STATUSES:
                status_before = current
            new_status = claim
        elif current in HIDDEN_STATUSES or status is None:
            new_status, status_before = status_before or DEFAULT_STATUS, None
    # A hide, unhide or delete records its time even when the visibility stays (an older
    # contrary event must lose to it); a poll reading the same visibility again does not.
    announced = item.verb in ("hide", "unhide", "remove") and not item.snapshot
    moved = announced or claim != state.visibility
    return moved, replace(state, visibility=claim, seen=stamp,
                          status_before=status_before), new_status


def subject(item: SocialItem, known_author: Any = None) -> str:
    """The record's name: who wrote what, short enough for the 255-character field even
    when every character is an emoji (stored as a 9-character escape). ``known_author``:
    the name the record already has, for an event that does not repeat it."""
    name = (item.author.name if item.author else "") or str(known_author or "")
    author = _within(name, SUBJECT_AUTHOR)
    text = " ".join((item.body or "").split())
    if not text:
        what = f"{NETWORK_NAMES.get(str(item.network), str(item.network))} " \
               f"{KIND_NAMES[item.kind]}"
        return f"{what} by {author}" if author else what
    snippet = _within(text, SUBJECT_TEXT)
    return f"{author}: {snippet}" if author else snippet


def _within(text: str, budget: int) -> str:
    """``text`` cut to ``budget`` stored characters (a 4-byte character is stored as its
    ``\\u{HEX}`` escape), with an ellipsis when cut, only between whole characters as a
    reader sees them (a flag, a family emoji, a letter with its accent stay whole). Only
    the subject is ever shortened."""
    text = text.strip()
    out: list[str] = []
    used = 0
    for cluster in regex.findall(r"\X", text):
        size = sum(len(f"\\u{{{ord(c):X}}}") if ord(c) > 0xFFFF else 1 for c in cluster)
        if used + size > budget - 1:
            return "".join(out).rstrip() + "…"
        out.append(cluster)
        used += size
    return "".join(out)


def _empty(value: Any) -> bool:
    return value is None or value == ""


def _same(name: str, stored: Any, wanted: Any) -> bool:
    """Whether SuiteCRM already holds ``wanted`` (it answers every value as text, and
    trims the short text fields, never the body)."""
    if not isinstance(wanted, str) or not isinstance(stored, str):
        return False  # datetimes: planned only when they must be written
    return stored == wanted if name == "body" else stored.strip() == wanted.strip()
