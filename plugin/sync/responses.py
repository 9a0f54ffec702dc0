"""First response: when the company answers, the customers it answered stop waiting.

An answer is an outbound item (the Page or organization wrote it, on the network or from
the CRM through the network). It answers:

* in **Messenger**, every inbound message of the conversation still waiting. The
  conversation is the customer's: the inbound messages of the PSID its thread key names
  (``connectors.facebook.messenger``). Matching the customer rather than the thread
  field also answers the messages stored before messages had that key (a poll stored
  Graph's conversation id ``t_...`` as their thread, a webhook none);
* under a **post**, the comment it replies to and the inbound replies in that comment's
  thread still waiting; a top-level comment of the Page under its own post answers no
  one in particular (it is not a reply).

"Waiting" means: inbound, no ``first_response_at`` yet, written before the answer, and not
hidden, deleted or closed. Each answered interaction gets ``first_response_at`` (the time
the answer was written, so the response time is ``first_response_at - occurred_at``,
comparable with ``sla_due_at``) and the status ``responded`` when it was ``new`` or
``assigned``. The first answer wins: a later one changes nothing, and re-running the rule
for the same answer changes nothing (safe on a retried job).

Calls: one list of the thread's inbound interactions (the newest ``THREAD_WINDOW``), then
one update per interaction answered.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from connectors.facebook.messenger import parse_conversation_key
from connectors.suitecrm import Filter, Record, SuiteCRMClient
from plugin.sync.ids import INTERACTIONS, interaction_id
from plugin.sync.items import SocialItem

THREAD_WINDOW = 100  # the newest inbound interactions of a thread looked at
WAITING_STATUSES = frozenset({"new", "assigned", ""})
READ = ("external_id", "parent_external_id", "occurred_at", "first_response_at", "status",
        "kind")


def may_answer(reply: SocialItem) -> bool:
    """Whether ``reply`` answers anyone: an outbound Messenger message, or an outbound
    reply to a comment (the Page's own top-level comment answers no one in particular)."""
    if reply.direction != "outbound" or not reply.thread_id:
        return False
    return reply.kind == "message" or bool(reply.parent_id
                                           and reply.parent_id != reply.thread_id)


def answered_by(crm: SuiteCRMClient, reply: SocialItem) -> tuple[Record, ...]:
    """Record the first response ``reply`` gives; SuiteCRM's answers to the updates."""
    if not may_answer(reply):
        return ()
    candidates = crm.list(INTERACTIONS, filter=_thread_filter(reply), fields=list(READ),
                          sort="-occurred_at", page_size=THREAD_WINDOW).records
    own_id = interaction_id(reply.network, reply.external_id)
    written = []
    for record in _waiting(candidates, reply, own_id):
        changes: dict[str, object] = {"first_response_at": reply.occurred_at}
        if str(record.get("status") or "") in WAITING_STATUSES:
            changes["status"] = "responded"
        written.append(crm.update(INTERACTIONS, record.id, changes))
    return tuple(written)


def _thread_filter(reply: SocialItem) -> Filter:
    """The inbound interactions ``reply`` may answer: its thread's, or for a Messenger
    message its customer's (see the module docstring)."""
    conversation = parse_conversation_key(reply.thread_id) if reply.kind == "message" \
        else None
    if conversation is not None:
        return Filter.where(network=str(reply.network), kind="message",
                            author_external_id=conversation[1], direction="inbound")
    return Filter.where(network=str(reply.network), thread_external_id=reply.thread_id,
                        direction="inbound")


def _waiting(records: Iterable[Record], reply: SocialItem, own_id: str) -> Iterable[Record]:
    for record in records:
        if record.id == own_id or record.get("first_response_at"):
            continue
        if str(record.get("status") or "") not in (*WAITING_STATUSES, "responded"):
            continue  # hidden, deleted, closed: nobody waits there any more
        written = record.datetime("occurred_at")
        if written is None or _minute(written) > _minute(reply.occurred_at):
            continue  # V8 answers datetimes to the minute: compare at that resolution
        if reply.kind == "message" or _in_sub_thread(record, reply.parent_id):
            yield record


def _in_sub_thread(record: Record, comment_id: str | None) -> bool:
    """The comment replied to, or a reply inside that comment's thread."""
    return comment_id is not None and comment_id in (record.get("external_id"),
                                                     record.get("parent_external_id"))


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)
