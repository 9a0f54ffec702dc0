"""A rep's reply to a social interaction: checked, recorded in SuiteCRM as the rep, posted.

Two steps on two queues, each safe to repeat:

1. On ``crm`` (with the rep's updates, in their order): the reply gets the compliance
   policy's verdict (``reply_policy.check_reply`` with the worker's site policy, signed
   with the rep's names), then becomes an *outbound* Social Interaction created as the
   rep under an id derived from the update, linked to the same people, account and case
   as the interaction it answers, carrying the verdict (``policy_verdict``,
   ``policy_reasons``). Then, by verdict:

   * ``allowed``: the placeholder external id ``pending:<update id>``, status
     ``assigned`` (the rep's, not yet on the network), and the network post is queued on
     ``outbound`` under a job id derived from the update (queued once however often this
     step runs);
   * ``needs_approval``: the same record, not posted: the reply waits for a manager
     (``workers.updates.holds``); approved, it is posted by the same ``outbound`` job
     (``workers.updates.decisions``);
   * ``blocked``: the attempt is kept for the record (external id ``blocked:<update id>``,
     status ``closed``, never posted) and the update fails with the policy's reasons.

2. On ``outbound`` (``workers.updates.delivery``): posted once as the Page or
   organization; the network's id replaces the placeholder and the reply becomes
   ``closed``; the interaction it answers ``responded`` while it was waiting, or
   ``closed_publicly`` when it was ``closed`` (a closed Case's conversation: the
   close-the-loop draft, ``workers.close_loop``, or any reply posted there).

A reply to a Messenger message is a message: checked as a private message (Messenger's
limits: 2,000 characters, personal data the customer may be sent), recorded with kind
``message`` in the conversation's thread, sent with the Send API.

The status list of the module has no "queued" or "sent" (``plugin.model``): ``assigned``
and ``closed`` say the same in its words, and the placeholder id tells a reply that has
not reached the network from one that has.

A reply sent from a close-the-loop draft carries ``draft_id`` in its fields (the drafts
API adds it; the updates API accepts no such field). It is refused when the conversation
was closed in public meanwhile, so the customer never reads two closing replies.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from connectors.suitecrm import Record, SuiteCRMClient
from plugin.sync.ids import INTERACTIONS, create_once
from plugin.sync.responses import WAITING_STATUSES
from workers.runtime import current
from workers.updates.holds import hold, job_redis, managers_of
from workers.updates.ids import record_id
from workers.updates.model import Applied, Failed, Outcome, Update
from workers.updates.reply_policy import (
    REPLY_KIND,
    Verdict,
    check_reply,
    policy_of,
    signature_of,
)
from workers.updates.text import fit

REPLYABLE_KINDS = frozenset({"post", "comment", "reply"})  # answered by a public comment
MESSAGE_KIND = "message"  # answered by a Messenger message (``workers.updates.delivery``)
PENDING_PREFIX = "pending:"
BLOCKED_PREFIX = "blocked:"
REJECTED_PREFIX = "rejected:"
# External ids of replies that are not (or never will be) on the network.
NOT_POSTED_PREFIXES = (PENDING_PREFIX, BLOCKED_PREFIX, REJECTED_PREFIX)
QUEUED_STATUS = "assigned"
SENT_STATUS = "closed"
ANSWERED_STATUS = "responded"
CLOSED_STATUS = "closed"
CLOSED_PUBLICLY = "closed_publicly"
SUBJECT_LIMIT = 120  # stored characters of the reply's text in its subject
INBOUND_FIELDS = ("network", "external_id", "kind", "thread_external_id", "language",
                  "contact_id", "account_id", "lead_id", "case_id", "status",
                  "first_response_at", "body", "author_name", "permalink")
_LINKED = ("contact_id", "account_id", "lead_id", "case_id")
# What a reply is, by what it answers: a post gets a comment, a message a message.
_OUTBOUND_KINDS = {"post": "comment", MESSAGE_KIND: MESSAGE_KIND}


def apply_reply(update: Update, crm: SuiteCRMClient,
                post: Callable[[Update], None]) -> Outcome:
    """Check the reply, record it as the rep behind ``crm`` and queue its post (``post``)
    or its approval (see the module docstring)."""
    inbound = crm.get(INTERACTIONS, str(update.fields["interaction_id"]),
                      fields=INBOUND_FIELDS)
    kind = str(inbound.get("kind") or "")
    if kind not in REPLYABLE_KINDS and kind != MESSAGE_KIND:
        return Failed(f"replying to a {kind.replace('_', ' ') or 'record'} is not "
                      "supported here: answer it on the network itself")
    if not inbound.get("external_id") or str(inbound.get("external_id")).startswith(
            NOT_POSTED_PREFIXES):
        return Failed("this interaction is not on the network yet, so it cannot be "
                      "answered there")
    if update.fields.get("draft_id") and inbound.get("status") == CLOSED_PUBLICLY:
        return Failed("this conversation was already closed in public, so the draft was "
                      "not sent")
    runtime = current()
    policy = policy_of(runtime.options)
    author = crm.current_user() if policy is not None else None
    names = signature_of(str(author.attributes.get("first_name") or ""),
                         str(author.attributes.get("last_name") or "")) if author else None
    verdict = check_reply(str(update.fields["text"]), str(inbound.get("network") or ""),
                          policy=policy, signature_values=names,
                          kind="private" if kind == MESSAGE_KIND else REPLY_KIND)
    new_id = record_id(update.id, INTERACTIONS)
    create_once(crm, INTERACTIONS, outbound_attributes(update, inbound, verdict), new_id)
    if verdict.decision == "blocked":
        return Failed(f"the reply cannot be sent: {verdict.reason}")
    if verdict.decision == "needs_approval":
        hold(job_redis(runtime), update, inbound, verdict, reply_id=new_id,
             author_name=author.full_name if author else "",
             managers=managers_of(runtime.options))
        return Applied(INTERACTIONS, new_id)
    post(update)
    return Applied(INTERACTIONS, new_id)


def outbound_attributes(update: Update, inbound: Record,
                        verdict: Verdict | None = None) -> dict[str, Any]:
    """The outbound interaction that stands for the reply until and after it is posted
    (or, blocked, instead of it)."""
    text = str(update.fields["text"])
    kind = str(inbound.get("kind") or "")
    answered = str(inbound.get("external_id"))
    blocked = verdict is not None and verdict.decision == "blocked"
    values: dict[str, Any] = {
        "name": fit(text, SUBJECT_LIMIT), "network": inbound.get("network"),
        "external_id": (BLOCKED_PREFIX if blocked else PENDING_PREFIX) + update.id,
        "kind": _OUTBOUND_KINDS.get(kind, "reply"), "direction": "outbound",
        "parent_external_id": answered,
        "thread_external_id": inbound.get("thread_external_id") or answered,
        "body": text, "occurred_at": update.client_time or update.accepted_at,
        "status": CLOSED_STATUS if blocked else QUEUED_STATUS,
        "policy_verdict": verdict.decision if verdict else "allowed",
        "assigned_user_id": update.user_id,
    }
    if verdict is not None and verdict.reasons:
        values["policy_reasons"] = verdict.lines()
    values.update({name: inbound.get(name) for name in _LINKED if inbound.get(name)})
    return values


def answered_changes(inbound: Mapping[str, Any], posted_at: Any) -> dict[str, Any]:
    """What a posted reply changes on the interaction it answers: ``responded`` while it
    was waiting (the sync's rule for the Page's own answers, ``plugin.sync.responses``),
    ``closed_publicly`` when it was ``closed`` (its matter settled: this reply closes the
    loop in public), and the first response time when it had none."""
    changes: dict[str, Any] = {}
    status = str(inbound.get("status") or "")
    if status in WAITING_STATUSES:
        changes["status"] = ANSWERED_STATUS
    elif status == CLOSED_STATUS:
        changes["status"] = CLOSED_PUBLICLY
    if not inbound.get("first_response_at"):
        changes["first_response_at"] = posted_at
    return changes
